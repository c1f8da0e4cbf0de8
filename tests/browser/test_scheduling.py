"""Given the demo, when the CAP officer asks for a term's reports and stops and resumes the
run, and the CAP manager reads the scheduled jobs after the scheduler has run, then each
page says what happened and passes axe-core (WCAG 2.2 AA)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from placements.models import ReportRun
from scheduling.models import ScheduledJob
from tests.browser.second_factor import enter_demo_code

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    # The database queue, with no worker: the run's batches wait, as a long run's would.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def sign_in_as(journey, full_name: str) -> None:
    journey.goto("/sign-in/")
    journey.page.get_by_role("button", name=f"Sign in as {full_name}").click()
    enter_demo_code(journey.page)
    journey.check()


@pytest.mark.browser
def test_the_officer_stops_and_resumes_a_run_and_the_manager_reads_the_jobs(demo, journey):
    page = journey.page
    # Given the CAP officer on the Termly reports page
    sign_in_as(journey, "Aisha Begum")
    journey.goto("/casework/placements/reports/")
    # When they ask for the reports of the term under way, in which the demo has placements
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Make the reports").click()
    expect(page.get_by_role("button", name="Stop the reports")).to_be_visible()
    journey.check()
    # And stop them
    page.get_by_role("button", name="Stop the reports").click()
    expect(page.get_by_text("Reports stopped")).to_be_visible()
    expect(page.get_by_text("Stopped on")).to_contain_text("by Aisha Begum")
    journey.check()
    # Then they can resume them
    page.get_by_role("button", name="Resume the reports").click()
    expect(page.get_by_text("Reports resumed")).to_be_visible()
    journey.check()
    assert ReportRun.objects.get().round == 2
    page.get_by_role("button", name="Sign out").click()

    # Given the scheduler has run, and one job failed
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    ScheduledJob.objects.filter(name="remind_old_drafts").update(
        last_started_at=ScheduledJob.objects.get(name="remind_old_drafts").next_run_at,
        last_outcome="failed",
        last_error="OperationalError",
    )
    # When the CAP manager follows the link from their home page
    sign_in_as(journey, "Rachel Turner")
    page.get_by_role("link", name="1 scheduled job failed its last run").click()
    # Then they see every job, when it runs next and how it last went
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheduled jobs")
    expect(page.get_by_role("row", name="remind_old_drafts")).to_contain_text("Failed")
    expect(page.get_by_role("row", name="sweep_attendance")).to_contain_text(
        "Every 5 minutes from 8:45am to 4pm on working days"
    )
    journey.check()
