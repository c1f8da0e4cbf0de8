"""Signing in through the pages, second factor included: the code is computed from the
person's authenticator app's secret, as their phone would."""

import re

from accounts.models import User
from accounts.rules import needs_second_factor
from accounts.tests.second_factor import authenticator, code_for


def press_sign_in(page, email: str) -> None:
    """Press "Sign in" on the filled-in sign-in page, then enter the code from the person's
    authenticator app (set up for them first if they have none, as a test's own people
    do not; the demo users have the demo one)."""
    user = User.objects.get(email__iexact=email)
    device = authenticator(user)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if needs_second_factor(user):  # someone with no role goes straight on
        enter_code(page, device)


def enter_code(page, device) -> None:
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    page.get_by_label("Code", exact=True).fill(code_for(device))
    page.get_by_role("button", name="Continue").click()


def enter_demo_code(page) -> None:
    """After a demo one-click sign-in: type the code the page shows in demo mode."""
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    page.get_by_label("Code", exact=True).fill(page.locator("#demo-code").inner_text())
    page.get_by_role("button", name="Continue").click()
