import datetime as dt

import pytest

from lib.dates import (
    WrittenDate,
    add_working_days,
    bank_holiday_name,
    duration_words,
    is_working_day,
    moment_words,
    monday_nearest,
    year_group,
)


def test_a_written_date_keeps_the_weekday_it_was_given():
    written = WrittenDate("Tuesday 22 October 2025")
    assert written.date == dt.date(2025, 10, 22)
    assert written.weekday == "Tuesday"
    assert not written.weekday_matches
    assert WrittenDate("Wednesday 22 October 2025").weekday_matches
    assert WrittenDate("22 October 2025").weekday_matches


@pytest.mark.parametrize(
    "text", ["22/10/2025", "Someday 1 May 2026", "31 September 2025", "1 Smarch 2026"]
)
def test_a_date_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError):
        WrittenDate(text)


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    # Christmas Day is a Friday; Boxing Day's substitute is Monday 28 December 2026.
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 11, 27), 3) == dt.date(2026, 12, 2)
    assert bank_holiday_name(dt.date(2026, 4, 3)) == "Good Friday"
    assert not is_working_day(dt.date(2026, 5, 25))
    assert is_working_day(dt.date(2026, 11, 30))


@pytest.mark.parametrize(
    ("born", "year_starting", "group"),
    [
        (dt.date(2010, 9, 1), 2025, 10),  # the oldest of their year
        (dt.date(2011, 8, 31), 2025, 10),  # the youngest of the same year
        (dt.date(2011, 9, 1), 2025, 9),
        (dt.date(2011, 8, 31), 2026, 11),
        (dt.date(2015, 1, 15), 2025, 6),
    ],
)
def test_year_group_follows_the_september_to_august_school_year(born, year_starting, group):
    assert year_group(born, year_starting) == group


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (dt.date(2025, 9, 1), dt.date(2025, 9, 1)),  # a Monday
        (dt.date(2026, 9, 1), dt.date(2026, 8, 31)),  # a Tuesday
        (dt.date(2027, 9, 2), dt.date(2027, 8, 30)),  # a Thursday
        (dt.date(2028, 9, 1), dt.date(2028, 9, 4)),  # a Friday
        (dt.date(2029, 9, 1), dt.date(2029, 9, 3)),  # a Saturday
    ],
)
def test_monday_nearest_is_never_more_than_three_days_away(day, monday):
    assert monday_nearest(day) == monday


def test_working_days_run_across_christmas_and_easter():
    # Christmas 2026: Friday 25 is Christmas Day, Monday 28 the Boxing Day substitute.
    assert add_working_days(dt.date(2026, 12, 23), 2) == dt.date(2026, 12, 29)
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    assert add_working_days(dt.date(2027, 3, 25), 1) == dt.date(2027, 3, 30)
    # A withdrawal on a Friday is due five working days later, the next Friday.
    assert add_working_days(dt.date(2026, 11, 27), 5) == dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (12 * 3600, "12 hours"),
        (3600, "1 hour"),
        (30 * 60, "30 minutes"),
        (90 * 60, "90 minutes"),
        (60, "1 minute"),
        (125, "2 minutes"),
        (45, "45 seconds"),
        (1, "1 second"),
    ],
)
def test_a_duration_is_said_as_people_say_it(seconds, words):
    assert duration_words(seconds) == words


def test_a_moment_is_written_in_london_the_govuk_way():
    summer = dt.datetime(2026, 7, 1, 12, 5, tzinfo=dt.UTC)  # 1:05pm in London
    assert moment_words(summer) == "1 July 2026 at 1:05pm"
    assert moment_words(dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)) == ("6 December 2026 at 9am")
