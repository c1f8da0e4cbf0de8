from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self) -> None:
        # What placements registers with the apps below it: see placements/hooks.py.
        from placements import hooks  # noqa: F401
