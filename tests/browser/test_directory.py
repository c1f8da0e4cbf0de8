"""Given the demo, when a school's CAP coordinator searches the course directory by what a
student needs, opens a course and applies from it, then a draft starts with the course
chosen. The CAP team sees every provider's compliance at a glance and the warning on an
application whose provider's insurance has expired; a provider sees its own evidence. Every
page passes axe-core."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from applications.models import Application
from tests.browser.test_provider_route import sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.browser
def test_a_school_finds_a_course_by_its_needs_and_applies_from_it(demo, journey):
    page = journey.page
    sign_in_as(journey, "coordinator")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Applications").click()
    page.get_by_role("link", name="course directory").click()
    journey.check()

    # A bad fee is shown beside the field, and what was typed is kept
    page.get_by_label("Search courses").fill("construction")
    page.get_by_label("Highest fee").fill("lots")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Highest fee")).to_have_value("lots")
    journey.check()

    # Key stage 4, up to £500: the construction taster
    page.get_by_label("Highest fee").fill("500")
    page.get_by_label("Key stage").select_option("ks4")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_have_text("1 course")
    journey.check()
    page.get_by_role("link", name="Construction multi-skills taster").click()
    expect(page.get_by_text("Canalside Construction Skills").first).to_be_visible()
    journey.check()

    # The suspended provider's courses are not offered
    journey.goto("/schools/directory/?q=motor+vehicle")
    expect(page.locator("#results")).to_have_text("0 courses")

    # Apply from the course
    page.go_back()
    page.get_by_role("button", name="Apply for this course").click()
    journey.check()
    page.get_by_role("button", name="Start the application").click()
    expect(page.get_by_text("Select the student", exact=True).first).to_be_visible()
    journey.check()
    page.get_by_label("Which student is the application for?").select_option(index=1)
    page.get_by_role("button", name="Start the application").click()
    expect(page.get_by_role("heading", name="Reasons for referral")).to_be_visible()
    journey.check()
    application = Application.objects.filter(status="draft").get()
    assert application.course.title == "Construction multi-skills taster"
    sign_out(journey)


@pytest.mark.browser
def test_the_cap_team_sees_compliance_and_the_lapsed_providers_warning(demo, journey):
    page = journey.page
    sign_in_as(journey, "officer")
    page.get_by_role("link", name="Providers", exact=True).click()
    journey.check()
    row = page.get_by_role("row", name="Sherbourne Valley Motor Skills")
    expect(row.get_by_text("Suspended")).to_be_visible()
    row.get_by_role("link", name="Sherbourne Valley Motor Skills").click()
    expect(page.get_by_text("Public liability insurance certificate expired on")).to_be_visible()
    journey.check()

    application = Application.objects.get(course__provider__ukprn="19990002")
    journey.goto(f"/casework/applications/{application.uuid}/")
    expect(
        page.get_by_text("Sherbourne Valley Motor Skills is suspended for quality assurance")
    ).to_be_visible()

    # Evidence waiting from Canalside: approve it
    journey.goto("/casework/providers/")
    page.get_by_role("link", name="Canalside Construction Skills").click()
    page.get_by_role("button", name="Approve Safeguarding and child protection policy").click()
    expect(page.get_by_text("Safeguarding and child protection policy approved")).to_be_visible()
    journey.check()
    page.get_by_role("button", name="Record a termly review").click()
    journey.check()
    sign_out(journey)


@pytest.mark.browser
def test_a_provider_keeps_its_own_evidence(demo, journey):
    page = journey.page
    sign_in_as(journey, "provider")
    page.get_by_role("link", name="Compliance", exact=True).click()
    journey.check()
    page.get_by_role("link", name="Replace Employer's liability insurance certificate").click()
    journey.check()
    page.get_by_role("button", name="Send to the CAP team").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    journey.check()
    sign_out(journey)
