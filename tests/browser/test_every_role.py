"""Given the demo, when each demo user signs in, then they reach a home page made for them
and can read the model of support; every page passes axe-core (WCAG 2.2 AA)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from demo.people import DEMO_USERS, demo_email
from tests.browser.second_factor import enter_demo_code, press_sign_in

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"
HOME_HEADINGS = {
    "referrer": "School home",
    "headteacher": "School home",
    "dsl": None,  # a school DSL and the CAP safeguarding lead: see below
    "cap_officer": "Casework home",
    "monitoring_officer": "Casework home",
    "cap_manager": "Casework home",
    "panel_member": "Panels home",
    "provider_staff": "Provider home",
    "agency_professional": "Agency home",
    "finance_officer": "Finance home",
}


@pytest.fixture
def demo(transactional_db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26")
    call_command("load_demo")


def expected_heading(email_name: str, role: str) -> str:
    if role == "dsl":
        return "School home" if email_name == "school.dsl" else "Casework home"
    return HOME_HEADINGS[role]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("email_name", "full_name", "role"), [(u[0], u[1], u[4]) for u in DEMO_USERS]
)
def test_each_demo_role_signs_in_to_a_page_made_for_them(
    demo, journey, email_name, full_name, role
):
    page = journey.page
    # Given the sign-in page, which lists the demo users
    journey.goto("/sign-in/")
    expect(page.get_by_role("heading", name="Demo users")).to_be_visible()
    # When they sign in with their e-mail address and password
    page.get_by_label("E-mail address").fill(demo_email(email_name))
    page.get_by_label("Password").fill(settings.CAP_DEMO_PASSWORD)
    # And the code from the demo authenticator app
    press_sign_in(page, demo_email(email_name))
    # Then they see their own home page
    expect(page.get_by_role("heading", level=1)).to_have_text(expected_heading(email_name, role))
    expect(page.get_by_text(full_name).first).to_be_visible()
    journey.check()
    # And they can read the model of support, this year's draft and last year's
    page.get_by_role("link", name="Model of support", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model of support 2026-27")
    journey.check()
    page.get_by_role("link", name="2025-26").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model of support 2025-26")
    expect(page.get_by_text("Check", exact=True).first).to_be_visible()
    journey.check()
    # And they sign out
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    journey.check()


@pytest.mark.browser
def test_a_wrong_password_is_explained_beside_the_form(demo, journey):
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(demo_email("officer"))
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value(demo_email("officer"))
    journey.check()


@pytest.mark.browser
def test_the_manager_confirms_the_rolled_over_dates(demo, journey):
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_role("button", name="Sign in as Rachel Turner").click()
    enter_demo_code(page)
    expect(page.get_by_role("link", name="Check and confirm the 2026-27 dates")).to_be_visible()
    page.get_by_role("link", name="Check and confirm the 2026-27 dates").click()
    journey.check()
    page.get_by_role("button", name="Confirm the 2026-27 dates").click()
    expect(page.get_by_text("The dates for 2026-27 are confirmed")).to_be_visible()
    expect(page.get_by_text("Confirmed", exact=True)).to_be_visible()
    journey.check()


@pytest.mark.browser
def test_a_missing_page_is_explained(demo, journey):
    journey.goto("/no-such-page/", status=404)
    expect(journey.page.get_by_role("heading", level=1)).to_have_text("Page not found")
