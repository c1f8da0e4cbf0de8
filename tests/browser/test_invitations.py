"""Given the CAP manager, when they invite a new person to a school, then the person opens the
e-mailed link, sets a password and lands signed in; and anyone who has forgotten their password
can ask for a link from the sign-in page. Every page passes axe-core (WCAG 2.2 AA)."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import (
    PASSWORD,
    LocalAuthorityFactory,
    SchoolFactory,
    member,
)
from accounts.tests.second_factor import code_for, code_from_secret
from tests.browser.second_factor import press_sign_in


@pytest.fixture
def people(transactional_db):
    la = LocalAuthorityFactory()
    school = SchoolFactory(name="Whitley Academy")
    manager = member(la, Role.CAP_MANAGER, full_name="Mandy Manager", email="mandy@example.org")
    return {"la": la, "school": school, "manager": manager}


def sign_in(journey, email: str, password: str) -> None:
    journey.goto("/sign-in/")
    journey.page.get_by_label("E-mail address").fill(email)
    journey.page.get_by_label("Password").fill(password)
    press_sign_in(journey.page, email)
    journey.check()


@pytest.mark.browser
def test_the_manager_invites_a_person_who_sets_a_password_and_is_signed_in(
    people, journey, mailoutbox
):
    page = journey.page
    # Given the CAP manager on their home page
    sign_in(journey, "mandy@example.org", PASSWORD)
    page.get_by_role("link", name="People", exact=True).first.click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    journey.check()

    # When they invite a person to the school
    page.get_by_role("button", name="Invite a person").click()
    journey.check()
    page.get_by_label("Organisation").select_option(label="Whitley Academy")
    page.get_by_role("button", name="Continue").click()
    journey.check()
    # A mistake is shown beside the field, and what was typed is kept
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_label("Headteacher").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Nia Newcomer")
    journey.check()
    page.get_by_label("E-mail address").fill("nia@example.org")
    page.get_by_label("Headteacher").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to nia@example.org")).to_be_visible()
    expect(page.get_by_text("Headteacher", exact=True)).to_be_visible()
    journey.check()
    # The manager may give them another role: first where, then which
    page.get_by_role("button", name="Give a role").click()
    journey.check()
    page.get_by_label("Organisation").select_option(label="Whitley Academy")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("CAP coordinator")).to_be_visible()
    journey.check()
    page.get_by_role("button", name="Sign out").click()

    # Then the person opens the e-mailed link
    invitation = next(m for m in mailoutbox if m.to == ["nia@example.org"])
    link = re.search(r"https?://\S+/invitations/\S+/", invitation.body).group(0)
    journey.goto("/" + link.split("/", 3)[3])
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    # A weak password is refused beside the field
    page.get_by_label("Create a password").fill("password")
    page.get_by_label("Confirm your password").fill("password")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    journey.check()
    page.get_by_label("Create a password").fill("violet-harbour-lantern-42")
    page.get_by_label("Confirm your password").fill("violet-harbour-lantern-42")
    page.get_by_role("button", name="Set password and sign in").click()

    # And, as a headteacher sees pupils' data, sets up their authenticator app
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    journey.check()
    secret = page.locator("#secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    journey.check()
    page.get_by_role("link", name="Continue").click()
    # And lands signed in, at their school's home
    expect(page.get_by_role("heading", level=1)).to_have_text("School home")
    journey.check()
    page.get_by_role("button", name="Sign out").click()

    # Signing in again asks for their password and the code from their app
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill("nia@example.org")
    page.get_by_label("Password").fill("violet-harbour-lantern-42")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    journey.check()
    device = TOTPDevice.objects.get(user__email="nia@example.org", confirmed=True)
    page.get_by_label("Code", exact=True).fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School home")
    page.get_by_role("button", name="Sign out").click()

    # The link works once
    journey.goto("/" + link.split("/", 3)[3], status=410)
    expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()


@pytest.mark.browser
def test_a_person_asks_for_a_password_reset_link(people, journey, mailoutbox):
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    journey.check()
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    journey.check()
    page.get_by_label("E-mail address").fill("mandy@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    journey.check()
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", mailoutbox[0].body).group(0)
    journey.goto("/" + link.split("/", 3)[3])
    page.get_by_label("Create a password").fill("violet-harbour-lantern-42")
    page.get_by_label("Confirm your password").fill("violet-harbour-lantern-42")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Your password has been set")).to_be_visible()
    journey.check()
    sign_in(journey, "mandy@example.org", "violet-harbour-lantern-42")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
