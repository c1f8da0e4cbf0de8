"""Given a school's complete draft for a Tier 1 course, when the school submits it, the
CAP officer accepts it and sends the pack, the provider interviews and offers a place, the
school's budget holder agrees the course's fee, and the officer confirms the start and sets
up the placement, then each of them sees only their part and the school's timeline shows
every step. Every page passes axe-core."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from applications import services
from applications.models import Application
from applications.tests.factories import complete_application
from applications.workflow import Status
from demo.people import demo_email
from placements.models import Placement
from programmes.models import Course, EarlyHelpStep
from students.models import Student
from tests.browser.second_factor import press_sign_in

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def draft(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    student = (
        Student.objects.filter(home_school__urn="136963", applications__isnull=True)
        .order_by("upn")
        .first()
    )
    student.date_of_birth = dt.date(2011, 3, 1)
    for step in EarlyHelpStep.values:
        setattr(student, f"early_help_{step}", True)
    student.save()
    course = Course.objects.filter(
        provider__ukprn="19990001", programme__year__name="2026-27"
    ).first()
    application = complete_application(
        student=student,
        by=User.objects.get(email=demo_email("coordinator")),
        programme=course.programme,
    )
    Application.objects.filter(pk=application.pk).update(course=course)
    return application


def sign_in_as(journey, name: str):
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(demo_email(name))
    page.get_by_label("Password").fill(settings.CAP_DEMO_PASSWORD)
    press_sign_in(page, demo_email(name))
    journey.check()


def sign_out(journey):
    journey.page.get_by_role("button", name="Sign out").click()


def fill_date(page, legend: str, day: dt.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def a_school_day_after(application, day: dt.date) -> dt.date:
    while services.start_date_problem(application, day, today=timezone.localdate()):
        day += dt.timedelta(days=1)
    return day


@pytest.mark.browser
def test_a_tier_1_application_goes_from_submission_to_a_placement(draft, journey):
    page = journey.page
    # The school submits its draft, which takes its reference then
    sign_in_as(journey, "coordinator")
    journey.goto(f"/schools/applications/{draft.uuid}/check/")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text(re.compile(r"Application CAP-\d{4}-\d{5} submitted"))).to_be_visible()
    draft.refresh_from_db()
    reference = draft.reference
    expect(page.get_by_text(f"Application {reference} submitted")).to_be_visible()
    journey.check()
    sign_out(journey)

    # The CAP officer finds it waiting, accepts it and sends the pack
    sign_in_as(journey, "officer")
    page.get_by_role("link", name=re.compile("applications? to review")).click()
    journey.check()
    page.get_by_role("link", name=reference).click()
    journey.check()
    page.get_by_role("button", name="Accept the application").click()
    journey.check()
    page.locator("summary", has_text="Send the pack to the provider").click()
    pack = page.get_by_role("group", name="Which parts of the application go in the pack?")
    pack.get_by_label("Reasons for referral").check()
    pack.get_by_label("Needs and risks").check()
    page.get_by_role("group", name="Which documents go in the pack?").get_by_role(
        "checkbox"
    ).first.check()
    page.get_by_role("button", name="Send the pack to the provider").click()
    journey.check()
    sign_out(journey)

    # The provider sees the pack, arranges and holds the interview, and offers a place
    sign_in_as(journey, "provider")
    page.get_by_role("link", name="Packs", exact=True).click()
    journey.check()
    page.get_by_role("link", name=reference).click()
    journey.check()
    expect(page.get_by_text(draft.student.upn)).to_have_count(0)
    interview = timezone.localdate() + dt.timedelta(days=1)
    fill_date(page, "Interview date", interview)
    page.get_by_label("Time, place and who will be there").fill("10am at the workshop")
    page.get_by_role("button", name="Record the interview arrangements").click()
    journey.check()
    page.get_by_role("button", name="Record that the interview was held").click()
    journey.check()
    start = a_school_day_after(draft, interview + dt.timedelta(days=7))
    fill_date(page, "Start date", start)
    page.get_by_role("button", name="Offer a place").click()
    journey.check()
    sign_out(journey)

    # The course has a fee: the school records its budget holder's agreement to it
    sign_in_as(journey, "coordinator")
    journey.goto(f"/schools/applications/{draft.uuid}/")
    page.get_by_role("link", name="Record your budget holder's agreement").click()
    journey.check()
    page.get_by_label("Budget holder's name").fill("Sam Budget")
    page.get_by_label("Budget holder's role").fill("School business manager")
    fill_date(page, "Date of the agreement", timezone.localdate())
    page.get_by_label("The signed agreement is not in CAP").check()
    page.get_by_role("button", name="Record the agreement").click()
    journey.check()
    sign_out(journey)

    # The officer confirms the start date and sets up the placement
    sign_in_as(journey, "officer")
    journey.goto(f"/casework/applications/{draft.uuid}/")
    page.locator("summary", has_text="Confirm the start date").click()
    page.get_by_role("button", name="Confirm the start date").click()
    journey.check()
    page.get_by_role("button", name="Set up the placement").click()
    journey.check()
    sign_out(journey)

    # The school sees every step on its timeline
    sign_in_as(journey, "coordinator")
    journey.goto(f"/schools/applications/{draft.uuid}/")
    for words in (
        "Submitted",
        "Accepted by CAP",
        "Pack sent to the provider",
        "Interview arranged",
        "Interview held",
        "Provider offered a place",
        "Start date confirmed",
        "Placement set up",
    ):
        expect(page.locator(".moj-timeline__title", has_text=words)).to_be_visible()
    journey.check()
    draft.refresh_from_db()
    assert draft.status == Status.PLACED
    assert Placement.objects.get(application=draft).starts_on == start
