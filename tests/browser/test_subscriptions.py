"""Given the demo, when the CAP manager opens Money from Casework, adds a band and subscribes
a school that has not yet signed the agreement (a price mistyped first), then the school is
listed with its price and the band can be removed only while no school is in it. Every page
passes axe-core."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from programmes.models import AgreementBand, Subscription
from tests.browser.test_provider_route import fill_date, sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.browser
def test_the_manager_prices_the_agreement_and_subscribes_a_school(demo, journey):
    page = journey.page
    sign_in_as(journey, "manager")
    page.get_by_role("link", name="Money").click()
    expect(page.get_by_role("heading", name="Subscriptions 2026-27")).to_be_visible()
    journey.check()

    # A band for smaller schools
    page.get_by_role("link", name="Add a band").click()
    journey.check()
    page.get_by_label("Name").fill("Smaller schools")
    page.get_by_label("Price").fill("9,500")
    page.get_by_role("button", name="Add band").click()
    expect(page.get_by_text("Smaller schools has been added")).to_be_visible()
    journey.check()

    # A school not yet subscribed: a mistyped price is shown beside the field, and kept
    row = page.get_by_role("row").filter(has_text="Not subscribed").first
    school = row.get_by_role("rowheader").inner_text()
    row.get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", name="Add a subscription for 2026-27")).to_be_visible()
    journey.check()
    page.get_by_label("Its own price").check()
    page.get_by_label("The school’s own price").fill("ten thousand")
    page.get_by_label("Signed by").fill("Dr Sam Patel, headteacher")
    page.get_by_role("button", name="Save subscription").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("The school’s own price")).to_have_value("ten thousand")
    journey.check()

    # In the band, signed on 1 September 2026
    page.get_by_label("Smaller schools: £9,500.00").check()
    fill_date(page, "Date signed", dt.date(2026, 9, 1))
    page.get_by_role("button", name="Save subscription").click()
    expect(page.get_by_text(f"{school}’s subscription for 2026-27 has been saved")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=school)
    expect(row).to_contain_text("£9,500.00")
    expect(row).to_contain_text("1 September 2026 by Dr Sam Patel, headteacher")
    journey.check()
    subscription = Subscription.objects.get(school__name=school, year__name="2026-27")
    assert subscription.price_pence == 950_000

    # The band cannot go while the school is in it
    band = AgreementBand.objects.get(name="Smaller schools")
    journey.goto(f"/finance/subscriptions/bands/{band.uuid}/remove/")
    expect(page.get_by_role("heading", name="Smaller schools cannot be removed")).to_be_visible()
    sign_out(journey)
