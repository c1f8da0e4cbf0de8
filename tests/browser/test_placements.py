"""Given the demo's placements and a student who started at the demo provider last week,
when the provider takes that week's register in one go (leaving Friday afternoon empty)
and the afternoon sweep runs, then the monitoring officer sees the missed-mark alert on
their queue, the school sees B on its codes page, and every page passes axe-core."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation, User
from applications.models import Application
from demo.people import demo_email
from placements import schedule, selectors, services
from placements.models import Alert, Mark
from programmes.models import Course
from students.tests.factories import StudentFactory
from tests.browser.second_factor import press_sign_in

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


def last_full_week() -> list[dt.date]:
    """The latest Monday-to-Friday before today on which every day is a school day."""
    today = timezone.localdate()
    calendar = selectors.calendar_for(today - dt.timedelta(days=200), today)
    monday = today - dt.timedelta(days=today.weekday() + 7)
    while monday > today - dt.timedelta(days=200):
        week = schedule.week_of(monday)
        if all(calendar.is_school_day(day) for day in week):
            return week
        monday -= dt.timedelta(days=7)
    raise AssertionError("The demo's term dates have no full school week in the last 200 days")


@pytest.fixture
def week_placement(transactional_db, settings, tmp_path, monkeypatch):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    week = last_full_week()
    provider = Organisation.objects.get(ukprn="19990001")
    course = (
        Course.objects.filter(provider=provider).order_by("-programme__year__starts_on").first()
    )
    student = StudentFactory(
        home_school=Organisation.objects.get(urn="136963"),
        legal_first_name="Jordan",
        legal_last_name="Register-Test",
    )
    coordinator = User.objects.get(email=demo_email("coordinator"))
    application = Application.objects.create(
        student=student,
        school=student.home_school,
        programme=course.programme,
        course=course,
        created_by=coordinator,
        status="placed",
        start_on=week[0],
    )
    placement = services.placement_create(
        application=application,
        provider=provider,
        course=course,
        starts_on=week[0],
        planned_end_on=week[0] + dt.timedelta(weeks=6, days=-3),
        days_per_week=Decimal("5"),
        by=User.objects.get(email=demo_email("officer")),
        monitoring_officer=User.objects.get(email=demo_email("monitoring")),
    )
    # It is that Friday afternoon, after the register closed.
    friday_afternoon = schedule.session_starts(week[4], "pm") + dt.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: friday_afternoon)
    return placement, week


def sign_in_as(journey, name: str):
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(demo_email(name))
    page.get_by_label("Password").fill(settings.CAP_DEMO_PASSWORD)
    press_sign_in(page, demo_email(name))
    journey.check()


def sign_out(journey):
    journey.page.get_by_role("button", name="Sign out").click()


@pytest.mark.browser
def test_a_provider_takes_a_weeks_register_and_the_officer_sees_the_missed_mark(
    week_placement, journey
):
    placement, week = week_placement
    student = placement.student
    name = f"{student.known_as} {student.legal_last_name}"
    page = journey.page

    # The provider opens this week's registers and takes the week for the new student
    sign_in_as(journey, "provider")
    page.get_by_role("link", name="Registers", exact=True).click()
    journey.check()
    page.get_by_role("link", name="this week's register").click()
    journey.check()
    for day in week:
        for session, label in (("am", "morning"), ("pm", "afternoon")):
            if day == week[4] and session == "pm":
                continue  # the afternoon's mark is never sent
            code = "I" if day == week[2] and session == "am" else "/"
            page.get_by_label(
                f"{name}, {day.strftime('%A')} {day.day} {day.strftime('%B')} {label}"
            ).fill(code)
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved: 9 marks recorded")).to_be_visible()
    journey.check()
    assert Mark.objects.filter(placement=placement).count() == 9
    assert Mark.objects.get(placement=placement, date=week[0], session="pm").code_id == "\\"
    sign_out(journey)

    # The afternoon sweep raises the alerts
    services.alerts_raise()
    assert Alert.objects.filter(placement=placement, kind="missing", session="pm").exists()

    # The monitoring officer sees the missed mark on their queue
    sign_in_as(journey, "monitoring")
    page.get_by_role("link", name="Placements", exact=True).click()
    journey.check()
    page.get_by_role("link", name="Attendance alerts").click()
    journey.check()
    page.get_by_role("link", name="Show only the students I monitor").click()
    journey.check()
    today = page.locator("table").first
    expect(today.get_by_role("row", name=name)).to_contain_text("No mark")
    page.get_by_role("link", name="See where placed students are now").click()
    journey.check()
    page.get_by_role("link", name=name).first.click()
    journey.check()
    expect(page.locator("dd", has_text="88.9%")).to_be_visible()  # 8 attended of 9 possible
    # The CAP team's own pages pass axe-core too
    for path in (
        f"/casework/placements/{placement.uuid}/edit/",
        f"/casework/placements/{placement.uuid}/exit/",
        f"/casework/placements/{placement.uuid}/add/review/",
        "/casework/placements/reports/",
        f"/casework/placements/{placement.uuid}/add/behaviour/",
    ):
        journey.goto(path)
    page.get_by_role("button", name="Save").click()  # the behaviour entry, left empty
    expect(page.get_by_text("There is a problem")).to_be_visible()
    journey.check()
    sign_out(journey)

    # The school sees the codes to record
    sign_in_as(journey, "coordinator")
    page.get_by_role("link", name="Placements", exact=True).click()
    journey.check()
    page.get_by_role("link", name="Codes to record").click()
    journey.check()
    row = page.get_by_role("row", name=name)
    expect(row).to_contain_text("B")
    expect(row).to_contain_text("N")
    # The day after, a Saturday, is not a school day: the page says so, and links back
    saturday = week[4] + dt.timedelta(days=1)
    journey.goto(f"/schools/placements/codes/?day={saturday.isoformat()}")
    expect(page.get_by_text("is not a school day")).to_be_visible()
    page.get_by_role("link", name="Previous school day").click()
    journey.check()
    expect(page.get_by_role("row", name=name)).to_contain_text("N")
