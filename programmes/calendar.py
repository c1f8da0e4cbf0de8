"""School days and teaching weeks, from the term dates (programmes.Term) and the bank
holidays (lib.dates).

A **teaching week** is a Monday-to-Friday week with at least one school day in it: a
half-term week, a holiday week and a week outside the loaded terms do not count, and a
week cut short by a bank holiday or the end of a term still does. Lengths in the model of
support ("a 10-week Refocus placement", "a 12-week course") are lengths in teaching weeks:
Refocus's Cohort 1 runs from Monday 6 October to Friday 19 December 2025, 10 teaching weeks
across an October half term.

Pure: a Calendar is built once from terms already loaded, so a page or a statement can ask
about hundreds of placements without a query per day or per week.
"""

import bisect
import datetime as dt
from collections.abc import Iterable

from lib.dates import is_working_day


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class Calendar:
    """School days from the term dates: a weekday, not a bank holiday, inside a term and
    outside its half term. The calendar knows the days from the first loaded term's start
    to the last one's end; it cannot say whether a day past them is a school day."""

    def __init__(self, terms: Iterable):
        self.terms = sorted(terms, key=lambda t: t.starts_on)
        self._known: dict[dt.date, bool] = {}  # asked for every session of every student
        self._weeks: list[tuple[dt.date, dt.date, dt.date]] | None = None

    # --- School days ---------------------------------------------------------------------

    def is_school_day(self, day: dt.date) -> bool:
        if day not in self._known:
            self._known[day] = self._is_school_day(day)
        return self._known[day]

    def _is_school_day(self, day: dt.date) -> bool:
        if not is_working_day(day):
            return False
        for term in self.terms:
            if term.starts_on <= day <= term.ends_on:
                return not (
                    term.half_term_starts_on
                    and term.half_term_ends_on
                    and term.half_term_starts_on <= day <= term.half_term_ends_on
                )
        return False

    @property
    def first_day(self) -> dt.date | None:
        return self.terms[0].starts_on if self.terms else None

    @property
    def last_day(self) -> dt.date | None:
        return max(t.ends_on for t in self.terms) if self.terms else None

    def covers(self, day: dt.date) -> bool:
        """Whether the loaded terms reach far enough to say what `day` is."""
        return bool(self.terms) and self.first_day <= day <= self.last_day

    # --- Teaching weeks ------------------------------------------------------------------

    def _teaching_weeks(self) -> list[tuple[dt.date, dt.date, dt.date]]:
        """(Monday, first school day, last school day) of every teaching week the terms
        hold, in order. Built on first use: one pass over the days of the loaded terms."""
        if self._weeks is None:
            weeks: dict[dt.date, list[dt.date]] = {}
            for term in self.terms:
                day = term.starts_on
                while day <= term.ends_on:
                    if self.is_school_day(day):
                        weeks.setdefault(monday_of(day), []).append(day)
                    day += dt.timedelta(days=1)
            self._weeks = [(monday, min(days), max(days)) for monday, days in sorted(weeks.items())]
            self._mondays = [monday for monday, _, _ in self._weeks]
        return self._weeks

    def _first_week_index(self, start: dt.date) -> int | None:
        """The index of the first teaching week with a school day on or after `start`."""
        weeks = self._teaching_weeks()
        i = bisect.bisect_left(self._mondays, monday_of(start))
        if i < len(weeks) and weeks[i][0] == monday_of(start) and weeks[i][2] < start:
            i += 1  # the start falls after the last school day of its own week
        return i if i < len(weeks) else None

    def teaching_weeks_between(self, first: dt.date, last: dt.date) -> int:
        """How many teaching weeks have a school day from `first` to `last`, both included."""
        if last < first:
            return 0
        weeks = self._teaching_weeks()
        i = self._first_week_index(first)
        if i is None:
            return 0
        j = bisect.bisect_right(self._mondays, monday_of(last))
        count = j - i
        if count > 0 and weeks[j - 1][1] > last:
            count -= 1  # the last week's school days all fall after `last`
        return max(count, 0)

    def teaching_week(self, start: dt.date, n: int) -> tuple[dt.date, dt.date] | None:
        """(First school day, last school day) of the `n`th teaching week counted from
        `start` (week 1 holds the first school day on or after `start`, and begins no
        earlier than `start`); None when the loaded terms do not reach that week."""
        if n < 1:
            raise ValueError("Teaching weeks count from 1")
        i = self._first_week_index(start)
        if i is None or i + n - 1 >= len(self._weeks or ()):
            return None
        _, first, last = self._weeks[i + n - 1]
        return (max(first, start) if n == 1 else first), last

    def last_school_day_of_week(self, start: dt.date, n: int) -> dt.date | None:
        """The last school day of the `n`th teaching week from `start`: where a placement of
        `n` weeks starting on `start` ends. None when the loaded terms do not reach it."""
        week = self.teaching_week(start, n)
        return week[1] if week else None

    def teaching_week_number(self, start: dt.date, day: dt.date) -> int | None:
        """Which teaching week from `start` holds `day` (1 for the first), or None when
        `day` is before the start or in a week with no school day (half term, a holiday)."""
        if day < start:
            return None
        i = self._first_week_index(start)
        if i is None:
            return None
        j = bisect.bisect_left(self._mondays, monday_of(day))
        if j >= len(self._weeks) or self._weeks[j][0] != monday_of(day):
            return None
        return j - i + 1 if j >= i else None
