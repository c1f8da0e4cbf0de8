from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    # manage.py write_state_diagrams writes each document (a path under BASE_DIR) from the
    # function named; a dotted path, because models are not loaded when this is read.
    state_diagrams = {"docs/states/agenda-items.md": "panels.diagrams.diagram_document"}

    def ready(self) -> None:
        # What panels registers with the apps below it: see panels/hooks.py.
        from panels import hooks  # noqa: F401
