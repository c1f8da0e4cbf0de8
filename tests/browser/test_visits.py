"""Given the demo, with a home visit the monitoring officer has not recorded, when the
officer opens their home page, follows it to their caseload and one student's placement,
plans a visit at the setting for today (first sending the form empty) and records it, then
the visit and what was found show on the placement's page, the caseload shows today as the
last visit, and every page passes axe-core."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from demo.people import demo_user
from lib.dates import long_date
from placements.models import Placement, Visit, VisitStatus
from tests.browser.test_placements import sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    # The officer's placement with one visit, already recorded.
    return Placement.objects.filter(monitoring_officer=demo_user("monitoring")).order_by("pk")[0]


@pytest.mark.browser
def test_a_monitoring_officer_plans_and_records_a_visit(demo, journey):
    placement = demo
    student = placement.student
    name = f"{student.known_as} {student.legal_last_name}"
    today = timezone.localdate()
    page = journey.page

    # The officer's home page says which visits are overdue, and leads to the caseload
    sign_in_as(journey, "monitoring")
    expect(page.get_by_role("heading", name="Your visits")).to_be_visible()
    expect(page.get_by_text("home visit planned for")).to_be_visible()
    page.get_by_role("link", name="Your caseload and the visits due").click()
    journey.check()
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()

    # From the caseload to the student's placement, and the form to plan a visit
    page.get_by_role("link", name=name).click()
    journey.check()
    expect(page.get_by_role("heading", name="Visits")).to_be_visible()
    page.get_by_role("link", name="Plan a visit").click()
    journey.check()
    page.get_by_role("button", name="Plan the visit").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    journey.check()

    page.get_by_label("Visit at the setting").check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Time").fill("2:15pm")
    page.get_by_role("button", name="Plan the visit").click()
    expect(page.get_by_text("Visit planned", exact=True)).to_be_visible()
    journey.check()
    expect(page.get_by_text(f"{long_date(today)} at 2:15pm")).to_be_visible()

    # The officer records it
    page.get_by_role("link", name="Record the visit").click()
    journey.check()
    page.get_by_label("Who was seen").fill("The student and the course leader")
    page.get_by_label("What was found").fill("Working steadily, proud of the first unit")
    page.get_by_label("Next steps", exact=True).fill("Share the unit with the home school")
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_text("Visit recorded", exact=True)).to_be_visible()
    journey.check()
    expect(page.get_by_text("Working steadily, proud of the first unit")).to_be_visible()
    visit = Visit.objects.filter(placement=placement).order_by("-pk").first()
    assert visit.status == VisitStatus.HAPPENED and visit.happened_on == today

    # The caseload shows today as the student's last visit
    journey.goto("/casework/visits/")
    row = page.get_by_role("row", name=re.compile(name))
    expect(row).to_contain_text(f"{today.day} {today:%B} {today.year}")
    sign_out(journey)
