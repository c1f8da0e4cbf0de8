"""Given the demo's Supported Transfer (a Caludon Castle student at Finham Park), when
Finham Park's headteacher finds it on their home page and confirms a managed move, first
with no date, then during the transfer (refused: the move follows the transfer), then for
the Monday after the transfer's planned end, then the placement and the home page show the
move to come, the former school's coordinator sees both schools with their enrolment
status and dates on the student's page, and every page passes axe-core."""

import datetime as dt
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

    # and confirms a managed move, after a first try with no date and one during the
    # transfer: the move follows the transfer
    page.get_by_role("link", name="Confirm a managed move").click()
    journey.check()
    page.get_by_role("button", name="Confirm the managed move").click()
    journey.check()
    expect(page).to_have_title(re.compile(r"^Error: "))

    def enter(day):
        page.get_by_label("Day").fill(str(day.day))
        page.get_by_label("Month").fill(str(day.month))
        page.get_by_label("Year").fill(str(day.year))
        page.get_by_role("button", name="Confirm the managed move").click()
        journey.check()

    enter(today)
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-message")).to_contain_text(
        f"The move must be after the supported transfer's last day, "
        f"{long_date(transfer.planned_end_on)}"
    )
    moves_on = transfer.planned_end_on + dt.timedelta(days=3)  # the Monday after
    enter(moves_on)
    expect(page.get_by_text("Managed move confirmed")).to_be_visible()
    expect(
        page.get_by_text(
            f"From {transfer.home_school.name} to {transfer.provider.name} on "
            f"{long_date(moves_on, weekday=False)}: confirmed, to be made on the day"
        )
    ).to_be_visible()
    journey.goto("/schools/")
    expect(page.get_by_text("Managed moves confirmed")).to_be_visible()
    expect(
        page.get_by_text(
            f"joins your school's roll from {transfer.home_school.name} on "
            f"{long_date(moves_on, weekday=False)}"
        )
    ).to_be_visible()
