from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The network and training events the CAP team runs for schools' staff: places,
    bookings and attendance."""

    name = "events"
