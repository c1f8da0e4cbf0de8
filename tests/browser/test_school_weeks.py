"""Given the demo, whose Refocus placement for the year's next cohort was set up through the
application's own step, when the CAP officer opens it, then its dates are the cohort's ten
school weeks; when they move the end on by a school week, past the holidays after it (a
Saturday first, which is refused beside the field), then the back-to-school phase runs to
the new end; and every page passes axe-core."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from lib.dates import long_date
from placements.models import Placement
from programmes.selectors import school_calendar
from tests.browser.test_placements import sign_in_as

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def refocus_placement(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    return Placement.objects.select_related("application__cohort").get(
        application__cohort__isnull=False
    )


@pytest.mark.browser
def test_the_officer_moves_a_refocus_placement_s_end_and_its_phases_follow(
    refocus_placement, journey
):
    placement = refocus_placement
    cohort = placement.application.cohort
    page = journey.page
    calendar = school_calendar()
    end = calendar.last_school_day_of_week(cohort.starts_on, 10)
    assert (placement.starts_on, placement.planned_end_on) == (cohort.starts_on, end)
    if end != cohort.ends_on:
        # A rolled-over cohort can end on a bank holiday (26 March 2027 is Good Friday):
        # the placement ends on the school day before, and the cohort carries a flag.
        assert any("the last school day of its last week" in flag for flag in cohort.flags)

    sign_in_as(journey, "officer")
    journey.goto(f"/casework/placements/{placement.uuid}/")
    dates = f"{long_date(cohort.starts_on)} to {long_date(end)}"
    expect(page.get_by_text(dates)).to_be_visible()
    page.get_by_role("link", name="Change the dates").click()
    journey.check()
    expect(page.get_by_text(f"{dates}: 10 school weeks")).to_be_visible()

    # A Saturday is refused beside the field, and what was typed stays
    saturday = end + dt.timedelta(days=5 - end.weekday())
    page.get_by_label("Day").nth(1).fill(str(saturday.day))
    page.get_by_label("Month").nth(1).fill(str(saturday.month))
    page.get_by_label("Year").nth(1).fill(str(saturday.year))
    page.get_by_role("button", name="Change the dates").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("is not a school day").first).to_be_visible()
    journey.check()

    # One school week on, whatever holidays come between (or one back, at the year's end)
    later = calendar.last_school_day_of_week(
        end + dt.timedelta(days=1), 1
    ) or calendar.last_school_day_of_week(cohort.starts_on, 9)
    page.get_by_label("Day").nth(1).fill(str(later.day))
    page.get_by_label("Month").nth(1).fill(str(later.month))
    page.get_by_label("Year").nth(1).fill(str(later.year))
    page.get_by_role("button", name="Change the dates").click()
    expect(page.get_by_text("Dates changed")).to_be_visible()
    journey.check()
    placement.refresh_from_db()
    assert placement.planned_end_on == later
    assert placement.phases.filter(planned=True).last().ends_on == later
