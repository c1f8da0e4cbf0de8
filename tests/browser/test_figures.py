"""Given the demo, the CAP manager, a school and a provider read their figures: every page of
figures they may see, through the sub-navigation and the filters, with charts, tables and
downloads, passing axe-core."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.rules import Area
from dashboards.pages import pages_for
from demo.people import demo_email
from tests.browser.second_factor import press_sign_in

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26")
    call_command("load_demo")


def sign_in(journey, email_name: str) -> None:
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(demo_email(email_name))
    page.get_by_label("Password").fill(settings.CAP_DEMO_PASSWORD)
    press_sign_in(page, demo_email(email_name))


def walk_every_page(journey, area: str) -> None:
    """Open Figures from the menu, then every page in the sub-navigation."""
    page = journey.page
    page.get_by_role("link", name="Figures", exact=True).click()
    for figures_page in pages_for(area):
        page.get_by_role("navigation", name="Figures").get_by_role(
            "link", name=figures_page.title, exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(figures_page.title)
        journey.check()


@pytest.mark.browser
def test_the_cap_manager_reads_the_service_and_follows_a_figure_to_its_list(demo, journey):
    page = journey.page
    sign_in(journey, "manager")
    walk_every_page(journey, Area.CASEWORK)

    # The manager narrows the referrals to one school and follows a figure to its list.
    page.get_by_role("navigation", name="Figures").get_by_role(
        "link", name="Referrals and decisions"
    ).click()
    page.get_by_label("School").select_option(label="Caludon Castle School")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_text("Figures for 2026-27, Caludon Castle School")).to_be_visible()
    journey.check()
    stage = page.get_by_role("table").filter(has_text="Stage").first
    stage.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Applications")
    journey.check()

    # A table downloads as a CSV that says what it is.
    page.get_by_role("link", name="Back to the figures").click()
    page.get_by_role("link", name="Referrals and decisions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV of where the referrals are now").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Where the referrals are now – 2026-27")

    # The panels' termly reports are made from the same figures; a request with no panel
    # chosen is explained beside the field.
    page.get_by_role("link", name="The panels' termly oversight reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panels' oversight reports")
    journey.check()
    page.get_by_role("button", name="Make the report").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    journey.check()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("email_name", "area"), [("coordinator", Area.SCHOOLS), ("provider", Area.PROVIDERS)]
)
def test_schools_and_providers_read_their_own_figures(demo, journey, email_name, area):
    sign_in(journey, email_name)
    walk_every_page(journey, area)
    school_filter = journey.page.get_by_role("combobox", name="School", exact=True)
    expect(school_filter).to_have_count(1 if area == Area.SCHOOLS else 0)
