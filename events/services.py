"""Every write to events and bookings: typed, keyword-only, atomic, each with the rule
checked again here and an audit event in the same transaction; e-mails after commit."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.rules import check_can_record_leaver, school_ids
from audit.services import event_record
from events import selectors, tasks
from events.models import Attendance, Booking, Event
from events.rules import (
    booking_refusal,
    check_can_cancel_booking,
    check_can_manage_events,
    check_can_record_attendance,
    subscription_refusal,
)
from events.workflow import HAPPENING, TRANSITIONS
from lib.errors import Conflict, Refused

EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "audience",
    "date",
    "starts_at",
    "ends_at",
    "venue",
    "online",
    "places",
    "subscribers_only",
    "booking_closes_on",
)


def _check_event(data: dict, *, booked: int = 0) -> None:
    """What an event must be, whatever form it came from."""
    if data["ends_at"] <= data["starts_at"]:
        raise Refused("The end time must be after the start time", field="ends_at")
    if data["places"] < 1:
        raise Refused("The number of places must be 1 or more", field="places")
    if data["places"] < booked:
        raise Refused(
            f"The number of places cannot be fewer than the {booked} already booked",
            field="places",
        )
    if data["booking_closes_on"] > data["date"]:
        raise Refused(
            "Booking must close on or before the date of the event", field="booking_closes_on"
        )
    if not data["venue"].strip() and not data["online"]:
        raise Refused("Enter the venue, or say the event is online", field="venue")


def _year_for(day: dt.date):
    year = selectors.year_of(day)
    if year is None:
        raise Refused("CAP has no academic year holding this date", field="date")
    return year


@transaction.atomic
def event_create(*, data: dict, by: User) -> Event:
    check_can_manage_events(by)
    if data["date"] < timezone.localdate():
        raise Refused("The date of the event must be today or in the future", field="date")
    if data["booking_closes_on"] < timezone.localdate():
        raise Refused("Booking must close today or in the future", field="booking_closes_on")
    _check_event(data)
    event = Event.objects.create(
        year=_year_for(data["date"]),
        created_by=by,
        **{name: data[name] for name in EVENT_FIELDS},
    )
    event_record(actor=by, action="event.create", obj=event, detail={"kind": event.kind})
    return event


@transaction.atomic
def event_update(*, event: Event, data: dict, version: int, by: User) -> Event:
    """Change an event. The places cannot go below those booked: the event is locked while
    the bookings are counted, so a booking made meanwhile waits and is counted."""
    check_can_manage_events(by)
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.version != version:
        raise Conflict("The event was changed by someone else.")
    if locked.status not in HAPPENING:
        raise Refused("A cancelled event cannot be changed.")
    booked = locked.bookings.filter(cancelled_at__isnull=True).count()
    _check_event(data, booked=booked)
    changed = [name for name in EVENT_FIELDS if getattr(locked, name) != data[name]]
    Event.objects.filter(pk=locked.pk).update(
        year=_year_for(data["date"]),
        version=F("version") + 1,
        updated_at=timezone.now(),
        **{name: data[name] for name in EVENT_FIELDS},
    )
    locked.refresh_from_db()
    event_record(actor=by, action="event.update", obj=locked, detail={"changed": changed})
    return locked


def _move(event: Event, name: str, *, by: User) -> Event:
    locked = Event.objects.select_for_update().get(pk=event.pk)
    statuses, to = TRANSITIONS[name]
    if locked.status not in statuses:
        raise Refused(f"This event is {locked.get_status_display().lower()}.")
    before = locked.status
    Event.objects.filter(pk=locked.pk).update(
        status=to, version=F("version") + 1, updated_at=timezone.now()
    )
    locked.refresh_from_db()
    event_record(actor=by, action=f"event.{name}", obj=locked, detail={"from": before, "to": to})
    return locked


@transaction.atomic
def event_close(*, event: Event, by: User) -> Event:
    """Stop bookings before the closing date (the event is full enough, or plans changed)."""
    check_can_manage_events(by)
    return _move(event, "close", by=by)


@transaction.atomic
def event_cancel(*, event: Event, by: User) -> Event:
    """Cancel the event; everyone who booked a place, and each person booked, is e-mailed
    once the cancellation is saved."""
    check_can_manage_events(by)
    event = _move(event, "cancel", by=by)
    transaction.on_commit(lambda pk=event.pk: tasks.send_event_cancelled.enqueue(pk))
    return event


@transaction.atomic
def booking_create(
    *,
    event: Event,
    school: Organisation,
    by: User,
    attendee: User | None = None,
    name: str = "",
    email: str = "",
) -> Booking:
    """Book one place at the event for a member of the school's staff (`attendee`) or a
    person named with their e-mail address. The event's row is locked while its places are
    counted, so two people booking the last place at once cannot both have it (on SQLite,
    whose transactions here take the write lock at their start, they are one after the
    other anyway)."""
    if school.pk not in school_ids(by):
        raise Refused("You can book places only for your own school.")
    locked = Event.objects.select_for_update().select_related("year").get(pk=event.pk)
    today = timezone.localdate()
    taken = locked.bookings.filter(cancelled_at__isnull=True).count()
    refusal = booking_refusal(locked, today=today, places_left=locked.places - taken)
    refusal = refusal or subscription_refusal(
        locked, subscribed=selectors.is_subscribed(school=school, year=locked.year)
    )
    if refusal:
        raise Refused(refusal)
    if attendee is not None:
        if not selectors.school_staff(school).filter(pk=attendee.pk).exists():
            raise Refused("Choose someone from your school's staff", field="person")
        name, email = attendee.full_name, attendee.email
    name, email = name.strip(), email.strip()
    if not name:
        raise Refused("Enter the name of the person attending", field="name")
    if not email:
        raise Refused("Enter the e-mail address of the person attending", field="email")
    if locked.bookings.filter(cancelled_at__isnull=True, attendee_email__iexact=email).exists():
        raise Refused(f"{name} already has a place at this event", field="person")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                event=locked,
                school=school,
                attendee=attendee,
                attendee_name=name,
                attendee_email=email,
                booked_by=by,
            )
    except IntegrityError:
        raise Refused(f"{name} already has a place at this event", field="person") from None
    event_record(
        actor=by,
        action="booking.create",
        obj=booking,
        detail={"event": str(locked.uuid), "school": str(school.uuid)},
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User) -> Booking:
    locked = Booking.objects.select_for_update().select_related("event").get(pk=booking.pk)
    check_can_cancel_booking(by, locked)
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = by
    locked.save(update_fields=["cancelled_at", "cancelled_by"])
    event_record(
        actor=by,
        action="booking.cancel",
        obj=locked,
        detail={"event": str(locked.event.uuid)},
    )
    return locked


@transaction.atomic
def attendance_record(*, event: Event, marks: dict[str, str], by: User) -> int:
    """Record, for each place booked now (by booking UUID), whether the person attended.
    Returns how many places changed."""
    check_can_record_attendance(by, event)
    if any(mark not in Attendance.values for mark in marks.values()):
        raise Refused("Choose attended or did not attend for each person")
    bookings = {
        str(b.uuid): b
        for b in Booking.objects.select_for_update().filter(event=event, cancelled_at__isnull=True)
    }
    if set(marks) - set(bookings):
        raise Refused("Someone's place has been cancelled meanwhile: check the list again")
    now = timezone.now()
    changed = [bookings[key] for key, mark in marks.items() if bookings[key].attendance != mark]
    for booking in changed:
        booking.attendance = marks[str(booking.uuid)]
        booking.attendance_recorded_at = now
        booking.attendance_recorded_by = by
    Booking.objects.bulk_update(
        changed, ["attendance", "attendance_recorded_at", "attendance_recorded_by"]
    )
    if changed:
        event_record(
            actor=by,
            action="event.attendance",
            obj=event,
            detail={
                "attended": sum(b.attendance == Attendance.ATTENDED for b in changed),
                "did_not_attend": sum(b.attendance == Attendance.DID_NOT_ATTEND for b in changed),
            },
        )
    return len(changed)


def places_to_come(person: User):
    """The person's places at events still to come."""
    return Booking.objects.filter(
        attendee=person,
        cancelled_at__isnull=True,
        event__status__in=HAPPENING,
        event__date__gt=timezone.localdate(),
    )


@transaction.atomic
def places_end_for_leaver(*, person: User, by: User) -> int:
    """Cancel the places of someone who has left (accounts/leavers.py, which has checked
    that `by` may record them as a leaver), so other schools may book them. Each audited;
    returns how many."""
    check_can_record_leaver(by, person)
    ended = list(places_to_come(person).select_for_update().select_related("event"))
    now = timezone.now()
    for booking in ended:
        booking.cancelled_at, booking.cancelled_by = now, by
        booking.save(update_fields=["cancelled_at", "cancelled_by"])
        event_record(
            actor=by,
            action="booking.cancel",
            obj=booking,
            detail={"event": str(booking.event.uuid), "leaver": True},
        )
    return len(ended)
