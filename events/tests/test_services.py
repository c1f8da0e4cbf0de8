import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.utils import timezone

from accounts.leavers import leaver_record
from audit.models import Event as AuditEvent
from events import selectors, services
from events.models import Attendance, Booking, Event, EventStatus
from events.tests.factories import EventFactory, subscribe, year_holding_today
from lib.errors import Conflict, Refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def book(event, who, school, **person):
    if not person:
        person = {"attendee": who}
    return services.booking_create(event=event, school=school, by=who, **person)


def event_data(**changes):
    day = timezone.localdate() + dt.timedelta(days=20)
    return {
        "title": "Behaviour leads' network",
        "kind": "network_meeting",
        "description": "",
        "audience": "Behaviour Leads",
        "date": day,
        "starts_at": dt.time(9, 30),
        "ends_at": dt.time(12, 0),
        "venue": "Council House",
        "online": False,
        "places": 20,
        "subscribers_only": False,
        "booking_closes_on": day - dt.timedelta(days=3),
        **changes,
    }


def test_an_officer_creates_an_event_in_the_year_holding_its_date(cast):
    year = year_holding_today()
    event = services.event_create(data=event_data(), by=cast.officer)
    assert event.year == year and event.status == EventStatus.OPEN
    assert AuditEvent.objects.filter(action="event.create", object_id=str(event.uuid)).exists()


@pytest.mark.parametrize("who", ["alice", "monitoring", "provider_staff", "finance"])
def test_only_the_cap_team_creates_events(cast, who):
    year_holding_today()
    with pytest.raises(PermissionDenied):
        services.event_create(data=event_data(), by=getattr(cast, who))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": timezone.localdate() - dt.timedelta(days=1)}, "date"),
        ({"ends_at": dt.time(9, 0)}, "ends_at"),
        ({"places": 0}, "places"),
        ({"venue": "", "online": False}, "venue"),
    ],
)
def test_the_service_refuses_a_bad_event(cast, changes, field):
    year_holding_today()
    data = event_data(**changes)
    data["booking_closes_on"] = min(data["booking_closes_on"], data["date"])
    with pytest.raises(Refused) as refused:
        services.event_create(data=data, by=cast.officer)
    assert refused.value.field == field


def test_a_school_books_places_while_there_are_some(cast):
    event = EventFactory(places=2)
    first = book(event, cast.alice, cast.school_a)
    book(event, cast.headteacher, cast.school_a)
    assert first.attendee_name == "Alice Referrer" and first.attendee_email == cast.alice.email
    assert selectors.places_left(Event.objects.get(pk=event.pk)) == 0
    assert AuditEvent.objects.filter(action="booking.create").count() == 2


def test_a_full_event_refuses_another_booking(cast):
    event = EventFactory(places=1)
    book(event, cast.alice, cast.school_a)
    with pytest.raises(Refused, match="no places left"):
        book(event, cast.bob, cast.school_b)
    assert event.bookings.count() == 1


def test_a_cancelled_place_can_be_booked_again(cast):
    event = EventFactory(places=1)
    booking = book(event, cast.alice, cast.school_a)
    services.booking_cancel(booking=booking, by=cast.alice)
    book(event, cast.bob, cast.school_b)
    assert event.bookings.filter(cancelled_at__isnull=True).get().school == cast.school_b


def test_two_bookings_for_the_last_place_one_after_the_other_leave_one_refused(cast):
    event = EventFactory(places=3)
    book(event, cast.alice, cast.school_a)
    book(event, cast.headteacher, cast.school_a)
    outcomes = []
    for who, school in ((cast.bob, cast.school_b), (cast.school_dsl, cast.school_a)):
        try:
            book(event, who, school)
            outcomes.append("booked")
        except Refused as refused:
            outcomes.append(str(refused))
    assert outcomes == ["booked", "This event is full: there are no places left."]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database is one connection"
)
def test_two_bookings_racing_for_the_last_place_on_postgresql_leave_one_refused(cast):
    """Two threads, each with its own connection, book the last place together: the
    event's row lock makes the second count after the first has booked."""
    event = EventFactory(places=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(who, school):
        try:
            barrier.wait()
            book(event, who, school)
            outcomes.append("booked")
        except Refused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(cast.alice, cast.school_a)),
        threading.Thread(target=attempt, args=(cast.bob, cast.school_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "refused"]
    assert Booking.objects.filter(event=event).count() == 1


def test_a_school_not_subscribing_is_refused_an_event_for_subscribers_with_the_reason(cast):
    event = EventFactory(subscribers_only=True)
    subscribe(cast.school_a, event.year)
    book(event, cast.alice, cast.school_a)
    with pytest.raises(Refused, match="only for schools that subscribe") as refused:
        book(event, cast.bob, cast.school_b)
    assert event.year.name in str(refused.value)


def test_a_school_books_only_for_itself_and_its_own_staff(cast):
    event = EventFactory()
    with pytest.raises(Refused):
        book(event, cast.alice, cast.school_b, attendee=cast.bob)
    with pytest.raises(Refused) as refused:
        book(event, cast.alice, cast.school_a, attendee=cast.bob)
    assert refused.value.field == "person"
    with pytest.raises(Refused):
        book(event, cast.provider_staff, cast.school_a, attendee=cast.alice)


def test_a_named_person_is_booked_once(cast):
    event = EventFactory()
    person = {"name": "Sam Lee", "email": "sam.lee@school-a.example"}
    book(event, cast.alice, cast.school_a, **person)
    with pytest.raises(Refused, match="already has a place"):
        book(event, cast.alice, cast.school_a, name="Sam Lee", email="SAM.LEE@school-a.example")


def test_booking_closes_on_its_day_and_on_closing(cast):
    event = EventFactory(booking_closes_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(Refused, match="closed"):
        book(event, cast.alice, cast.school_a)
    other = EventFactory()
    services.event_close(event=other, by=cast.officer)
    with pytest.raises(Refused, match="closed"):
        book(other, cast.alice, cast.school_a)


def test_places_cannot_go_below_those_booked(cast):
    event = EventFactory(places=3)
    book(event, cast.alice, cast.school_a)
    book(event, cast.bob, cast.school_b)
    data = {name: getattr(event, name) for name in services.EVENT_FIELDS} | {"places": 1}
    with pytest.raises(Refused, match="fewer than the 2 already booked"):
        services.event_update(event=event, data=data, version=event.version, by=cast.officer)
    data["places"] = 2
    services.event_update(event=event, data=data, version=event.version, by=cast.officer)
    with pytest.raises(Conflict):
        services.event_update(event=event, data=data, version=event.version, by=cast.officer)


def test_a_school_cancels_its_place_before_the_event_only(cast):
    event = EventFactory()
    booking = book(event, cast.alice, cast.school_a)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, by=cast.bob)
    services.booking_cancel(booking=booking, by=cast.headteacher)
    booking.refresh_from_db()
    assert booking.cancelled_at is not None and booking.cancelled_by == cast.headteacher
    assert AuditEvent.objects.filter(action="booking.cancel").count() == 1
    today = EventFactory(date=timezone.localdate(), booking_closes_on=timezone.localdate())
    on_the_day = book(today, cast.alice, cast.school_a)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=on_the_day, by=cast.alice)


def test_cancelling_an_event_emails_each_person_and_booker_once_each(
    cast, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Trauma-informed practice")
    book(event, cast.alice, cast.school_a)
    book(event, cast.alice, cast.school_a, name="Sam Lee", email="sam@school-a.example")
    book(event, cast.bob, cast.school_b)
    gone = book(event, cast.headteacher, cast.school_a)
    services.booking_cancel(booking=gone, by=cast.headteacher)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, by=cast.officer)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.alice.email, "sam@school-a.example", cast.bob.email]
    )
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert all("Trauma-informed practice" in m.subject for m in mail.outbox)
    to_sam = next(m for m in mail.outbox if m.to == ["sam@school-a.example"])
    assert "booked for you" in to_sam.body and "Bob" not in to_sam.body
    assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED
    with pytest.raises(Refused):
        services.event_cancel(event=event, by=cast.officer)


def test_attendance_is_recorded_on_or_after_the_day(cast):
    event = EventFactory(date=timezone.localdate(), booking_closes_on=timezone.localdate())
    came = book(event, cast.alice, cast.school_a)
    missed = book(event, cast.bob, cast.school_b)
    changed = services.attendance_record(
        event=event,
        marks={str(came.uuid): Attendance.ATTENDED, str(missed.uuid): Attendance.DID_NOT_ATTEND},
        by=cast.officer,
    )
    assert changed == 2
    came.refresh_from_db()
    assert came.attendance == Attendance.ATTENDED and came.attendance_recorded_by == cast.officer
    assert AuditEvent.objects.filter(action="event.attendance").count() == 1
    assert selectors.school_attendance(cast.school_a, event.year) == 1
    assert selectors.school_attendance(cast.school_b, event.year) == 0
    ahead = EventFactory()
    with pytest.raises(PermissionDenied):
        services.attendance_record(event=ahead, marks={}, by=cast.officer)
    with pytest.raises(PermissionDenied):
        services.attendance_record(event=event, marks={}, by=cast.alice)


def test_school_attendance_counts_events_not_people(cast):
    year = year_holding_today()
    today = timezone.localdate()
    for _ in range(2):
        event = EventFactory(date=today, booking_closes_on=today)
        marks = {
            str(book(event, who, cast.school_a).uuid): Attendance.ATTENDED
            for who in (cast.alice, cast.headteacher)
        }
        services.attendance_record(event=event, marks=marks, by=cast.officer)
    assert selectors.school_attendance(cast.school_a, year) == 2
    summary = selectors.school_summary(cast.school_a, year, today=today)
    assert summary == {
        "booked": 4,
        "attended": 4,
        "missed": 0,
        "to_come": 4,
        "events_attended": 2,
    }


def test_a_leavers_places_to_come_are_given_back(cast):
    ahead = EventFactory(places=1)
    book(ahead, cast.alice, cast.school_a)
    today = timezone.localdate()
    held = EventFactory(date=today, booking_closes_on=today)
    kept = book(held, cast.alice, cast.school_a)
    leaver_record(person=cast.alice, new_owners={}, by=cast.manager)
    assert not Booking.objects.filter(event=ahead, cancelled_at__isnull=True).exists()
    kept.refresh_from_db()
    assert kept.cancelled_at is None  # today's place stays, to record who came
    assert AuditEvent.objects.filter(action="booking.cancel", detail__leaver=True).count() == 1
    book(ahead, cast.bob, cast.school_b)
