"""Teaching weeks from the term dates (programmes.calendar): pure, over unsaved terms."""

import datetime as dt

import pytest

from programmes.calendar import Calendar
from programmes.models import Term

AUTUMN = Term(
    name="Autumn",
    starts_on=dt.date(2025, 9, 2),
    ends_on=dt.date(2025, 12, 19),
    half_term_starts_on=dt.date(2025, 10, 27),
    half_term_ends_on=dt.date(2025, 10, 31),
)
SPRING = Term(
    name="Spring",
    starts_on=dt.date(2026, 1, 5),
    ends_on=dt.date(2026, 3, 27),
    half_term_starts_on=dt.date(2026, 2, 16),
    half_term_ends_on=dt.date(2026, 2, 20),
)
SUMMER = Term(
    name="Summer",
    starts_on=dt.date(2026, 4, 13),
    ends_on=dt.date(2026, 7, 21),
    half_term_starts_on=dt.date(2026, 5, 25),
    half_term_ends_on=dt.date(2026, 5, 29),
)


@pytest.fixture
def calendar():
    return Calendar([SUMMER, AUTUMN, SPRING])  # any order


def test_half_term_and_holiday_weeks_are_not_teaching_weeks(calendar):
    # 6 October to 19 December 2025 spans 11 calendar weeks, one of them half term.
    assert calendar.teaching_weeks_between(dt.date(2025, 10, 6), dt.date(2025, 12, 19)) == 10
    # Over Christmas: the weeks of 15 December and 5 January only.
    assert calendar.teaching_weeks_between(dt.date(2025, 12, 15), dt.date(2026, 1, 9)) == 2
    assert calendar.teaching_weeks_between(dt.date(2025, 12, 22), dt.date(2026, 1, 2)) == 0
    assert calendar.teaching_weeks_between(dt.date(2025, 12, 19), dt.date(2025, 12, 15)) == 0


def test_a_week_shortened_by_a_bank_holiday_or_a_term_edge_still_counts(calendar):
    # Monday 4 May 2026 is a bank holiday; the term starts on Tuesday 2 September 2025.
    assert calendar.teaching_weeks_between(dt.date(2026, 5, 4), dt.date(2026, 5, 8)) == 1
    assert calendar.teaching_weeks_between(dt.date(2025, 9, 1), dt.date(2025, 9, 5)) == 1
    assert calendar.last_school_day_of_week(dt.date(2026, 5, 4), 1) == dt.date(2026, 5, 8)
    assert calendar.teaching_week(dt.date(2026, 5, 4), 1) == (
        dt.date(2026, 5, 5),
        dt.date(2026, 5, 8),
    )


def test_the_last_school_day_of_the_nth_teaching_week(calendar):
    assert calendar.last_school_day_of_week(dt.date(2025, 10, 6), 10) == dt.date(2025, 12, 19)
    assert calendar.last_school_day_of_week(dt.date(2026, 1, 12), 10) == dt.date(2026, 3, 27)
    assert calendar.last_school_day_of_week(dt.date(2026, 4, 27), 10) == dt.date(2026, 7, 10)
    assert calendar.last_school_day_of_week(dt.date(2026, 1, 12), 12) == dt.date(2026, 4, 24)
    # The summer term ends on a Tuesday: so does its last week.
    assert calendar.last_school_day_of_week(dt.date(2026, 4, 27), 12) == dt.date(2026, 7, 21)
    # A Friday start: its own week is week 1.
    assert calendar.last_school_day_of_week(dt.date(2025, 10, 24), 1) == dt.date(2025, 10, 24)
    assert calendar.last_school_day_of_week(dt.date(2025, 10, 24), 2) == dt.date(2025, 11, 7)
    # A start in the holidays counts from the first week back.
    assert calendar.last_school_day_of_week(dt.date(2025, 12, 27), 1) == dt.date(2026, 1, 9)


def test_no_answer_past_the_loaded_terms(calendar):
    assert calendar.last_school_day_of_week(dt.date(2026, 7, 13), 2) == dt.date(2026, 7, 21)
    assert calendar.last_school_day_of_week(dt.date(2026, 7, 13), 3) is None
    assert calendar.last_school_day_of_week(dt.date(2026, 9, 7), 1) is None
    assert Calendar([]).last_school_day_of_week(dt.date(2026, 1, 12), 1) is None
    assert not calendar.covers(dt.date(2026, 7, 22))
    assert calendar.covers(dt.date(2025, 12, 25))  # a holiday between loaded terms


def test_the_teaching_week_number_of_a_day(calendar):
    start = dt.date(2025, 10, 6)
    assert calendar.teaching_week_number(start, start) == 1
    assert calendar.teaching_week_number(start, dt.date(2025, 10, 24)) == 3
    assert calendar.teaching_week_number(start, dt.date(2025, 10, 28)) is None  # half term
    assert calendar.teaching_week_number(start, dt.date(2025, 11, 3)) == 4
    assert calendar.teaching_week_number(start, dt.date(2025, 12, 19)) == 10
    assert calendar.teaching_week_number(start, dt.date(2025, 12, 24)) is None
    assert calendar.teaching_week_number(start, dt.date(2026, 1, 5)) == 11
    assert calendar.teaching_week_number(start, dt.date(2025, 10, 3)) is None  # before


def test_school_days(calendar):
    assert calendar.is_school_day(dt.date(2025, 10, 24))
    assert not calendar.is_school_day(dt.date(2025, 10, 27))  # half term
    assert not calendar.is_school_day(dt.date(2025, 10, 25))  # a Saturday
    assert not calendar.is_school_day(dt.date(2026, 5, 4))  # a bank holiday
    assert not calendar.is_school_day(dt.date(2026, 1, 2))  # the holidays
