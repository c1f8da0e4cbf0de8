from django.apps import AppConfig


class SchoolReviewsConfig(AppConfig):
    """The termly school review meeting: for each school, an agenda drawn from its students
    in alternative provision, minutes, and actions with owners and due dates."""

    name = "school_reviews"
    verbose_name = "School review meetings"

    def ready(self) -> None:
        # The sections of the home pages (school_reviews/hooks.py).
        from school_reviews import hooks  # noqa: F401
