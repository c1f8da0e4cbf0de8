from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        # `check --deploy` refuses demo mode: see demo/checks.py.
        from demo import checks  # noqa: F401
