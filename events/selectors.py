"""Reads for events: lists with their places left, a school's bookings, and what another
app may count (school_attendance)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from accounts.models import Organisation, User
from events.models import Attendance, Booking, Event
from events.workflow import HAPPENING
from programmes.models import AcademicYear, Subscription

# The most people a booking form offers to choose from; anyone else is named and e-mailed.
STAFF_LIMIT = 200

ACTIVE = Q(bookings__cancelled_at__isnull=True)


def with_places(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with `booked`, its places taken now (cancelled places are free again)."""
    return events.select_related("year").annotate(booked=Count("bookings", filter=ACTIVE))


def places_left(event: Event) -> int:
    return event.places_left


def events_listed(events: QuerySet[Event], *, past: bool, today: dt.date) -> QuerySet[Event]:
    """Upcoming events (from today), soonest first; or past ones, latest first."""
    if past:
        return with_places(events.filter(date__lt=today)).order_by("-date", "-starts_at", "pk")
    return with_places(events.filter(date__gte=today)).order_by("date", "starts_at", "pk")


def year_of(day: dt.date) -> AcademicYear | None:
    """The academic year holding the day, if CAP has it."""
    return AcademicYear.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def is_subscribed(*, school: Organisation, year: AcademicYear) -> bool:
    return Subscription.objects.filter(school=school, year=year).exists()


def subscribed_school_ids(*, school_ids: set[int], year: AcademicYear) -> set[int]:
    return set(
        Subscription.objects.filter(school_id__in=school_ids, year=year).values_list(
            "school_id", flat=True
        )
    )


def school_staff(school: Organisation) -> QuerySet[User]:
    """The active people with a role at the school, whom it may book places for."""
    return (
        User.objects.filter(is_active=True, memberships__organisation=school)
        .distinct()
        .order_by("full_name", "pk")
    )


def bookings_of_event(bookings: QuerySet[Booking], event: Event) -> QuerySet[Booking]:
    """An event's places booked now, by school then name (already scoped to the reader)."""
    return (
        bookings.filter(event=event, cancelled_at__isnull=True)
        .select_related("event", "school", "booked_by")
        .order_by("school__name", "attendee_name", "pk")
    )


def bookings_of_schools(
    bookings: QuerySet[Booking], *, school_ids: set[int], year: AcademicYear
) -> QuerySet[Booking]:
    """The schools' bookings (cancelled ones too) for the year's events, latest event first."""
    return (
        bookings.filter(school_id__in=school_ids, event__year=year)
        .select_related("event", "school")
        .order_by("-event__date", "-event__starts_at", "attendee_name", "pk")
    )


def school_attendance(school: Organisation, year: AcademicYear) -> int:
    """How many of the year's events someone from the school attended: for other apps (a
    school's entitlements) to count."""
    return (
        Event.objects.filter(
            year=year,
            status__in=HAPPENING,
            bookings__school=school,
            bookings__cancelled_at__isnull=True,
            bookings__attendance=Attendance.ATTENDED,
        )
        .distinct()
        .count()
    )


def school_summary(school: Organisation, year: AcademicYear, *, today: dt.date) -> dict:
    """A school's places at the year's events that still happen: booked, attended, missed
    and still to come; and the number of events it attended."""
    places = Booking.objects.filter(
        school=school, event__year=year, event__status__in=HAPPENING, cancelled_at__isnull=True
    ).aggregate(
        booked=Count("pk"),
        attended=Count("pk", filter=Q(attendance=Attendance.ATTENDED)),
        missed=Count("pk", filter=Q(attendance=Attendance.DID_NOT_ATTEND)),
        to_come=Count("pk", filter=Q(event__date__gte=today)),
    )
    return places | {"events_attended": school_attendance(school, year)}
