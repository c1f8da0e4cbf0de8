"""Given the demo, when a CAP officer opens Entitlements from Casework home, allocates the
SEMHL practitioner to Caludon Castle School (forgetting the day first) and logs a delivery,
then the school's CAP coordinator finds it from School home on the page of what the school
has received. Every page passes axe-core."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from lib.dates import is_working_day
from tests.browser.test_provider_route import fill_date, sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def last_working_day_before(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


@pytest.mark.browser
def test_an_officer_allocates_the_practitioner_and_the_school_sees_it(demo, journey):
    page = journey.page
    today = timezone.localdate()
    delivered_on = last_working_day_before(today)
    starts_on = delivered_on - dt.timedelta(days=7)

    sign_in_as(journey, "officer")
    journey.goto("/casework/")
    page.get_by_role("link", name="Entitlements").click()
    expect(page.get_by_role("heading", name="Entitlements 2026-27")).to_be_visible()
    journey.check()

    # The day each week forgotten: told beside the field, nothing typed lost
    page.get_by_role("link", name="Allocate a benefit").click()
    journey.check()
    page.get_by_label("School", exact=True).select_option(label="Caludon Castle School")
    page.get_by_label("SEMHL practitioner in school").check()
    page.get_by_label("Who gives it").fill("Robin Ellis, SEMHL practitioner")
    fill_date(page, "Start date", starts_on)
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Who gives it")).to_have_value("Robin Ellis, SEMHL practitioner")
    journey.check()
    page.get_by_label("Tuesday").check()
    page.get_by_role("button", name="Allocate").click()
    expect(
        page.get_by_text("SEMHL practitioner in school allocated to Caludon Castle School")
    ).to_be_visible()
    journey.check()

    # A delivery logged
    page.get_by_role("link", name="Log a delivery").click()
    journey.check()
    fill_date(page, "Date", delivered_on)
    page.get_by_label("What was done").fill("Worked with a Year 9 group on managing conflict")
    page.get_by_role("button", name="Log delivery").click()
    expect(page.get_by_text("Delivery logged")).to_be_visible()
    expect(page.get_by_role("cell", name="Worked with a Year 9 group")).to_be_visible()
    journey.check()
    sign_out(journey)

    # The school sees it from its home page
    sign_in_as(journey, "coordinator.b")
    journey.goto("/schools/")
    page.get_by_role("link", name="What Caludon Castle School has received in 2026-27").click()
    expect(
        page.get_by_role("heading", name="What your school has received in 2026-27")
    ).to_be_visible()
    expect(page.get_by_text("Robin Ellis, SEMHL practitioner, each Tuesday")).to_be_visible()
    expect(page.get_by_text("Worked with a Year 9 group on managing conflict")).to_be_visible()
    journey.check()
    sign_out(journey)
