"""The one order for scarce places: subscribing schools first on a programme that gives them
priority (Coventry's Tier 2: Insight and Flourish), then the earliest referred, then the older
record; the Python rule and the SQL rule agree."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from applications.models import Application
from applications.priority import (
    ANNOTATION,
    by_priority,
    gives_priority,
    in_order,
    reasons,
    standing,
)
from applications.tests.factories import subscribe
from applications.workflow import Status
from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

NOON = dt.time(12)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, NOON))


def _application(cast, programme, school, referred: dt.datetime | None) -> Application:
    return Application.objects.create(
        student=StudentFactory(home_school=school),
        school=school,
        programme=programme,
        created_by=cast.alice,
        status=Status.SUBMITTED if referred else Status.DRAFT,
        submitted_at=referred,
    )


def test_the_model_gives_priority_on_tier_2_insight_and_flourish_only(programmes):
    giving = {key for key, p in programmes.items() if gives_priority(p)}
    assert giving == {"insight", "flourish"}
    assert {programmes[key].tier.number for key in giving} == {2}
    assert not gives_priority(None)


def test_a_subscribing_school_comes_first_on_a_programme_that_gives_priority(programmes):
    insight = programmes["insight"]
    earlier = standing(
        programme=insight, subscribed=False, referred_at=_at(dt.date(2026, 1, 5)), pk=1
    )
    later = standing(programme=insight, subscribed=True, referred_at=_at(dt.date(2026, 3, 9)), pk=2)
    assert later.priority and not earlier.priority
    assert in_order([earlier, later], lambda s: s) == [later, earlier]


@pytest.mark.parametrize("key", ["work-based-learning", "year-11-post-16", "refocus", "focus-11"])
def test_no_priority_on_tier_1_and_tier_3_programmes_only_the_date(programmes, key):
    programme = programmes[key]
    assert programme.tier.number in (1, 3)
    earlier = standing(
        programme=programme, subscribed=False, referred_at=_at(dt.date(2026, 1, 5)), pk=2
    )
    later = standing(
        programme=programme, subscribed=True, referred_at=_at(dt.date(2026, 3, 9)), pk=1
    )
    assert not later.priority
    assert in_order([later, earlier], lambda s: s) == [earlier, later]


def test_a_programme_without_priority_orders_by_date_even_at_tier_2(programmes):
    flourish = programmes["flourish"]
    flourish.subscriber_priority = False
    assert not standing(programme=flourish, subscribed=True, referred_at=None, pk=1).priority


def test_ties_go_to_the_older_record_and_the_unreferred_come_last(programmes):
    insight = programmes["insight"]
    same = _at(dt.date(2026, 2, 2))
    first = standing(programme=insight, subscribed=True, referred_at=same, pk=3)
    second = standing(programme=insight, subscribed=True, referred_at=same, pk=7)
    unreferred = standing(programme=insight, subscribed=True, referred_at=None, pk=1)
    assert in_order([unreferred, second, first], lambda s: s) == [first, second, unreferred]


def test_the_sql_order_is_the_python_order(cast, year, programmes):
    """Every mix of programme (priority or not), agreement and date, with ties: the
    queryset a page reads comes out in the order the rule gives."""
    subscribe(cast.school_a, year)
    days = [_at(dt.date(2026, 1, 5)), _at(dt.date(2026, 1, 5)), _at(dt.date(2026, 2, 9))]
    made = [
        _application(cast, programmes[key], school, referred)
        for key, school, referred in itertools.product(
            ["insight", "flourish", "work-based-learning"], [cast.school_a, cast.school_b], days
        )
    ]
    subscribed = {cast.school_a.pk}
    for programme_key in ("insight", "work-based-learning"):
        rows = [a for a in made if a.programme.key == programme_key]
        expected = in_order(
            rows,
            lambda a: standing(
                programme=a.programme,
                subscribed=a.school_id in subscribed,
                referred_at=a.submitted_at,
                pk=a.pk,
            ),
        )
        got = list(by_priority(Application.objects.filter(pk__in=[a.pk for a in rows])))
        assert [a.pk for a in got] == [a.pk for a in expected]
        assert [getattr(a, ANNOTATION) for a in got] == [
            programme_key == "insight" and a.school_id in subscribed for a in got
        ]
    # Across programmes at once, too.
    everything = list(by_priority(Application.objects.filter(pk__in=[a.pk for a in made])))
    assert [a.pk for a in everything] == [
        a.pk
        for a in in_order(
            made,
            lambda a: standing(
                programme=a.programme,
                subscribed=a.school_id in subscribed,
                referred_at=a.submitted_at,
                pk=a.pk,
            ),
        )
    ]


def test_the_sql_order_puts_an_unreferred_application_last(cast, year, programmes):
    unreferred = _application(cast, programmes["insight"], cast.school_a, None)
    referred = _application(cast, programmes["insight"], cast.school_a, _at(dt.date(2026, 1, 5)))
    assert list(by_priority(Application.objects.all())) == [referred, unreferred]


def test_the_reasons_name_the_agreement_and_the_date(cast, year, programmes):
    application = _application(
        cast, programmes["insight"], cast.school_a, _at(dt.date(2025, 11, 3))
    )
    first_year = year.starts_on.year
    assert reasons(application, priority=True) == [
        f"Priority: School A has the service level agreement for {first_year} to {first_year + 1}",
        "Referred 3 November 2025",
    ]
    assert reasons(application, priority=False) == ["Referred 3 November 2025"]
