"""Background work for events, run by `manage.py db_worker`: the e-mails."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from events.models import Event


@task()
def send_event_cancelled(event_id: int) -> None:
    """Tell each person booked on a cancelled event, and whoever booked their place, that
    it will not take place. One e-mail to each address, so that nobody learns who else,
    from which school, had a place."""
    event = Event.objects.get(pk=event_id)
    recipients: dict[str, bool] = {}  # address: whether the person booked in CAP
    for booking in event.bookings.filter(cancelled_at__isnull=True).select_related("booked_by"):
        recipients.setdefault(booking.attendee_email.lower(), False)
        booker = booking.booked_by
        if booker is not None and booker.is_active:
            recipients[booker.email.lower()] = True
    for address, booker in sorted(recipients.items()):
        send_mail(
            subject=f"Cancelled: {event.title} on {event.date:%-d %B %Y}",
            message=render_to_string(
                "events/email/cancelled.txt",
                {
                    "event": event,
                    "booker": booker,
                    "url": settings.CAP_BASE_URL + reverse("events:school_bookings"),
                    "service_name": settings.CAP_SERVICE_NAME,
                },
            ),
            from_email=None,
            recipient_list=[address],
        )
