"""Given a year whose autumn term has ended and a school with two placements at a provider,
when the finance officer issues the term's statements from the money pages, then the
school's CAP coordinator finds the latest on the school's home page, opens it and downloads
it as a PDF, and the statement's e-mail links to the same page. Every page passes axe-core."""

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import (
    PASSWORD,
    LocalAuthorityFactory,
    ProviderFactory,
    SchoolFactory,
    member,
)
from finance.models import Statement
from finance.tests.factories import make_course, make_tier1, make_year, placed
from programmes.models import Subscription
from tests.browser.second_factor import press_sign_in


@pytest.fixture
def people(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    year = make_year()
    la = LocalAuthorityFactory()
    school = SchoolFactory(name="Whitley Academy")
    provider = ProviderFactory(name="Midland Motors Training")
    finance = member(la, Role.FINANCE_OFFICER, email="fran@council.example", full_name="Fran")
    officer = member(la, Role.CAP_OFFICER)
    coordinator = member(school, Role.REFERRER, email="cleo@school.example", full_name="Cleo")
    Subscription.objects.create(
        school=school,
        year=year,
        tier1_placements=15,
        price_pence=1_200_000,
        signed_on=dt.date(2025, 9, 15),
        signed_by="The headteacher",
    )
    programme = make_tier1(year)
    for title, starts_on in (("Motor vehicle", dt.date(2025, 9, 8)), ("Catering", None)):
        placed(
            course=make_course(programme, provider, fee="1200.00", title=title),
            school=school,
            by=officer,
            starts_on=starts_on or dt.date(2025, 11, 3),
            planned_end_on=dt.date(2025, 11, 28),
        )
    return finance, coordinator


def sign_in(journey, email: str, then: str):
    page = journey.page
    journey.goto(f"/sign-in/?next={then}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, email)
    journey.check()


def sign_out(journey):
    journey.page.get_by_role("button", name="Sign out").click()


@pytest.mark.browser
def test_finance_issues_a_term_s_statements_and_the_school_downloads_its_own(people, journey):
    finance, coordinator = people
    page = journey.page

    # The finance officer chooses the autumn term and issues its statements
    sign_in(journey, finance.email, "/finance/statements/")
    expect(page.get_by_role("heading", name="Statements", exact=True)).to_be_visible()
    page.get_by_label("Term").select_option(label="Autumn term 2025-26")
    page.get_by_role("button", name="Show statements").click()
    journey.check()
    page.get_by_role("button", name="Issue the statements for the Autumn term 2025-26").click()
    expect(page.get_by_text("2 statements queued for the Autumn term 2025-26")).to_be_visible()
    expect(page.get_by_text("has finished: 2 of 2 statements made")).to_be_visible()
    journey.check()
    statement = Statement.objects.get(organisation__name="Whitley Academy")
    page.get_by_role("link", name=statement.number).click()
    expect(page.get_by_role("heading", name=f"Statement {statement.number}")).to_be_visible()
    expect(page.get_by_role("heading", name="Correct this statement")).to_be_visible()
    journey.check()
    sign_out(journey)

    # The school was told, with a link to its own page
    (told,) = [m for m in mail.outbox if coordinator.email in m.to]
    assert f"/schools/statements/{statement.uuid}/" in told.body

    # The school's CAP coordinator finds it from the home page, reads it and downloads it
    sign_in(journey, coordinator.email, "/")
    expect(page.get_by_role("heading", name="Statements", exact=True)).to_be_visible()
    page.get_by_role("link", name="View your statements").click()
    journey.check()
    page.get_by_role("link", name=statement.number).click()
    expect(page.get_by_role("heading", name=f"Statement {statement.number}")).to_be_visible()
    expect(page.get_by_text("£12,000.00").first).to_be_visible()
    assert page.get_by_role("heading", name="Correct this statement").count() == 0
    journey.check()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Statement {statement.number} (PDF)").click()
    assert download.value.suggested_filename == f"statement-{statement.number}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    journey.check()
