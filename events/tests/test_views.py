import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import SchoolFactory, member
from audit.models import Event as AuditEvent
from events import services
from events.models import Attendance, Booking, Event, EventStatus
from events.tests.factories import EventFactory, subscribe, year_holding_today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def signed_in(client, user):
    client.force_login(user)
    return client


def form_data(**changes):
    day = timezone.localdate() + dt.timedelta(days=30)
    closes = day - dt.timedelta(days=5)
    data = {
        "title": "When the Adults Change",
        "kind": "training",
        "description": "A day's training on relational practice.",
        "audience": "Pastoral Leads",
        "date_day": day.day,
        "date_month": day.month,
        "date_year": day.year,
        "starts_at": "9am",
        "ends_at": "3:30pm",
        "venue": "Central Library",
        "places": "25",
        "subscribers_only": "yes",
        "booking_closes_on_day": closes.day,
        "booking_closes_on_month": closes.month,
        "booking_closes_on_year": closes.year,
    }
    return data | changes


# --- The CAP team's pages ------------------------------------------------------------------


def test_an_officer_adds_an_event(client, cast):
    year = year_holding_today()
    response = signed_in(client, cast.officer).post(reverse("events:event_new"), form_data())
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("events:casework_event", args=[event.uuid])
    assert (event.year, event.kind, event.places, event.subscribers_only) == (
        year,
        "training",
        25,
        True,
    )
    assert (event.starts_at, event.ends_at) == (dt.time(9), dt.time(15, 30))
    page = client.get(response.url).content.decode()
    assert "9am to 3:30pm" in page and "When the Adults Change" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_year": "2001"}, "The date of the event must be today or in the future"),
        ({"places": "0"}, "The number of places must be 1 or more"),
        ({"places": "many"}, "The number of places must be a whole number"),
        ({"ends_at": "8am"}, "The end time must be after the start time"),
        ({"starts_at": "25:00"}, "Enter the start time like 9:30am or 2pm"),
        ({"title": ""}, "Enter the title"),
        ({"booking_closes_on_year": "2001"}, "Booking must close today or in the future"),
        ({"booking_closes_on_day": ""}, "Booking closes on must include a day"),
        ({"venue": ""}, "Enter the venue, or say the event is online"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_kept(client, cast, changes, message):
    year_holding_today()
    response = signed_in(client, cast.officer).post(
        reverse("events:event_new"), form_data(**changes)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert message in page
    assert 'value="Pastoral Leads"' in page
    assert not Event.objects.exists()


def test_places_cannot_be_changed_below_those_booked(client, cast):
    event = EventFactory(places=3)
    for who, school in ((cast.alice, cast.school_a), (cast.bob, cast.school_b)):
        services.booking_create(event=event, school=school, by=who, attendee=who)
    data = form_data(places="1", title=event.title, version=event.version)
    response = signed_in(client, cast.officer).post(
        reverse("events:event_edit", args=[event.uuid]), data
    )
    assert "fewer than the 2 already booked" in response.content.decode()
    assert Event.objects.get(pk=event.pk).places == 3


@pytest.mark.parametrize(
    "who", ["alice", "monitoring", "provider_staff", "agency_worker", "finance", "outsider"]
)
def test_others_find_no_casework_event_pages(client, cast, who):
    event = EventFactory()
    signed_in(client, getattr(cast, who))
    for name in ("casework_event", "event_edit", "event_cancel"):
        assert client.get(reverse(f"events:{name}", args=[event.uuid])).status_code == 404
    assert client.get(reverse("events:casework_list")).status_code == 404
    assert client.post(reverse("events:event_close", args=[event.uuid])).status_code == 404
    assert Event.objects.get(pk=event.pk).status == EventStatus.OPEN


def test_closing_is_post_only(client, cast):
    event = EventFactory()
    signed_in(client, cast.officer)
    assert client.get(reverse("events:event_close", args=[event.uuid])).status_code == 405
    client.post(reverse("events:event_close", args=[event.uuid]))
    assert Event.objects.get(pk=event.pk).status == EventStatus.CLOSED


def test_the_officer_cancels_an_event_and_the_bookers_are_emailed(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory()
    services.booking_create(event=event, school=cast.school_a, by=cast.alice, attendee=cast.alice)
    signed_in(client, cast.officer)
    page = client.get(reverse("events:event_cancel", args=[event.uuid])).content.decode()
    assert "1 place has been booked" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:event_cancel", args=[event.uuid]))
    assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED
    assert [m.to for m in mailoutbox] == [[cast.alice.email]]


def test_the_officer_records_attendance(client, cast):
    today = timezone.localdate()
    event = EventFactory(date=today, booking_closes_on=today)
    came = services.booking_create(
        event=event, school=cast.school_a, by=cast.alice, attendee=cast.alice
    )
    missed = services.booking_create(
        event=event, school=cast.school_b, by=cast.bob, attendee=cast.bob
    )
    url = reverse("events:attendance", args=[event.uuid])
    signed_in(client, cast.officer)
    response = client.post(url, {f"b-{came.uuid}": "attended"})
    assert response.status_code == 200
    assert "Select whether Bob Referrer attended" in response.content.decode()
    response = client.post(
        url, {f"b-{came.uuid}": "attended", f"b-{missed.uuid}": "did_not_attend"}
    )
    assert response.status_code == 302
    assert dict(Booking.objects.values_list("attendee_name", "attendance")) == {
        "Alice Referrer": Attendance.ATTENDED,
        "Bob Referrer": Attendance.DID_NOT_ATTEND,
    }


def test_attendance_waits_for_the_day(client, cast):
    event = EventFactory()
    signed_in(client, cast.officer)
    assert client.get(reverse("events:attendance", args=[event.uuid])).status_code == 404


# --- The schools' pages --------------------------------------------------------------------


def test_a_coordinator_books_a_place_for_a_colleague(client, cast):
    event = EventFactory(places=5)
    url = reverse("events:book", args=[event.uuid])
    signed_in(client, cast.alice)
    page = client.get(url).content.decode()
    assert cast.headteacher.full_name in page and "Bob Referrer" not in page
    response = client.post(url, {"person": str(cast.headteacher.uuid)})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.school, booking.attendee, booking.booked_by) == (
        cast.school_a,
        cast.headteacher,
        cast.alice,
    )
    assert AuditEvent.objects.filter(action="booking.create").exists()


def test_someone_else_needs_a_name_and_an_email(client, cast):
    event = EventFactory()
    signed_in(client, cast.alice)
    response = client.post(
        reverse("events:book", args=[event.uuid]),
        {"person": "someone-else", "name": "Sam Lee", "email": "not an address"},
    )
    page = response.content.decode()
    assert "Enter an e-mail address in the correct format" in page
    assert 'value="Sam Lee"' in page and "<title>Error: " in page
    assert not Booking.objects.exists()


def test_a_full_event_sends_the_school_back_with_the_reason(client, cast):
    event = EventFactory(places=1)
    services.booking_create(event=event, school=cast.school_b, by=cast.bob, attendee=cast.bob)
    signed_in(client, cast.alice)
    page = client.get(reverse("events:school_event", args=[event.uuid])).content.decode()
    assert "no places left" in page and "Book a place" not in page
    response = client.post(reverse("events:book", args=[event.uuid]), {"person": "x"})
    assert response.status_code == 302
    assert Booking.objects.count() == 1


def test_a_school_not_subscribing_is_told_why_it_cannot_book(client, cast):
    event = EventFactory(subscribers_only=True)
    subscribe(cast.school_a, event.year)
    signed_in(client, cast.bob)
    page = client.get(reverse("events:school_event", args=[event.uuid])).content.decode()
    assert "only for schools that subscribe to the service level agreement" in page
    client.post(reverse("events:book", args=[event.uuid]), {"person": str(cast.bob.uuid)})
    assert not Booking.objects.exists()
    signed_in(client, cast.alice)
    assert (
        "Book a place"
        in client.get(reverse("events:school_event", args=[event.uuid])).content.decode()
    )


def test_a_school_sees_only_its_own_bookings(client, cast):
    event = EventFactory(places=5)
    theirs = services.booking_create(
        event=event, school=cast.school_b, by=cast.bob, attendee=cast.bob
    )
    services.booking_create(event=event, school=cast.school_a, by=cast.alice, attendee=cast.alice)
    signed_in(client, cast.alice)
    page = client.get(reverse("events:school_event", args=[event.uuid])).content.decode()
    assert "Alice Referrer" in page and "Bob Referrer" not in page and "3 left" in page
    assert "Bob Referrer" not in client.get(reverse("events:school_bookings")).content.decode()
    url = reverse("events:booking_cancel", args=[theirs.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


def test_a_school_cancels_its_own_place(client, cast):
    event = EventFactory()
    booking = services.booking_create(
        event=event, school=cast.school_a, by=cast.alice, attendee=cast.alice
    )
    signed_in(client, cast.school_dsl)
    url = reverse("events:booking_cancel", args=[booking.uuid])
    assert client.get(url).status_code == 200
    client.post(url)
    booking.refresh_from_db()
    assert booking.cancelled_by == cast.school_dsl


@pytest.mark.parametrize("who", ["provider_staff", "academy_staff", "agency_worker", "outsider"])
def test_providers_and_agencies_find_no_school_event_pages(client, cast, who):
    event = EventFactory()
    booking = services.booking_create(
        event=event, school=cast.school_a, by=cast.alice, attendee=cast.alice
    )
    signed_in(client, getattr(cast, who))
    for url in (
        reverse("events:school_list"),
        reverse("events:school_bookings"),
        reverse("events:school_event", args=[event.uuid]),
        reverse("events:book", args=[event.uuid]),
        reverse("events:booking_cancel", args=[booking.uuid]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_cancelled_event_is_gone_from_the_schools(client, cast):
    event = EventFactory()
    services.event_cancel(event=event, by=cast.officer)
    signed_in(client, cast.alice)
    assert client.get(reverse("events:school_event", args=[event.uuid])).status_code == 404
    assert event.title not in client.get(reverse("events:school_list")).content.decode()


def test_an_officer_changes_an_event_unless_someone_else_did_first(client, cast):
    event = EventFactory(places=3)
    url = reverse("events:event_edit", args=[event.uuid])
    signed_in(client, cast.officer)
    assert 'value="Network meeting' in client.get(url).content.decode()
    response = client.post(url, form_data(title="Renamed", version=event.version))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.places, event.version) == ("Renamed", 25, 2)
    assert AuditEvent.objects.filter(action="event.update").count() == 1
    stale = client.post(url, form_data(title="Again", version=1)).content.decode()
    assert "Someone else changed this event" in stale and 'value="Again"' in stale
    assert Event.objects.get(pk=event.pk).title == "Renamed"


# --- Queries do not grow with the data -----------------------------------------------------


def _fill(cast, events: int, per_event: int):
    for _ in range(events):
        event = EventFactory(places=per_event + 3)
        for _ in range(per_event):
            school = SchoolFactory()
            who = member(school, Role.REFERRER)
            services.booking_create(event=event, school=school, by=who, attendee=who)
        for guest in range(min(per_event, 3)):  # the school's own places grow too
            services.booking_create(
                event=event,
                school=cast.school_a,
                by=cast.alice,
                name=f"Guest {event.pk}-{guest}",
                email=f"guest{event.pk}-{guest}@school-a.example",
            )
    return event


@pytest.mark.parametrize(
    ("who", "view_name"),
    [
        ("officer", "casework_list"),
        ("officer", "casework_event"),
        ("alice", "school_list"),
        ("alice", "school_event"),
        ("alice", "school_bookings"),
    ],
)
def test_queries_do_not_grow_with_the_events_and_bookings(client, cast, who, view_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(event) -> int:
        args = [event.uuid] if view_name.endswith("_event") else []
        signed_in(client, getattr(cast, who))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"events:{view_name}", args=args)).status_code == 200
        return len(queries)

    small = count(_fill(cast, events=1, per_event=1))
    large = count(_fill(cast, events=4, per_event=5))
    assert small == large
