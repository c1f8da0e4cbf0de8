"""Given the accessibility statement's claim, when a visitor reads it and the pages it
names as its sample, signed out and then signed in, then axe-core (WCAG 2.2 AA) finds
nothing on any of them that the statement does not list as a known problem, and each
page's footer leads to the others."""

import pytest
from playwright.sync_api import expect

from about.accessibility import statement
from accounts.tests.factories import PASSWORD
from tests.browser.second_factor import press_sign_in

# The sample the statement's "How we tested" names: the about pages and the sign-in page
# signed out, and a home page signed in (every role's home: test_every_role.py).
ABOUT = {
    "/accessibility/": "Accessibility statement for",
    "/privacy/": "Privacy notice",
    "/cookies/": "Cookies",
    "/contact/": "Contact the CAP team",
}
FOOTER = ("Accessibility statement", "Privacy", "Cookies", "Contact")


def footer_leads_everywhere(page) -> None:
    footer = page.locator("footer")
    for label in FOOTER:
        expect(footer.get_by_role("link", name=label, exact=True)).to_be_visible()


@pytest.mark.browser
def test_the_statement_and_its_sample_pass_axe_as_the_statement_claims(
    transactional_db, cast, journey
):
    facts = statement()
    # The statement lists no known problem only while it claims full compliance; with
    # problems listed, this test's axe checks would have to allow exactly those.
    assert (facts.compliance == "full") == (not facts.problems)
    page = journey.page
    # Given someone not signed in, on the sign-in page
    journey.goto("/sign-in/")
    footer_leads_everywhere(page)
    # When they follow the footer to each about page, then each passes axe
    for label, (path, heading) in zip(FOOTER, ABOUT.items(), strict=True):
        page.locator("footer").get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(journey.base_url + path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        journey.check()
    # And the statement says what the file says
    journey.goto("/accessibility/")
    expect(page.locator("#compliance-status")).to_contain_text(
        f"This service is {facts.compliance_words}"
    )
    # Given someone signed in
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(cast.alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, cast.alice.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("School home")
    journey.check()
    footer_leads_everywhere(page)
    # Then every about page opens for them too, and passes axe
    for path in ABOUT:
        journey.goto(path)
    # And at a phone's width nothing overflows sideways
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ABOUT:
        journey.goto(path)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), f"{path} scrolls sideways at 320px"
