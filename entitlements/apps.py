from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    """What a school's service level agreement gives it beyond placements: the SEMHL
    practitioner's half day a week, mentors, family workers, outreach, advice, one-to-ones
    for headteachers and the 'When the Adults Change' programme; allocated by the CAP team,
    each delivery logged."""

    name = "entitlements"

    def ready(self) -> None:
        # What entitlements registers with the apps below it: see entitlements/hooks.py.
        from entitlements import hooks  # noqa: F401
