"""Given a school with a student in alternative provision this term, when a CAP officer
prepares the school's termly review meeting, records its minutes and an action for the
school's coordinator, and shares it, then the coordinator sees the meeting from the school
home page and marks the action done; every page passes axe-core (WCAG 2.2 AA)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import (
    PASSWORD,
    LocalAuthorityFactory,
    ProviderFactory,
    SchoolFactory,
    member,
)
from placements.tests.factories import make_placement, make_programme, make_terms
from school_reviews.models import Action
from students.tests.factories import StudentFactory
from tests.browser.second_factor import press_sign_in


@pytest.fixture
def school(transactional_db):
    year = make_terms()  # with a term around today
    today = timezone.localdate()
    la = LocalAuthorityFactory()
    officer = member(la, Role.CAP_OFFICER, full_name="Olive Officer")
    school = SchoolFactory(name="Hill School")
    coordinator = member(school, Role.REFERRER, full_name="Cara Coordinator")
    student = StudentFactory(
        home_school=school, legal_first_name="Jordan", legal_last_name="Reviewed"
    )
    make_placement(
        programme=make_programme(year),
        provider=ProviderFactory(name="Skills Provider"),
        school=school,
        by=officer,
        student=student,
        starts_on=today - dt.timedelta(days=today.weekday() + 14),
    )
    return officer, coordinator, today


def sign_in(journey, person) -> None:
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, person.email)
    journey.check()


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.mark.browser
def test_an_officer_prepares_and_shares_a_meeting_and_the_school_marks_its_action(school, journey):
    officer, coordinator, today = school
    held_on = today + dt.timedelta(days=7)
    page = journey.page

    # Given the CAP officer on the casework home
    sign_in(journey, officer)
    journey.goto("/casework/")
    # When they open the term's school review meetings and prepare Hill School's
    page.get_by_role("link", name="This term term now").click()
    journey.check()
    page.get_by_role("link", name="Prepare the meeting with Hill School").click()
    journey.check()
    # (a meeting outside the term is refused beside the date)
    fill_date(page, "Date of the meeting", today + dt.timedelta(days=400))
    page.get_by_label("Time").fill("10am")
    page.get_by_label("Where").fill("Hill School, room 4")
    page.get_by_label("Who attends").fill("Olive Officer\nCara Coordinator")
    page.get_by_role("button", name="Prepare the meeting").click()
    journey.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date of the meeting must be in the term"
    )
    expect(page.get_by_label("Where")).to_have_value("Hill School, room 4")
    fill_date(page, "Date of the meeting", held_on)
    page.get_by_role("button", name="Prepare the meeting").click()
    journey.check()
    # Then the agenda holds the school's student
    expect(page.get_by_role("heading", level=1)).to_have_text("Review meeting with Hill School")
    expect(page.get_by_role("link", name="Jordan Reviewed", exact=True)).to_be_visible()

    # When they record the minutes
    page.get_by_role("link", name="Record the minutes").click()
    journey.check()
    page.get_by_label("Minutes").fill("Jordan is settling in well.")
    page.get_by_role("button", name="Save").click()
    journey.check()
    expect(page.get_by_text("Jordan is settling in well.")).to_be_visible()

    # And add an action for the school's coordinator
    page.get_by_role("link", name="Add an action").click()
    journey.check()
    page.get_by_label("Action", exact=True).fill("Send the attendance plan")
    page.get_by_label("Owner", exact=True).select_option(label="Cara Coordinator, Hill School")
    fill_date(page, "Due date", held_on + dt.timedelta(days=7))
    page.get_by_role("button", name="Add the action").click()
    journey.check()
    expect(page.get_by_role("cell", name="Send the attendance plan", exact=True)).to_be_visible()

    # And share the meeting with the school
    page.get_by_role("button", name="Share with the school").click()
    journey.check()
    expect(page.get_by_text("Meeting shared with Hill School")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Then the coordinator sees the next meeting on the school home
    sign_in(journey, coordinator)
    journey.goto("/schools/")
    page.get_by_role("link", name=f"{held_on:%A} {held_on.day} {held_on:%B %Y} at 10am").click()
    journey.check()
    expect(page.get_by_text("Jordan is settling in well.")).to_be_visible()
    expect(page.get_by_role("link", name="Record the minutes")).to_have_count(0)

    # And marks the action done
    page.get_by_role("button", name="Mark as done").click()
    journey.check()
    expect(page.get_by_text("Action marked as done")).to_be_visible()
    action = Action.objects.get()
    assert action.is_done and action.done_by == coordinator
