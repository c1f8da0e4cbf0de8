"""Given the demo, when a CAP officer opens the applications queue on a wide screen and on a
phone, then the six columns fit: the page never scrolls sideways, and at 1280px the table
needs no scrolling of its own. The officer finds an application by the reference a school
quotes. Every page passes axe-core."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from applications.models import Application
from tests.browser.test_provider_route import sign_in_as

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"
QUEUE = "/casework/applications/"
WIDTHS = """() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
    table: document.querySelector('.cap-table-wrapper[aria-label=Applications] table').scrollWidth,
    region: document.querySelector('.cap-table-wrapper[aria-label=Applications]').clientWidth,
})"""


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.browser
def test_the_queue_fits_a_wide_screen_and_a_phone_and_finds_a_quoted_reference(demo, journey):
    page = journey.page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(journey, "officer")
    journey.goto(QUEUE + "?step=any")
    headers = page.locator(".cap-table-wrapper[aria-label=Applications] thead th").all_inner_texts()
    assert [h.strip() for h in headers] == [
        "Reference",
        "Student",
        "Programme",
        "Step",
        "Age",
        "Officer",
    ]
    wide = page.evaluate(WIDTHS)
    assert wide["page"] <= wide["window"], wide
    assert wide["table"] <= wide["region"], wide

    page.set_viewport_size({"width": 320, "height": 640})
    journey.goto(QUEUE + "?step=any")
    narrow = page.evaluate(WIDTHS)
    assert narrow["page"] <= narrow["window"], narrow

    # A school rings about its application, quoting the reference in lower case.
    application = Application.objects.exclude(reference=None).order_by("reference").last()
    page.set_viewport_size({"width": 1280, "height": 900})
    journey.goto(QUEUE)
    page.get_by_label("Reference").fill(application.reference.lower())
    page.get_by_role("button", name="Apply filters").click()
    journey.check()
    expect(page.locator(".cap-table-wrapper[aria-label=Applications] tbody tr")).to_have_count(1)
    page.get_by_role("link", name=application.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Application {application.reference}"
    )
    journey.check()
