"""Given a student interviewed for a course with a fee, when the provider offers a place, the
school sees the fee on its application's page and records its budget holder's agreement,
then the CAP officer can confirm the start. Every page passes axe-core."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from applications import services
from applications.models import Application
from applications.workflow import Status
from demo.people import demo_email
from finance.models import Fee
from lib.money import pounds
from tests.browser.test_provider_route import (  # noqa: F401 - the draft fixture
    a_school_day_after,
    draft,
    fill_date,
    sign_in_as,
    sign_out,
)


@pytest.fixture
def interviewed(draft) -> Application:  # noqa: F811
    """Submitted, accepted, its pack sent, and the interview held."""
    officer = User.objects.get(email=demo_email("officer"))
    provider = User.objects.get(email=demo_email("provider"))
    application = services.application_submit(
        application=draft,
        version=draft.version,
        by=User.objects.get(email=demo_email("coordinator")),
    )
    application = services.application_accept(
        application=application, version=application.version, by=officer
    )
    application = services.application_send_pack(
        application=application,
        sections=["reasons"],
        documents=[],
        note="",
        version=application.version,
        by=officer,
    )
    application = services.application_arrange_interview(
        application=application,
        on=timezone.localdate(),
        details="10am at the workshop",
        version=application.version,
        by=provider,
    )
    return services.application_hold_interview(
        application=application, version=application.version, by=provider
    )


@pytest.mark.browser
def test_the_school_agrees_the_fee_before_cap_confirms_the_start(interviewed, journey):
    page = journey.page
    application = interviewed
    fee = pounds(int(application.course.fee * 100))

    # Given the provider offers a place on its course, which has a fee
    sign_in_as(journey, "provider")
    journey.goto(f"/providers/packs/{application.uuid}/")
    start = a_school_day_after(application, timezone.localdate() + dt.timedelta(days=7))
    fill_date(page, "Start date", start)
    page.get_by_role("button", name="Offer a place").click()
    expect(page.get_by_text("Fee for this place")).to_be_visible()
    expect(page.get_by_text(fee, exact=True)).to_be_visible()
    journey.check()
    sign_out(journey)

    # When the school's CAP coordinator opens the application, they see the fee and that
    # CAP waits for their budget holder
    sign_in_as(journey, "coordinator")
    journey.goto(f"/schools/applications/{application.uuid}/")
    expect(
        page.get_by_text("CAP cannot confirm the start until your budget holder agrees the fee")
    ).to_be_visible()
    expect(page.get_by_text(fee, exact=True)).to_be_visible()
    journey.check()

    # and record the budget holder's agreement
    page.get_by_role("link", name="Record your budget holder's agreement").click()
    journey.check()
    page.get_by_label("Budget holder's name").fill("Sam Budget")
    page.get_by_label("Budget holder's role").fill("School business manager")
    fill_date(page, "Date of the agreement", timezone.localdate())
    page.get_by_role("group", name="The signed agreement").get_by_label(
        re.compile(r"^budget-holder\.pdf")
    ).check()
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.get_by_text(f"agreement to the fee of {fee} is recorded")).to_be_visible()
    expect(page.get_by_text("Agreed by Sam Budget, School business manager")).to_be_visible()
    journey.check()
    sign_out(journey)

    # Then the CAP officer sees the agreement and confirms the start
    sign_in_as(journey, "officer")
    journey.goto(f"/casework/applications/{application.uuid}/")
    expect(page.get_by_text("Agreed by Sam Budget, School business manager")).to_be_visible()
    page.locator("summary", has_text="Confirm the start date").click()
    page.get_by_role("button", name="Confirm the start date").click()
    expect(
        page.get_by_text(f"Application {application.reference}: start date confirmed")
    ).to_be_visible()
    journey.check()

    application.refresh_from_db()
    assert application.status == Status.START_CONFIRMED
    assert Fee.objects.get(application=application).agreed_by == "Sam Budget"
