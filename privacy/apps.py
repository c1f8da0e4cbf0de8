from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection across the service: subject access, the retention schedule and the
    searchable audit trail. It sits above every domain, since what it exports, keeps or
    deletes about a student lives in all of them."""

    name = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        # What subject access and the audit search register with the apps below them.
        from privacy import hooks_subject_access  # noqa: F401
