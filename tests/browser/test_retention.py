"""Given the demo with a student whose record ends within 30 days, when the CAP manager opens
the retention page from their home page and places a legal hold on the student (first
forgetting the reason), then the page shows the student as held, and every page passes
axe-core (WCAG 2.2 AA)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from privacy.models import LegalHold
from privacy.retention import years_before
from students.models import Student
from tests.browser.second_factor import enter_demo_code

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    student = Student.objects.filter(looked_after=False).order_by("pk").first()
    # Their 25th birthday is in 12 days.
    born = years_before(timezone.localdate() + dt.timedelta(days=12), 25)
    Student.objects.filter(pk=student.pk).update(date_of_birth=born)
    return student


@pytest.mark.browser
def test_the_manager_sees_what_goes_and_places_a_legal_hold(demo, journey):
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_role("button", name="Sign in as Rachel Turner").click()
    enter_demo_code(page)
    journey.check()
    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention")
    row = page.get_by_role("row", name=demo.legal_name)
    expect(row).to_contain_text("Record anonymised on")
    journey.check()

    row.get_by_role("link", name="Place on hold").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Place on legal hold")
    journey.check()
    page.get_by_role("button", name="Place on legal hold").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why you are placing the legal hold")
    assert page.title().startswith("Error: ")
    journey.check()
    page.get_by_label("Why are you placing the legal hold?").fill("Subject access request SAR-9")
    page.get_by_role("button", name="Place on legal hold").click()
    expect(page.get_by_role("row", name=demo.legal_name).first).to_contain_text("Held")
    journey.check()
    assert LegalHold.objects.get(student=demo).reason == "Subject access request SAR-9"
