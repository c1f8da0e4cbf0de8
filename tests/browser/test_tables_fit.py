"""Given the demo, when people open the pages with the service's tables, then no page is
wider than the screen, at 1280px or at 320px: the providers' compliance is a summary with
each provider a click away, and a wide table scrolls inside its own region. Every page
passes axe at both widths."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from quality.models import ProviderRecord
from tests.browser.second_factor import enter_demo_code

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"
WIDTHS = (1280, 320)


@pytest.fixture
def demo(transactional_db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26")
    call_command("load_demo")


def sign_in(journey, full_name: str) -> None:
    journey.goto("/sign-in/")
    journey.page.get_by_role("button", name=f"Sign in as {full_name}").click()
    enter_demo_code(journey.page)


def fits(journey) -> None:
    """At each width the page is no wider than the window, and axe finds nothing."""
    page = journey.page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= page.evaluate("window.innerWidth"), f"{page.url} at {width}px: {wide}px"
        journey.check()


def visit(journey, path: str) -> None:
    journey.goto(path)
    fits(journey)


@pytest.mark.browser
def test_the_providers_compliance_is_a_summary_with_each_provider_a_click_away(demo, journey):
    page = journey.page
    # Given a CAP officer
    sign_in(journey, "Aisha Begum")
    # When they open the providers' compliance
    visit(journey, reverse("quality:overview"))
    # Then they see the providers by status and by area, and a page of providers
    expect(page.get_by_role("heading", name="By status")).to_be_visible()
    by_area = page.get_by_role("region", name="Providers by their rating in each area")
    expect(by_area).to_be_visible()
    # And a number leads to the providers it counts
    by_area.get_by_role("link").first.click()
    expect(page.get_by_role("link", name="See every provider")).to_be_visible()
    fits(journey)
    # And a provider leads to its areas in detail, each in the same columns
    record = ProviderRecord.objects.select_related("organisation").first()
    visit(journey, reverse("quality:provider", args=[record.uuid]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(record.organisation.name)
    expect(page.locator(".govuk-summary-card").first).to_be_visible()


@pytest.mark.browser
def test_a_provider_sees_its_own_compliance_area_by_area(demo, journey):
    sign_in(journey, "Kelly Morgan")
    visit(journey, reverse("quality:compliance_home"))
    expect(journey.page.get_by_role("heading", level=1)).to_contain_text("Compliance")
    expect(journey.page.get_by_role("link", name="Replace").first).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("full_name", "paths"),
    [
        (
            "Aisha Begum",
            [
                "/casework/applications/",
                "/casework/placements/",
                "/casework/meetings/",
                "/casework/placements/attendance/",
                "/casework/figures/",
                "/model/",
            ],
        ),
        (
            "Priya Shah",
            [
                "/schools/applications/",
                "/schools/placements/",
                "/schools/events/bookings/",
                "/schools/statements/",
                "/schools/figures/",
            ],
        ),
    ],
)
def test_wide_tables_scroll_in_their_own_region_and_never_the_page(demo, journey, full_name, paths):
    sign_in(journey, full_name)
    for path in paths:
        visit(journey, path)


@pytest.mark.browser
def test_a_long_e_mail_address_in_a_choice_fits_a_phone(demo, journey):
    page = journey.page
    sign_in(journey, "Priya Shah")
    journey.goto("/schools/events/")
    page.locator("main a[href*='/schools/events/']").filter(has_text="When").first.click()
    page.locator("a[href$='/book/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book a place")
    fits(journey)


@pytest.mark.browser
def test_a_weeks_register_fits_a_phone(demo, journey):
    page = journey.page
    sign_in(journey, "Priya Shah")
    journey.goto("/schools/registers/")
    page.locator("main a[href*='/schools/registers/']").first.click()
    expect(page.get_by_role("region").first).to_be_visible()
    fits(journey)
