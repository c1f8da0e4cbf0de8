"""A statement is worked out in the same number of queries whatever its number of
placements: the money benchmark (bench/finance.py) found a query for each line's student."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance import selectors
from finance.models import Party
from finance.tests.factories import make_course, make_tier1, make_year, placed, term


def _queries(organisation, party, autumn) -> int:
    with CaptureQueriesContext(connection) as queries:
        draft = selectors.statement_draft(organisation, party, autumn)
    assert draft.lines
    return len(queries)


def test_a_statement_takes_the_same_queries_for_one_placement_or_many(cast):
    year = make_year()
    autumn = term(year, "Autumn term")
    course = make_course(make_tier1(year), cast.provider)

    def place():
        placed(
            course=course,
            school=cast.school_a,
            by=cast.officer,
            starts_on=dt.date(2025, 9, 8),
            planned_end_on=dt.date(2025, 11, 28),
        )

    place()
    one = {party: _queries(org, party, autumn) for org, party in _parties(cast)}
    for _ in range(4):
        place()
    assert {party: _queries(org, party, autumn) for org, party in _parties(cast)} == one


def _parties(cast):
    return [(cast.school_a, Party.SCHOOL), (cast.provider, Party.PROVIDER)]
