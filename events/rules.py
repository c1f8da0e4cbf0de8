"""Who may do what with network and training events.

CAP officers and the CAP manager run events: they create and change them, see every
school's bookings, close booking, cancel an event and record who attended. The staff of a
school (any role that opens the school area) see the events, book places for their own
school's staff and cancel them before the event, and see their own school's bookings
only: of another school's, just how many places are left. Everyone else, providers and
agencies among them, sees none of it (404).
"""

import datetime as dt

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_cap_officer, school_ids
from events.models import Booking, Event, EventStatus
from events.workflow import HAPPENING


@rules.predicate
def can_manage_events(user: User) -> bool:
    """Create, change, close and cancel events; see every booking; record attendance."""
    return is_cap_officer(user)


def check_can_manage_events(user: User) -> None:
    if not can_manage_events(user):
        raise PermissionDenied("Only CAP officers and the CAP manager run events.")


@rules.predicate
def can_book_events(user: User) -> bool:
    """The staff of a school, for their own school."""
    return bool(school_ids(user))


def events_visible_to(user: User, events: QuerySet[Event]) -> QuerySet[Event]:
    if can_manage_events(user):
        return events
    if can_book_events(user):
        return events.filter(status__in=HAPPENING)
    return events.none()


@rules.predicate
def can_view_event(user: User, event: Event) -> bool:
    return can_manage_events(user) or (can_book_events(user) and event.status in HAPPENING)


def bookings_visible_to(user: User, bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Every booking for the CAP team; a school's staff, their own school's only."""
    if can_manage_events(user):
        return bookings
    return bookings.filter(school_id__in=school_ids(user))


def can_view_school_bookings(user: User, school) -> bool:
    """Who may read a school's bookings and attendance: the CAP team and the school's staff."""
    return can_manage_events(user) or school.pk in school_ids(user)


def booking_refusal(event: Event, *, today: dt.date, places_left: int) -> str:
    """Why no place can be booked at the event now, in words for the school; "" when one
    can. Whether the school subscribes is checked apart (subscription_refusal)."""
    if event.status == EventStatus.CANCELLED:
        return "This event has been cancelled."
    if event.status == EventStatus.CLOSED or today > event.booking_closes_on:
        return "Booking for this event has closed."
    if event.date < today:
        return "This event has taken place."
    if places_left <= 0:
        return "This event is full: there are no places left."
    return ""


def subscription_refusal(event: Event, *, subscribed: bool) -> str:
    if event.subscribers_only and not subscribed:
        return (
            f"This event is only for schools that subscribe to the service level agreement "
            f"for {event.year.name}. Your school does not subscribe for {event.year.name}."
        )
    return ""


@rules.predicate
def can_cancel_booking(user: User, booking: Booking) -> bool:
    """A school's staff cancel their own school's places, until the day before the event."""
    return (
        booking.school_id in school_ids(user)
        and booking.is_active
        and booking.event.status in HAPPENING
        and booking.event.date > timezone.localdate()
    )


def check_can_cancel_booking(user: User, booking: Booking) -> None:
    if not can_cancel_booking(user, booking):
        raise PermissionDenied("This place cannot be cancelled.")


@rules.predicate
def can_record_attendance(user: User, event: Event) -> bool:
    """On the day of the event or after it, for an event that was not cancelled."""
    return (
        can_manage_events(user) and event.status in HAPPENING and event.date <= timezone.localdate()
    )


def check_can_record_attendance(user: User, event: Event) -> None:
    if not can_record_attendance(user, event):
        raise PermissionDenied("Attendance is recorded on or after the day of the event.")
