from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection across the service: subject access, the retention schedule and the
    searchable audit trail. It sits above every domain, since what it exports, keeps or
    deletes about a student lives in all of them."""

    name = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        # What privacy registers with the apps below it (privacy/hooks.py and
        # privacy/hooks_subject_access.py), and the check of the retention schedule
        # (privacy/retention.py).
        from privacy import hooks, hooks_subject_access, retention  # noqa: F401

        retention.schedule()  # a wrong schedule stops start-up with every problem listed
