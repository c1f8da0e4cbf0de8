"""A provider's status, derived from its evidence, its latest termly review and its site
visits, at the boundaries of each rule."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import ProviderFactory
from quality.models import (
    ComplianceArea,
    Evidence,
    EvidenceStatus,
    ProviderRecord,
    ProviderStatus,
    Rating,
    Visit,
)
from quality.selectors import (
    approved_providers,
    area_ratings_in_sql,
    provider_standing,
    settings_current,
    standings,
    statuses_in_sql,
)
from quality.tests.factories import approved_provider, evidence_for, review_for, set_expiry

TODAY = dt.date(2026, 11, 27)
INSURANCE = "public-liability-insurance"


def status_of(record, today=TODAY):
    standing = standings([record], today=today)[record.pk]
    # The directory asks the same question in one query: the two must always agree.
    assert (record.organisation_id in set(approved_providers(today=today))) == (
        standing.is_approved
    )
    # So does the overview, which counts, filters and sorts every provider by status and
    # by each area's rating in SQL.
    assert statuses_in_sql(today=today)[record.pk] == standing.status
    in_sql = area_ratings_in_sql(today=today)
    assert {a.area.key: in_sql[(record.pk, a.area.pk)] for a in standing.areas} == {
        a.area.key: a.rating for a in standing.areas
    }
    return standing


@pytest.fixture
def provider(cast, areas):
    return approved_provider(cast.provider, today=TODAY)


def test_a_provider_with_all_evidence_and_a_green_review_is_approved(provider):
    standing = status_of(provider)
    assert standing.status == ProviderStatus.APPROVED
    assert standing.reasons == []
    assert {a.rating for a in standing.areas} == {Rating.GREEN}


def test_a_provider_cap_keeps_no_record_for_is_not_approved(cast, areas):
    status, reasons = provider_standing(ProviderFactory())
    assert status == ProviderStatus.NOT_ASSESSED
    assert "no quality-assurance record" in reasons[0]


def test_a_provider_never_reviewed_is_not_yet_approved(cast, areas):
    record = approved_provider(cast.provider, today=TODAY, reviewed=False)
    standing = status_of(record)
    assert standing.status == ProviderStatus.NOT_ASSESSED
    assert "not yet held a compliance review" in standing.reasons[0]


def test_evidence_that_expired_yesterday_turns_the_area_red_and_suspends(provider):
    set_expiry(provider, INSURANCE, TODAY - dt.timedelta(days=1))
    standing = status_of(provider)
    procurement = next(a for a in standing.areas if a.area.key == "procurement")
    assert procurement.rating == Rating.RED
    assert standing.status == ProviderStatus.SUSPENDED
    assert (
        "Procurement and company details: Public liability insurance certificate expired on "
        "26 November 2026" in standing.reasons
    )


def test_evidence_that_expires_today_is_still_in_force(provider):
    set_expiry(provider, INSURANCE, TODAY)
    standing = status_of(provider)
    assert standing.status == ProviderStatus.CONDITIONS
    assert next(a for a in standing.areas if a.area.key == "procurement").rating == Rating.AMBER


@pytest.mark.parametrize(
    ("days_left", "rating", "status"),
    [
        (30, Rating.AMBER, ProviderStatus.CONDITIONS),  # on the notice boundary
        (31, Rating.GREEN, ProviderStatus.APPROVED),
    ],
)
def test_evidence_within_the_notice_period_is_amber(provider, days_left, rating, status):
    assert settings_current().reminder_notice_days == 30
    set_expiry(provider, INSURANCE, TODAY + dt.timedelta(days=days_left))
    standing = status_of(provider)
    assert next(a for a in standing.areas if a.area.key == "procurement").rating == rating
    assert standing.status == status


def test_missing_evidence_turns_the_area_red(provider):
    Evidence.objects.filter(provider=provider, item__key="gems-declaration").delete()
    standing = status_of(provider)
    assert next(a for a in standing.areas if a.area.key == "gems").rating == Rating.RED
    assert standing.status == ProviderStatus.SUSPENDED


def test_evidence_waiting_for_cap_does_not_count_until_approved(provider):
    old = set_expiry(provider, INSURANCE, TODAY - dt.timedelta(days=1))
    evidence_for(
        provider,
        old.item,
        issued_on=TODAY,
        expires_on=TODAY + dt.timedelta(days=365),
        status=EvidenceStatus.SUBMITTED,
    )
    standing = status_of(provider)
    assert standing.status == ProviderStatus.SUSPENDED
    assert standing.waiting == 1


def test_the_newest_approved_evidence_is_the_one_in_force(provider):
    old = set_expiry(provider, INSURANCE, TODAY - dt.timedelta(days=1))
    evidence_for(provider, old.item, issued_on=TODAY, expires_on=TODAY + dt.timedelta(days=365))
    assert status_of(provider).status == ProviderStatus.APPROVED


@pytest.mark.parametrize(
    ("rating", "status"),
    [(Rating.RED, ProviderStatus.SUSPENDED), (Rating.AMBER, ProviderStatus.CONDITIONS)],
)
def test_the_latest_review_rating_counts_per_area(provider, rating, status):
    review_for(provider, held_on=TODAY, ratings={"transport": rating})
    standing = status_of(provider)
    assert next(a for a in standing.areas if a.area.key == "transport").rating == rating
    assert standing.status == status


def test_only_the_latest_review_counts(provider):
    review_for(provider, held_on=TODAY - dt.timedelta(days=30), ratings={"gdpr": Rating.RED})
    # The fixture's review (a week ago, all green) is the latest.
    assert status_of(provider).status == ProviderStatus.APPROVED


@pytest.mark.parametrize(
    ("days_since", "status"),
    [(120, ProviderStatus.APPROVED), (121, ProviderStatus.CONDITIONS)],
)
def test_an_overdue_termly_review_puts_conditions(cast, areas, days_since, status):
    record = approved_provider(cast.provider, today=TODAY, reviewed=False)
    review_for(record, held_on=TODAY - dt.timedelta(days=days_since))
    assert status_of(record).status == status


@pytest.mark.parametrize(
    ("rating", "status"),
    [
        (Rating.GREEN, ProviderStatus.APPROVED),
        (Rating.AMBER, ProviderStatus.CONDITIONS),
        (Rating.RED, ProviderStatus.SUSPENDED),
    ],
)
def test_the_last_site_visit_counts(provider, rating, status):
    Visit.objects.create(
        provider=provider, scheduled_on=TODAY, visited_on=TODAY, rating=rating, findings="Seen."
    )
    assert status_of(provider).status == status


def test_only_the_last_site_visit_counts(provider):
    Visit.objects.create(
        provider=provider,
        scheduled_on=TODAY - dt.timedelta(days=60),
        visited_on=TODAY - dt.timedelta(days=60),
        rating=Rating.RED,
        findings="Seen.",
    )
    Visit.objects.create(
        provider=provider, scheduled_on=TODAY, visited_on=TODAY, rating=Rating.GREEN, findings="."
    )
    assert status_of(provider).status == ProviderStatus.APPROVED


def test_of_two_approved_on_one_day_the_one_entered_last_is_in_force(provider):
    old = set_expiry(provider, INSURANCE, TODAY + dt.timedelta(days=365))
    evidence_for(
        provider, old.item, issued_on=old.issued_on, expires_on=TODAY - dt.timedelta(days=1)
    )
    assert status_of(provider).status == ProviderStatus.SUSPENDED


def test_an_area_with_no_evidence_items_yet_is_green(provider):
    ComplianceArea.objects.create(key="new-area", name="A new area", short_name="New")
    standing = status_of(provider)
    assert next(a for a in standing.areas if a.area.key == "new-area").rating == Rating.GREEN
    assert standing.status == ProviderStatus.APPROVED


def test_a_planned_visit_not_recorded_after_its_date_puts_conditions(provider):
    Visit.objects.create(provider=provider, scheduled_on=TODAY)
    assert status_of(provider).status == ProviderStatus.APPROVED
    assert status_of(provider, today=TODAY + dt.timedelta(days=1)).status == (
        ProviderStatus.CONDITIONS
    )


def test_standings_take_the_same_queries_for_3_or_12_providers(areas):
    def count(n: int) -> int:
        records = [approved_provider(ProviderFactory(), today=TODAY) for _ in range(n)]
        for record in records:
            Visit.objects.create(provider=record, scheduled_on=TODAY)
        ids = [r.pk for r in records]
        with CaptureQueriesContext(connection) as queries:
            standings(ProviderRecord.objects.filter(pk__in=ids), today=TODAY)
        return len(queries)

    assert count(3) == count(12)


def test_today_defaults_to_the_local_date(cast, areas):
    record = approved_provider(cast.provider)
    set_expiry(record, INSURANCE, timezone.localdate() - dt.timedelta(days=1))
    assert provider_standing(record.organisation)[0] == ProviderStatus.SUSPENDED
