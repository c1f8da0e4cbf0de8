from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self) -> None:
        # What safeguarding registers with the apps below it: see safeguarding/hooks.py.
        from safeguarding import hooks  # noqa: F401
