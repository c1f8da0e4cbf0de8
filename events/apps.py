from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The network and training events the CAP team runs for schools' staff: places,
    bookings and attendance."""

    name = "events"

    def ready(self) -> None:
        # What events registers with the apps above it: see events/hooks.py.
        from events import hooks  # noqa: F401
