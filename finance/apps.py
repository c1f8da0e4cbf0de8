from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"

    def ready(self) -> None:
        # What finance registers with the apps below it: see finance/hooks.py.
        from finance import hooks  # noqa: F401
