from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection across the service: subject access, the retention schedule and the
    searchable audit trail. It sits above every domain, since what it exports, keeps or
    deletes about a student lives in all of them."""

    name = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        # What privacy registers with the apps below it: see privacy/hooks.py.
        from privacy import hooks  # noqa: F401
