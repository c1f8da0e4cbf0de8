"""Tier 2 priority in the browser, from the demo: the Review and Authorisation Panel hears
one item a meeting; its agenda puts the subscribing school's Flourish application first
though the Refocus one was referred earlier, says why, and shows the Refocus one carrying to
the next meeting. The CAP officer reads the agenda, the pack and the waiting lists; the
chair reads the same order. Every page passes axe-core."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from applications.models import Application
from applications.workflow import Status
from panels.models import AgendaItem, ItemState
from tests.browser.test_provider_route import sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.browser
def test_the_agenda_and_the_waiting_list_show_who_comes_first_and_why(demo, journey):
    page = journey.page
    refocus_item = AgendaItem.objects.select_related("meeting", "application__school").get(
        state=ItemState.WAITING,
        application__programme__key="refocus",
        meeting__panel__key="review-and-authorisation",
    )
    meeting = refocus_item.meeting
    flourish = Application.objects.select_related("school").get(
        agenda_items__meeting=meeting,
        agenda_items__state=ItemState.WAITING,
        programme__key="flourish",
    )
    refocus = refocus_item.application

    # Given the CAP officer on the panels page
    sign_in_as(journey, "officer")
    page.get_by_role("link", name="Panels", exact=True).click()
    journey.check()
    # When they open the meeting
    journey.goto(f"/casework/meetings/{meeting.uuid}/")
    # Then the subscribing school's Flourish comes first, with its reason, and is heard; the
    # Refocus application, referred earlier, carries to the next meeting
    expect(page.get_by_text("1: the rest carry to the panel's next meeting")).to_be_visible()
    rows = page.locator("table.govuk-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(flourish.reference)
    expect(rows.nth(0)).to_contain_text(
        f"Priority: {flourish.school.name} has the service level agreement for"
    )
    expect(rows.nth(0)).to_contain_text("To be heard")
    expect(rows.nth(1)).to_contain_text(refocus.reference)
    expect(rows.nth(1)).to_contain_text("Referred ")
    expect(rows.nth(1)).to_contain_text("Carries to the next meeting")

    # And the pack is in the same order, with each item's place
    page.get_by_role("link", name="Read the pack").click()
    journey.check()
    expect(page.get_by_text("Its place on the agenda").first).to_be_visible()
    headings = page.locator("h2.govuk-heading-m")
    expect(headings.nth(0)).to_contain_text(flourish.reference)
    expect(headings.nth(1)).to_contain_text(refocus.reference)

    # And a student on the Refocus waiting list shows with why they stand where they do
    Application.objects.filter(pk=refocus.pk).update(status=Status.WAITING_LIST)
    page.get_by_role("link", name="Back to the meeting").click()
    journey.check()
    page.get_by_role("link", name="Back to panels").click()
    journey.check()
    page.get_by_role("link", name="Cohort places and waiting lists").click()
    journey.check()
    expect(page.get_by_text(refocus.reference)).to_be_visible()
    expect(
        page.get_by_role("table", name="Waiting list, in the order places are offered").first
    ).to_contain_text("Referred ")
    Application.objects.filter(pk=refocus.pk).update(status=Status.AT_PANEL)
    sign_out(journey)

    # Given the panel's chair, when they open the meeting, then they
    # read the same order and reasons
    sign_in_as(journey, "panel.chair")
    journey.goto(f"/panels/meetings/{meeting.uuid}/")
    rows = page.locator("table.govuk-table tbody tr")
    expect(rows.nth(0)).to_contain_text(flourish.reference)
    expect(rows.nth(0)).to_contain_text("Priority: ")
    expect(rows.nth(1)).to_contain_text("Carries to the next meeting")
