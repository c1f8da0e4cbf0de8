"""Given a signed-in person who does nothing, when the idle limit nears, then the GOV.UK
time-out warning opens with focus in it; "Stay signed in" and Escape each keep the session;
left alone, it signs them out to the sign-in page, which says why and keeps the page.
The limits are shortened to seconds here (idle 6, warning 5) so the story takes seconds."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import PASSWORD, SchoolFactory, member
from tests.browser.second_factor import press_sign_in

IDLE, WARNING = 6, 5


@pytest.fixture
def person(transactional_db, settings):
    settings.SESSION_COOKIE_AGE = IDLE
    settings.CAP_SESSION_WARNING_SECONDS = WARNING
    return member(SchoolFactory(), Role.REFERRER, full_name="Alice Referrer")


def session_expiry(page):
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return Session.objects.get(session_key=key).expire_date


def wait_until_extended(page, after):
    deadline = time.monotonic() + 5
    while session_expiry(page) <= after:
        assert time.monotonic() < deadline, "the session was not extended"
        time.sleep(0.1)


@pytest.mark.browser
def test_the_time_out_warning_keeps_or_ends_the_session(person, journey):
    page = journey.page
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    # Given a signed-in person on their students' page
    journey.goto("/sign-in/?next=/schools/students/")
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, person.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Students")
    expect(dialog).to_be_hidden()

    # When the idle limit nears, the warning opens, with focus on its heading
    expect(dialog).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", name="You will be signed out soon")).to_be_focused()
    # the countdown shown, and the same said once to screen readers (not every second)
    expect(
        dialog.get_by_text(re.compile(r"We will sign you out in [1-5] seconds?\.")).first
    ).to_be_visible()
    expect(page.locator("#cap-timeout-spoken")).to_have_text(
        re.compile(r"We will sign you out in [1-5] seconds?\.")
    )
    journey.check()

    # "Stay signed in" closes it and extends the session
    before = session_expiry(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    wait_until_extended(page, before)

    # So does Escape, the next time it opens
    expect(dialog).to_be_visible(timeout=10_000)
    before = session_expiry(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    wait_until_extended(page, before)

    # Left alone, it signs the person out to the sign-in page, which says why
    expect(dialog).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to Coventry Alternative Provision", timeout=15_000
    )
    expect(
        page.get_by_text("You have been signed out because you had not done anything for 6 seconds")
    ).to_be_visible()
    journey.check()
    # and, signed in again, they are back where they were
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, person.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Students")
    journey.check()
