from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    """Agency professionals working with a student: the pages where a school or a CAP
    officer links them to a student (the link itself is students.AgencyLink), and the
    professional's own pages: the student's plans, reviews and placement summary."""

    name = "agencies"
    verbose_name = "Agencies"

    def ready(self) -> None:
        # The agency home's list and the links on a student's and a placement's pages.
        from agencies import hooks  # noqa: F401
