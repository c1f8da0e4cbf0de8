"""events' sections of other apps' pages: the school and casework home pages, and a
school's entitlements page ("entitlements:school", whose object is the school)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from events import services
from events.hooks import events_of_school
from events.models import Attendance
from events.tests.factories import EventFactory
from lib.sections import sections_for

pytestmark = pytest.mark.django_db


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # the context processors read it
    return request


def test_the_school_home_offers_the_events(client, cast):
    event = EventFactory(title="Pastoral leads' network")
    client.force_login(cast.alice)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert "Network and training events" in page
    assert reverse("events:school_event", args=[event.uuid]) in page
    assert reverse("events:school_bookings") in page


def test_the_casework_home_offers_the_events_to_the_cap_team_only(client, cast):
    EventFactory(title="SENDCo network")
    client.force_login(cast.officer)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "SENDCo network" in page and reverse("events:event_new") in page
    client.force_login(cast.monitoring)
    assert "SENDCo network" not in client.get(reverse("dashboards:casework")).content.decode()


def test_a_schools_entitlements_show_its_events_this_year(cast):
    today = timezone.localdate()
    event = EventFactory(date=today, booking_closes_on=today)
    came = services.booking_create(
        event=event, school=cast.school_a, by=cast.alice, attendee=cast.alice
    )
    services.booking_create(
        event=event, school=cast.school_a, by=cast.alice, attendee=cast.headteacher
    )
    services.attendance_record(
        event=event, marks={str(came.uuid): Attendance.ATTENDED}, by=cast.officer
    )
    html = events_of_school(request_by(cast.alice), cast.school_a)
    assert "2" in html and "1 person, at 1 event" in html and "0 people" in html
    assert reverse("events:school_bookings") in html
    # The section is registered for the entitlements page.
    assert sections_for("entitlements:school", request_by(cast.alice), cast.school_a)
    # The CAP team sees it without a link to the school's own page.
    for_officer = events_of_school(request_by(cast.officer), cast.school_a)
    assert "1 person, at 1 event" in for_officer
    assert reverse("events:school_bookings") not in for_officer


@pytest.mark.parametrize("who", ["bob", "provider_staff", "agency_worker", "monitoring"])
def test_no_one_else_sees_a_schools_events(cast, who):
    EventFactory()
    assert events_of_school(request_by(getattr(cast, who)), cast.school_a) == ""
