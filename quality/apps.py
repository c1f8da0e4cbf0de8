from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Provider quality assurance"

    def ready(self) -> None:
        # What quality registers with the apps below it: see quality/hooks.py.
        from quality import hooks  # noqa: F401
