"""The Finance area's home: what waits for a finance officer (the terms that have ended with
no statements made) and the year's subscriptions, with a way into each money section."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from finance import services
from finance.models import Party
from programmes.models import AcademicYear, Subscription, Term

HOME = reverse("dashboards:finance")


@pytest.fixture
def year(db):
    """A year we are in: its first term ended 100 days ago and its second 10 days ago; its
    third has not ended."""
    today = timezone.localdate()
    days = dt.timedelta
    year = AcademicYear.objects.create(
        name="2026-27", starts_on=today - days(200), ends_on=today + days(160)
    )
    for name, starts, ends in (
        ("Autumn term", -190, -100),
        ("Spring term", -90, -10),
        ("Summer term", 5, 100),
    ):
        Term.objects.create(
            year=year, name=name, starts_on=today + days(starts), ends_on=today + days(ends)
        )
    return year


def test_the_home_lists_the_terms_ended_without_statements(client, cast, year):
    autumn, spring, _ = year.terms.order_by("starts_on")
    client.force_login(cast.finance)
    page = client.get(HOME).content.decode()
    assert "2 terms have ended with no statements made" in page
    assert f"Autumn term 2026-27, which ended on {autumn.ends_on:%-d %B %Y}" in page
    assert f"Spring term 2026-27, which ended on {spring.ends_on:%-d %B %Y}" in page
    assert "Summer term" not in page
    assert reverse("finance:statements") in page
    services.statement_run_start(term=autumn, by=cast.finance)  # nothing to say: done
    page = client.get(HOME).content.decode()
    assert "1 term has ended with no statements made" in page
    assert "Autumn term 2026-27" not in page


def test_the_home_says_when_nothing_waits(client, cast, year):
    for term in year.terms.filter(ends_on__lt=timezone.localdate()):
        services.statement_run_start(term=term, by=cast.finance)
    client.force_login(cast.finance)
    page = client.get(HOME).content.decode()
    assert "Nothing is waiting for you" in page
    assert "No school has subscribed to the service level agreement yet" in page


def test_the_home_counts_the_year_s_subscriptions_and_their_total(client, cast, year):
    for school, pence in ((cast.school_a, 1_200_000), (cast.school_b, 900_050)):
        Subscription.objects.create(
            year=year, school=school, tier1_placements=15, price_pence=pence
        )
    client.force_login(cast.finance)
    page = client.get(HOME).content.decode()
    assert "2 schools subscribe to the service level agreement, for £21,000.50 in all" in page
    assert f"{reverse('finance:subscriptions')}?year={year.uuid}" in page


def test_the_home_links_to_each_money_section(client, cast, year):
    client.force_login(cast.finance)
    page = client.get(HOME).content.decode()
    for name, label in (
        ("finance:subscriptions", "Subscriptions"),
        ("finance:fees", "Fees"),
        ("finance:statements", "Statements"),
        ("finance:export", "Finance system"),
    ):
        assert f'<a class="govuk-link" href="{reverse(name)}">{label}</a>' in page


def test_a_statement_issued_takes_its_term_off_the_list(client, cast, year):
    autumn = year.terms.order_by("starts_on").first()
    Subscription.objects.create(
        year=year, school=cast.school_a, tier1_placements=15, price_pence=100
    )
    services.statement_issue(
        organisation=cast.school_a, party=Party.SCHOOL, term=autumn, by=cast.finance
    )
    client.force_login(cast.finance)
    page = client.get(HOME).content.decode()
    assert "Autumn term 2026-27" not in page and "Spring term 2026-27" in page


@pytest.mark.parametrize("who", ["manager", "officer", "alice", "provider_staff", "outsider"])
def test_only_a_finance_officer_enters_the_finance_area(client, cast, year, who):
    client.force_login(getattr(cast, who))
    assert client.get(HOME).status_code == 403


def test_the_finance_home_answers_only_get(client, cast, year):
    client.force_login(cast.finance)
    assert client.post(HOME).status_code == 405
