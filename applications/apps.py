from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    # manage.py write_state_diagrams writes each document (a path under BASE_DIR) from the
    # function named; a dotted path, because models are not loaded when this is read.
    state_diagrams = {"docs/states/applications.md": "applications.diagrams.diagram_document"}

    def ready(self) -> None:
        # What applications registers with the apps below it: see applications/hooks.py.
        from applications import hooks  # noqa: F401
