import datetime as dt

import pytest

from lib.dates import (
    WrittenDate,
    _bank_holidays_in,
    add_working_days,
    bank_holiday_name,
    bank_holidays_by_rule,
    bank_holidays_by_rule_from,
    bundled_bank_holidays_end,
    duration_words,
    is_working_day,
    moment_words,
    monday_nearest,
    working_days_between,
    year_group,
)
from lib.forms import TimeField


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
    ("day", "name"),
    [
        # Easter: Good Friday and Easter Monday move with the moon.
        (dt.date(2029, 3, 30), "Good Friday"),
        (dt.date(2029, 4, 2), "Easter Monday"),
        (dt.date(2030, 4, 19), "Good Friday"),
        (dt.date(2030, 4, 22), "Easter Monday"),
        (dt.date(2031, 4, 11), "Good Friday"),
        (dt.date(2031, 4, 14), "Easter Monday"),
        # Christmas: a Tuesday and Wednesday in 2029, Wednesday and Thursday in 2030 and a
        # Thursday and Friday in 2031; New Year's Day 2030 is a Tuesday.
        (dt.date(2029, 12, 25), "Christmas Day"),
        (dt.date(2029, 12, 26), "Boxing Day"),
        (dt.date(2030, 1, 1), "New Year's Day"),
        (dt.date(2030, 12, 25), "Christmas Day"),
        (dt.date(2030, 12, 26), "Boxing Day"),
        (dt.date(2031, 12, 25), "Christmas Day"),
        (dt.date(2031, 12, 26), "Boxing Day"),
        # A weekend Christmas moves to the Monday and Tuesday after (2032).
        (dt.date(2032, 12, 27), "Christmas Day (observed)"),
        (dt.date(2032, 12, 28), "Boxing Day (observed)"),
    ],
)
def test_bank_holidays_beyond_the_bundled_data_are_worked_out_by_rule(day, name):
    assert day.year > bundled_bank_holidays_end().year, "the case is no longer beyond the data"
    assert bank_holiday_name(day) == name
    assert not is_working_day(day)


def test_working_days_across_christmas_and_easter_2029_to_2031():
    # Monday 24 December 2029 + 1: Christmas Day and Boxing Day are skipped.
    assert add_working_days(dt.date(2029, 12, 24), 1) == dt.date(2029, 12, 27)
    # Thursday 18 April 2030 + 1: Good Friday, the weekend and Easter Monday are skipped.
    assert add_working_days(dt.date(2030, 4, 18), 1) == dt.date(2030, 4, 23)
    # Wednesday 24 December 2031 to Friday 2 January 2032: 29, 30 and 31 December and
    # 2 January (Christmas, Boxing Day and New Year's Day are not working days).
    assert working_days_between(dt.date(2031, 12, 24), dt.date(2032, 1, 2)) == 4
    # The May and August Mondays of 2030.
    assert not is_working_day(dt.date(2030, 5, 6))
    assert not is_working_day(dt.date(2030, 5, 27))
    assert not is_working_day(dt.date(2030, 8, 26))
    assert is_working_day(dt.date(2030, 8, 27))


def test_the_rule_agrees_with_the_bundled_data_for_years_without_a_one_off_holiday():
    # The rule is what replaces the data; where both exist they must say the same.
    # (2020, 2022 and 2023 had one-off holidays that only the announced data has.)
    for year in range(2024, bundled_bank_holidays_end().year + 1):
        assert set(_bank_holidays_in(year)) == set(bank_holidays_by_rule(year)), year


def test_the_cap_manager_is_warned_a_year_before_the_bundled_data_ends():
    end = bundled_bank_holidays_end()
    first_by_rule = end + dt.timedelta(days=1)
    assert bank_holidays_by_rule_from(end - dt.timedelta(days=400)) is None
    assert bank_holidays_by_rule_from(end - dt.timedelta(days=300)) == first_by_rule
    assert bank_holidays_by_rule_from(first_by_rule + dt.timedelta(days=10)) == first_by_rule


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


@pytest.mark.parametrize(("hour", "shown"), [(12, "12pm"), (0, "12am"), (9, "9am")])
def test_a_time_box_shows_a_time_it_reads_back(hour, shown):
    """A form shown again with its saved time must be savable unchanged: the box holds
    "12pm", not "midday" (which it also reads, as people write it)."""
    field = TimeField(label="Start time")
    assert field.prepare_value(dt.time(hour)) == shown
    assert field.clean(shown) == dt.time(hour)
    assert field.clean("midday") == dt.time(12) and field.clean("Midnight") == dt.time(0)
