"""Given a person with a password and no authenticator app yet, when they sign in, then they
set up the app by typing in the secret the page shows, are shown their recovery codes once,
reach their home page; and when they sign out and in again, they enter the app's code.
Every page passes axe-core."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import PASSWORD, LocalAuthorityFactory, member
from accounts.tests.second_factor import code_for, code_from_secret


@pytest.fixture
def officer(transactional_db):
    return member(
        LocalAuthorityFactory(), Role.CAP_OFFICER, email="olive@council.example", full_name="Olive"
    )


def fill_password(journey, email: str) -> None:
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.mark.browser
def test_a_new_person_sets_up_their_authenticator_app_and_signs_in_with_it(officer, journey):
    page = journey.page
    # Given a person with a password and no authenticator app, who signs in
    fill_password(journey, officer.email)
    # Then they are asked to set up their app, with a QR code and the secret as text
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    journey.check()
    secret = page.locator("#secret").inner_text()
    # When they type a wrong code, the error is beside the field
    page.get_by_label("Code from your authenticator app").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#id_code-error")).to_contain_text("Enter the code as 6 digits")
    journey.check()
    # And when they type the code their app shows for that secret
    page.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    # Then they are shown ten recovery codes, once
    expect(page.get_by_role("heading", level=1)).to_have_text("Your authenticator app is set up")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    journey.check()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casework home")
    journey.check()
    # When they sign out and sign in again
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    fill_password(journey, officer.email)
    # Then they are asked for the code from their app, and it signs them in
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    journey.check()
    device = TOTPDevice.objects.get(user=officer, confirmed=True)
    page.get_by_label("Code", exact=True).fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casework home")
    assert re.search(r"/casework/$", page.url)
    journey.check()
