"""Network and training events the CAP team runs for schools' staff (the service level
agreement's "network and training events for Behaviour Leads, Pastoral Leads, SENDCos and
CAP Coordinators"), their places, the schools' bookings and who attended."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Organisation
from lib.dates import long_date, time_of_day
from programmes.models import AcademicYear


class EventKind(models.TextChoices):
    NETWORK_MEETING = "network_meeting", "Network meeting"
    TRAINING = "training", "Training"


class EventStatus(models.TextChoices):
    OPEN = "open", "Open for booking"
    CLOSED = "closed", "Booking closed"
    CANCELLED = "cancelled", "Cancelled"


class Event(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The year whose subscriptions decide who may book an event for subscribing schools
    # only: the academic year holding the event's date, set by the service.
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=300, blank=True)
    date = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    venue = models.CharField(max_length=300, blank=True)
    online = models.BooleanField(default=False)
    places = models.PositiveSmallIntegerField()
    subscribers_only = models.BooleanField(default=False)
    booking_closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "network or training event"
        ordering = ["date", "starts_at", "title"]
        indexes = [models.Index(fields=["date", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gte=1), name="event_has_places"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def when_words(self) -> str:
        """ "Tuesday 3 February 2026, 9:30am to 12pm"."""
        return (
            f"{long_date(self.date)}, {time_of_day(self.starts_at)} to {time_of_day(self.ends_at)}"
        )

    @property
    def is_past(self) -> bool:
        return self.date < timezone.localdate()

    @property
    def places_left(self) -> int:
        """Places not yet booked; `booked` is annotated by events.selectors.with_places."""
        booked = getattr(self, "booked", None)
        if booked is None:
            booked = self.bookings.filter(cancelled_at__isnull=True).count()
        return max(self.places - booked, 0)

    @property
    def where_words(self) -> str:
        if self.online and self.venue:
            return f"{self.venue}, or online"
        return "Online" if self.online else self.venue


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class Booking(models.Model):
    """One place at an event for one person from a school: a member of the school's staff
    in CAP, or someone named with their e-mail address. Cancelling keeps the row."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="bookings")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for someone who is not in CAP.",
    )
    # Copied from the attendee when they are in CAP, so the list of who came still reads
    # the same after they leave.
    attendee_name = models.CharField(max_length=150)
    attendee_email = models.EmailField()
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "place at an event"
        verbose_name_plural = "places at events"
        ordering = ["booked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("attendee_email"),
                condition=models.Q(cancelled_at__isnull=True),
                name="booking_one_place_per_person",
            ),
        ]
        indexes = [models.Index(fields=["school", "event"])]

    def __str__(self) -> str:
        return f"{self.attendee_name} at {self.event}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None
