"""Given a school's CAP coordinator and one of their students, when they complete an
application page by page, upload the evidence and submit, then CAP has it, and every page
they saw passes axe-core."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from applications.checks import required_evidence
from applications.models import Application
from applications.workflow import Status
from demo.people import demo_email
from students.models import Student
from tests.browser.second_factor import press_sign_in

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def pdf(tmp_path) -> Path:
    path = tmp_path / "evidence.pdf"
    path.write_bytes(PDF)
    return path


def a_year_10_student_with_early_help() -> Student:
    student = (
        Student.objects.filter(home_school__urn="136963", applications__isnull=True)
        .order_by("upn")
        .first()
    )
    student.date_of_birth = dt.date(2011, 3, 1)  # Year 10 in 2026-27
    for step in ("offer_made", "consent_gained", "recorded_on_ehm", "assessment_and_plan"):
        setattr(student, f"early_help_{step}", True)
    student.sen_provision = "N"
    student.save()
    return student


def sign_in(journey):
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(demo_email("coordinator"))
    page.get_by_label("Password").fill(settings.CAP_DEMO_PASSWORD)
    press_sign_in(page, demo_email("coordinator"))


def fill_date(page, legend: str, day: dt.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def save(journey):
    journey.check()
    journey.page.get_by_role("button", name="Save and continue").click()


def fill_every_page(journey, pdf: Path):
    """Answer whatever page is shown until check your answers."""
    page = journey.page
    today = timezone.localdate()
    while True:
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading == "Check your answers":
            return
        if heading == "Course":
            page.get_by_role("radio").first.check()
        elif heading == "Reasons for referral":
            page.get_by_label("Social, emotional and mental health").check()
            page.get_by_label("Why you are applying").fill("Finding mainstream lessons hard.")
        elif heading.endswith("referral questions"):
            for box in page.get_by_role("textbox").all():
                box.fill("Yes: described in the school's plan.")
        elif heading == "Needs and risks":
            page.get_by_label("The student's needs").fill("Anxiety in large groups.")
            page.get_by_label("Risks").fill("Low; see the risk assessment.")
        elif heading == "Attendance and behaviour":
            page.get_by_label("Attendance this academic year, as a percentage").fill("82")
            page.get_by_label("Suspensions this academic year").fill("1")
            page.get_by_label("Behaviour").fill("Leaves lessons when anxious.")
        elif heading == "Interventions already tried":
            page.get_by_label("Interventions already tried").fill("Mentoring: some help.")
        elif heading == "Agencies involved":
            page.get_by_label("Early Help").check()
            page.get_by_label("What each agency is doing").fill("Family support.")
        elif heading == "The student's voice":
            page.get_by_label("The student's own view").fill("I like hands-on work.")
        elif heading == "Parents' views and consent":
            page.get_by_label("Parents' or carers' views").fill("Supportive.")
            page.get_by_label("Yes").check()
            fill_date(page, "Date consent was given", today - dt.timedelta(days=1))
        elif heading == "The written plan":
            page.get_by_label("Objectives").fill("Re-engage with learning.")
            fill_date(page, "Planned start date", today + dt.timedelta(days=14))
            fill_date(page, "Planned end date", today + dt.timedelta(days=84))
            fill_date(page, "Date of the first review", today + dt.timedelta(days=42))
            page.get_by_label("Review every how many weeks?").fill("4")
            page.get_by_label("What success looks like").fill("Attends every session.")
            page.get_by_label("How you will know the student is ready").fill("Four good weeks.")
        elif heading == "Evidence":
            upload_every_document(journey, pdf)
            page.get_by_role("link", name="Continue").click()
            continue
        else:
            raise AssertionError(f"An unexpected page: {heading}")
        save(journey)


def upload_every_document(journey, pdf: Path):
    page = journey.page
    today = timezone.localdate()
    journey.check()
    radios = page.get_by_role("group", name="What is the document?").get_by_role("radio")
    for index in range(radios.count()):
        radio = page.get_by_role("group", name="What is the document?").get_by_role("radio")
        radio.nth(index).check()
        page.get_by_label("Upload a file").set_input_files(str(pdf))
        if "risk assessment" in radio.nth(index).evaluate("r => r.labels[0].innerText"):
            fill_date(page, "Date of the risk assessment", today - dt.timedelta(days=7))
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_text("has been uploaded")).to_be_visible()
    journey.check()


@pytest.mark.browser
@pytest.mark.parametrize("programme", ["Tier 1: Curriculum support", "Tier 3: Refocus"])
def test_a_school_completes_and_submits_an_application(demo, journey, pdf, programme):
    student = a_year_10_student_with_early_help()
    page = journey.page
    # Given the coordinator signed in, on their student's page
    sign_in(journey)
    page.get_by_role("link", name="Students", exact=True).click()
    journey.check()
    page.get_by_role("link", name=f"{student.known_as} {student.legal_last_name}").click()
    journey.check()
    # When they start an application and choose the programme
    page.get_by_role("button", name="Start an application").click()
    page.get_by_label(programme).check()
    save(journey)
    # And answer every page, upload the evidence and submit
    fill_every_page(journey, pdf)
    journey.check()
    page.get_by_role("button", name="Submit application").click()
    # Then the application is with CAP, and its history starts there
    expect(page.get_by_text("submitted", exact=False).first).to_be_visible()
    journey.check()
    application = Application.objects.get(student=student)
    assert application.status == Status.SUBMITTED
    assert application.documents.count() == len(required_evidence(application))
