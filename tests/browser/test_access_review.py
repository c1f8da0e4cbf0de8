"""Given a school's access review open at the start of term, when its administrator signs
in, confirms one person, marks another as left and records that leaver, then each page says
what happened and passes axe-core (WCAG 2.2 AA)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import PASSWORD, LocalAuthorityFactory, SchoolFactory, member
from privacy.access_review import access_reviews_open
from privacy.models import AccessReview, Outcome
from programmes.models import AcademicYear, Term
from tests.browser.second_factor import press_sign_in


@pytest.fixture
def school(transactional_db):
    today = timezone.localdate()
    year = AcademicYear.objects.create(
        name="now", starts_on=today - dt.timedelta(days=100), ends_on=today + dt.timedelta(days=100)
    )
    Term.objects.create(
        year=year, name="This term", starts_on=today, ends_on=today + dt.timedelta(days=60)
    )
    member(LocalAuthorityFactory(), Role.CAP_MANAGER, full_name="Mandy Manager")
    school = SchoolFactory(name="Hill School")
    admin = member(school, Role.ADMINISTRATOR, full_name="Ada Administrator")
    member(school, Role.REFERRER, full_name="Cara Coordinator")
    leaver = member(school, Role.HEADTEACHER, full_name="Len Leaving")
    access_reviews_open(today=today)
    return admin, leaver, school


@pytest.mark.browser
def test_the_administrator_confirms_their_people(school, journey):
    admin, leaver, organisation = school
    page = journey.page
    # Given the administrator signed in
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, admin.email)
    journey.check()
    # When they open their access review
    journey.goto("/people/access-review/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Confirm who still works for Hill School"
    )
    # And confirm Cara and mark Len as left
    page.get_by_role("group", name="Does Cara Coordinator still work here?").get_by_label(
        "Yes, confirm"
    ).check()
    page.get_by_role("group", name="Does Len Leaving still work here?").get_by_label(
        "No, has left"
    ).check()
    page.get_by_role("button", name="Save answers").click()
    saved = "2 people confirmed (you among them), 1 marked as left."
    expect(page.get_by_text(saved)).to_be_visible()
    journey.check()
    # Then they record Len's leaving
    page.get_by_role("link", name="Record that Len Leaving has left").click()
    journey.check()
    page.get_by_role("button", name="Record that they have left").click()
    expect(page.get_by_text("Len Leaving has been recorded as a leaver.")).to_be_visible()
    journey.check()

    review = AccessReview.objects.get(organisation=organisation)
    outcomes = dict(review.people.values_list("user__full_name", "outcome"))
    assert outcomes["Cara Coordinator"] == Outcome.CONFIRMED
    assert outcomes["Ada Administrator"] == Outcome.CONFIRMED
    leaver.refresh_from_db()
    assert not leaver.is_active
