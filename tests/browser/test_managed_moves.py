"""Given the demo's Supported Transfer (a Caludon Castle student at Finham Park), when
Finham Park's headteacher finds it on their home page and confirms a managed move from
today, then the placement shows the move, the student's page shows both schools with
their enrolment status and dates, and every page passes axe-core."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from lib.dates import long_date
from placements.models import Placement
from tests.browser.test_placements import sign_in_as

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def transfer(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    return Placement.objects.select_related("student", "provider", "home_school").get(
        programme__key="supported-transfer"
    )


@pytest.mark.browser
def test_the_receiving_school_confirms_a_managed_move(transfer, journey):
    student = transfer.student
    name = f"{student.known_as} {student.legal_last_name}"
    today = timezone.localdate()
    page = journey.page

    # The receiving school's headteacher finds the transfer on their home page
    sign_in_as(journey, "headteacher")
    journey.goto("/schools/")
    expect(
        page.get_by_role("heading", name="Supported transfers and managed moves")
    ).to_be_visible()
    page.get_by_role("link", name=name).click()
    journey.check()

    # and confirms a managed move from today, after a first try with no date
    page.get_by_role("link", name="Confirm a managed move").click()
    journey.check()
    page.get_by_role("button", name="Confirm the managed move").click()
    journey.check()
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Confirm the managed move").click()
    journey.check()
    expect(page.get_by_text("Managed move confirmed")).to_be_visible()
    expect(
        page.get_by_text(
            f"From {transfer.home_school.name} to {transfer.provider.name} on "
            f"{long_date(today, weekday=False)}: made"
        )
    ).to_be_visible()

    # The student is now on Finham Park's roll: their page shows both schools with dates
    journey.goto(f"/schools/students/{student.uuid}/")
    table = page.get_by_role("table")
    expect(table).to_contain_text(transfer.home_school.name)
    expect(table).to_contain_text(transfer.provider.name)
    expect(table).to_contain_text("Subsidiary (dual registration)")
    expect(table).to_contain_text(long_date(today, weekday=False))
