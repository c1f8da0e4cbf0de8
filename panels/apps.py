from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"

    def ready(self) -> None:
        # What panels registers with the apps below it: see panels/hooks.py.
        from panels import hooks  # noqa: F401
