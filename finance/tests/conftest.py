"""The year and the scenario most of money's tests work on."""

import datetime as dt

import pytest

from finance import services
from finance.models import Party
from finance.tests.factories import (
    make_course,
    make_tier1,
    make_year,
    placed,
    term,
    withdrawn,
)
from placements.services import placement_exit
from programmes.models import Subscription


@pytest.fixture
def year(db):
    return make_year()


@pytest.fixture
def scenario(cast, year):
    """School A subscribes with one paid-for Tier 1 placement, at £12,000.00.

    p1  £1,200.00, 8 September to 28 November 2025: 11 school weeks planned (half term is
        not one), ended on Friday 3 October after 4: £1,200.00 × 4 ⁄ 11 = £436.3636…,
        £436.36 to the nearest penny. The first set up: within the allowance.
    p2  £900.00 from 3 November 2025 to 13 February 2026: the second, past the allowance
        (£250.00 on top); its fee is cut to £800.00 in the spring (a £100.00 credit).
    w   a £600.00 place withdrawn on 10 November 2025 before it started: £50.00.
    """
    programme = make_tier1(year)
    course = make_course(programme, cast.provider, fee="1200.00")
    cheaper = make_course(programme, cast.provider, fee="900.00", title="Catering")
    spare = make_course(programme, cast.provider, fee="600.00", title="Hair and beauty")
    Subscription.objects.create(
        school=cast.school_a,
        year=year,
        tier1_placements=1,
        price_pence=1_200_000,
        signed_on=dt.date(2025, 9, 15),
        signed_by="Dr Helen Okafor, headteacher",
    )
    p1 = placed(
        course=course,
        school=cast.school_a,
        by=cast.officer,
        starts_on=dt.date(2025, 9, 8),
        planned_end_on=dt.date(2025, 11, 28),
    )
    p1 = placement_exit(
        placement=p1,
        ended_on=dt.date(2025, 10, 3),
        outcome="returned",
        detail="",
        version=p1.version,
        by=cast.officer,
    )
    p2 = placed(
        course=cheaper,
        school=cast.school_a,
        by=cast.officer,
        starts_on=dt.date(2025, 11, 3),
        planned_end_on=dt.date(2026, 2, 13),
    )
    w = withdrawn(course=spare, school=cast.school_a, by=cast.alice, on=dt.date(2025, 11, 10))
    return p1, p2, w


@pytest.fixture
def autumn(cast, year, scenario):
    """The autumn term, its statements issued for school A and Provider P."""
    autumn = term(year, "Autumn term")
    for organisation, party in ((cast.school_a, Party.SCHOOL), (cast.provider, Party.PROVIDER)):
        services.statement_issue(
            organisation=organisation, party=party, term=autumn, by=cast.finance
        )
    return autumn
