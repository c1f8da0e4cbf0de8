from django.apps import AppConfig


class AboutConfig(AppConfig):
    """The pages a public body's online service must have, linked from every page's footer:
    the accessibility statement, the privacy notice, cookies and how to contact the CAP team."""

    name = "about"
    verbose_name = "About this service"

    def ready(self) -> None:
        # The system checks: the statement file is sound, and production has set the
        # authority's details.
        from about import accessibility, checks  # noqa: F401
