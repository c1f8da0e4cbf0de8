"""Given the demo, when a CAP officer adds a network meeting for today (a mistyped number of
places first), a school's CAP coordinator books herself a place from the school home page,
and the officer records that she attended, then the school's bookings show it. Every page
passes axe-core."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Attendance, Booking
from tests.browser.test_provider_route import fill_date, sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"
TITLE = "Pastoral Leads' network meeting"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.browser
def test_an_officer_adds_an_event_a_school_books_and_the_officer_records_attendance(demo, journey):
    page = journey.page
    today = timezone.localdate()

    # The CAP officer adds a network meeting for today
    sign_in_as(journey, "officer")
    page.get_by_role("link", name="Add an event").click()
    expect(page.get_by_role("heading", name="Add an event")).to_be_visible()
    journey.check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Network meeting").check()
    page.get_by_label("Who it is for").fill("Pastoral Leads")
    fill_date(page, "Date of the event", today)
    page.get_by_label("Start time").fill("1:30pm")
    page.get_by_label("End time").fill("3pm")
    page.get_by_label("Venue").fill("Council House, Coventry")
    page.get_by_label("Number of places").fill("0")
    page.get_by_role("group", name="Is it only for schools").get_by_label("Yes").check()
    fill_date(page, "Booking closes on", today)
    page.get_by_role("button", name="Add event").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    journey.check()
    page.get_by_label("Number of places").fill("12")
    page.get_by_role("button", name="Add event").click()
    expect(page.get_by_text(f"{TITLE} has been added")).to_be_visible()
    expect(page.get_by_text("1:30pm to 3pm")).to_be_visible()
    journey.check()
    sign_out(journey)

    # The school's CAP coordinator books herself a place
    sign_in_as(journey, "coordinator")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("12 places, 12 left")).to_be_visible()
    journey.check()
    page.get_by_role("link", name="Book a place").click()
    journey.check()
    page.get_by_role("button", name="Book the place").click()
    expect(page.get_by_text("Select who is coming")).to_have_count(2)
    journey.check()
    page.get_by_label("Priya Shah").check()
    page.get_by_role("button", name="Book the place").click()
    expect(page.get_by_text(f"A place at {TITLE} has been booked for Priya Shah")).to_be_visible()
    expect(page.get_by_text("12 places, 11 left")).to_be_visible()
    journey.check()
    journey.goto("/schools/events/")
    sign_out(journey)

    # The officer records that she attended
    sign_in_as(journey, "officer")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("cell", name="Finham Park School")).to_be_visible()
    journey.check()
    page.get_by_role("link", name="Record attendance").click()
    journey.check()
    page.get_by_role("group", name="Priya Shah").get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text(f"Attendance at {TITLE} has been saved")).to_be_visible()
    journey.check()
    journey.goto("/casework/events/?when=past")
    sign_out(journey)
    booking = Booking.objects.get(event__title=TITLE)
    assert booking.attendance == Attendance.ATTENDED

    # The school sees it among its bookings
    sign_in_as(journey, "coordinator")
    page.get_by_role("link", name="Your school’s bookings").click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Attended")
    journey.check()
