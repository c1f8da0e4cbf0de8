"""The four panel routes in the browser, from the demo: the CAP officer runs a meeting of
each panel held today, the chair decides, the officer sends the outcome notice and takes the
application on to a placement or a recorded refusal. Every page passes axe-core."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from applications.models import Application
from applications.workflow import Status
from demo.people import demo_email
from panels import selectors, services
from panels.models import AgendaItem, OutcomeNotice
from placements.models import Placement
from programmes.models import Meeting, Panel
from tests.browser.test_provider_route import a_school_day_after, fill_date, sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


def _officer() -> User:
    return User.objects.get(email=demo_email("officer"))


@pytest.fixture
def today_meetings(transactional_db, settings, tmp_path):
    """The demo, with an extra meeting of each panel held today, to bring items to."""
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    meetings = {}
    for panel in Panel.objects.filter(year__name="2026-27"):
        meeting = Meeting.objects.create(
            panel=panel, date=today, referral_deadline=today - dt.timedelta(days=13)
        )
        meetings[panel.key] = meeting
    return meetings


def _application(programme_key: str) -> Application:
    """The demo's application on its way through the panels (the placements demo has
    placed ones of its own)."""
    return Application.objects.exclude(status=Status.PLACED).get(
        programme__key=programme_key, programme__year__name="2026-27"
    )


def _bring_to_today(application: Application, meetings, *, attendance=True) -> AgendaItem:
    item = application.agenda_items.get(state="waiting")
    meeting = meetings[item.meeting.panel.key]
    item = services.item_move(item=item, to=meeting, reason="Brought forward", by=_officer())
    if attendance:
        services.attendance_record(
            meeting=meeting, members=list(meeting.panel.members.all()), by=_officer()
        )
        services.pack_publish(meeting=meeting, by=_officer())
    return item


def _chair_decides(journey, meeting, reference: str, outcome: str, rationale: str, **choices):
    page = journey.page
    sign_in_as(journey, "panel.chair")
    journey.goto(f"/panels/meetings/{meeting.uuid}/")
    page.get_by_role("link", name=f"Record the decision on {reference}").click()
    journey.check()
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("The panel's rationale").fill(rationale)
    for label, option in choices.items():
        page.get_by_label(label, exact=True).select_option(label=option)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(f"Decision recorded for application {reference}")).to_be_visible()
    journey.check()
    sign_out(journey)


def _officer_sends_the_notice(journey, application):
    page = journey.page
    notice = OutcomeNotice.objects.filter(application=application).latest("id")
    journey.goto(f"/casework/notices/{notice.uuid}/")
    page.get_by_role("button", name="Send the outcome notice").click()
    expect(page.get_by_text("Outcome notice sent to")).to_be_visible()
    journey.check()


def _officer_starts_the_placement(journey, application, *, days: str):
    page = journey.page
    journey.goto(f"/casework/applications/{application.uuid}/")
    page.locator("summary", has_text="Confirm the start date").click()
    start = a_school_day_after(application, timezone.localdate() + dt.timedelta(days=7))
    fill_date(page, "Start date", start)
    page.get_by_label("Days a week at the setting").fill(days)
    page.get_by_role("button", name="Confirm the start date").click()
    journey.check()
    page.get_by_role("button", name="Set up the placement").click()
    expect(
        page.get_by_text(f"Application {application.reference}: placement set up")
    ).to_be_visible()
    journey.check()
    return Placement.objects.get(application=application)


@pytest.mark.browser
def test_flourish_is_heard_decided_and_notified_then_goes_to_the_provider(today_meetings, journey):
    page = journey.page
    application = _application("flourish")
    _bring_to_today(application, today_meetings, attendance=False)
    meeting = today_meetings["review-and-authorisation"]

    # The officer records who is present and publishes the pack
    sign_in_as(journey, "officer")
    page.get_by_role("link", name="Panels", exact=True).click()
    journey.check()
    journey.goto(f"/casework/meetings/{meeting.uuid}/")
    attendance = page.get_by_role("group", name="Who is present?")
    for checkbox in attendance.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_role("button", name="Record who is present").click()
    expect(page.get_by_text("Attendance recorded")).to_be_visible()
    journey.check()
    page.get_by_role("button", name="Publish the pack to the panel").click()
    journey.check()
    sign_out(journey)

    # The chair reads the pack from their home page, and decides
    sign_in_as(journey, "panel.chair")
    row = page.get_by_role("row").filter(has_text=meeting.panel.name)
    row.filter(has_text=meeting.date.strftime("%A %-d %B %Y")).get_by_role("link").click()
    journey.check()
    page.get_by_role("link", name="Read the pack").click()
    journey.check()
    expect(page.get_by_text(f"Application {application.reference}")).to_be_visible()
    expect(page.get_by_text("Conflicted, taking no part in this decision")).to_be_visible()
    sign_out(journey)
    _chair_decides(
        journey, meeting, application.reference, "Approved", "Meets the Flourish criteria"
    )

    # The officer sends the notice; the school reads it; the pack can go to the provider
    sign_in_as(journey, "officer")
    _officer_sends_the_notice(journey, application)
    journey.goto(f"/casework/applications/{application.uuid}/")
    expect(page.get_by_text("Send the pack to the provider").first).to_be_visible()
    sign_out(journey)
    sign_in_as(journey, "coordinator.b")
    journey.goto(f"/schools/applications/{application.uuid}/")
    expect(page.get_by_role("link", name=re.compile("Download the outcome letter"))).to_be_visible()
    application.refresh_from_db()
    assert application.status == Status.PANEL_APPROVED


@pytest.mark.browser
def test_a_supported_transfer_is_allocated_and_placed_with_the_receiving_school(
    today_meetings, journey
):
    application = _application("supported-transfer")
    item = _bring_to_today(application, today_meetings)
    assert item.meeting.panel.key == "headteachers"
    _chair_decides(
        journey,
        item.meeting,
        application.reference,
        "Approved",
        "A fresh start at Sidney Stringer",
        **{"Receiving school": "Sidney Stringer Academy"},
    )
    sign_in_as(journey, "officer")
    _officer_sends_the_notice(journey, application)
    application.refresh_from_db()
    placement = _officer_starts_the_placement(journey, application, days="5")
    assert placement.provider.name == "Sidney Stringer Academy"
    assert placement.home_school == application.school


@pytest.mark.browser
def test_refocus_goes_through_both_panels_into_a_cohort_at_the_academy(today_meetings, journey):
    page = journey.page
    application = _application("refocus")
    item = _bring_to_today(application, today_meetings)
    _chair_decides(journey, item.meeting, application.reference, "Approved", "Ready for the MAP")
    # On to the Multi-Agency Panel's next meeting: the officer brings it to today's
    item = application.agenda_items.get(state="waiting")
    assert item.meeting.panel.key == "multi-agency"
    map_today = today_meetings["multi-agency"]
    services.attendance_record(
        meeting=map_today, members=list(map_today.panel.members.all()), by=_officer()
    )
    sign_in_as(journey, "officer")
    journey.goto(f"/casework/meetings/{item.meeting.uuid}/")
    page.get_by_role("link", name=f"Move {application.reference} to another meeting").click()
    journey.check()
    page.get_by_label("Move to the meeting on").select_option(
        label=f"{map_today.date:%A %-d %B %Y} "
        f"(referral deadline {map_today.referral_deadline:%-d %B %Y})"
    )
    page.get_by_label("Why it is moving").fill("A place is free in the next cohort")
    page.get_by_role("button", name="Move the item").click()
    expect(page.get_by_text(f"Application {application.reference} moved")).to_be_visible()
    journey.check()
    sign_out(journey)
    assert application.agenda_items.get(state="waiting").meeting == map_today
    services.pack_publish(meeting=map_today, by=_officer())

    cohort = next(
        c
        for c in selectors.cohorts_with_places(application.programme)
        if c.starts_on > timezone.localdate()
    )
    _chair_decides(
        journey,
        map_today,
        application.reference,
        "Approved",
        "Capacity in the cohort and the right intervention",
        Cohort=f"{cohort.name}, from {cohort.starts_on:%-d %B %Y} "
        f"({cohort.taken} of {cohort.capacity} places taken)",
    )
    sign_in_as(journey, "officer")
    journey.goto("/casework/waiting-lists/")
    application.refresh_from_db()
    assert application.cohort == cohort
    placement = _officer_starts_the_placement(journey, application, days="4")
    assert placement.provider == application.programme.delivered_by


@pytest.mark.browser
def test_focus_11_is_referred_declined_and_the_alternatives_recorded(today_meetings, journey):
    page = journey.page
    application = _application("focus-11")
    sign_in_as(journey, "officer")
    journey.goto(f"/casework/applications/{application.uuid}/")
    page.get_by_role("button", name="Accept and put it on the panel's agenda").click()
    expect(
        page.get_by_text("On the agenda of the CAP Review and Authorisation Panel")
    ).to_be_visible()
    journey.check()
    sign_out(journey)
    item = _bring_to_today(application, today_meetings)
    _chair_decides(journey, item.meeting, application.reference, "Declined", "Tier 2 support first")
    sign_in_as(journey, "officer")
    _officer_sends_the_notice(journey, application)
    journey.goto(f"/casework/applications/{application.uuid}/")
    page.locator("summary", has_text="Record the alternatives explored").click()
    page.get_by_label("Alternatives explored with the school").fill(
        "A Flourish place next term and a mentor"
    )
    page.get_by_role("button", name="Record the alternatives explored with the school").click()
    journey.check()
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    assert application.alternatives_explored == "A Flourish place next term and a mentor"
