"""Monitoring officers' visits: which status may follow which, and when the next visit of a
placement is due.

The rule is data (placement-rules.yaml, visit_intervals): a kind of visit is either due
once in each half term ("half_term") or only when planned ("planned"). A half term is one
half of a term of the calendar (programmes.Term): from the term's start to the day before
its half-term holiday, and from the day after the holiday to the term's end; a term with no
half-term holiday is one half. For a placement, each half it is open in is a window (cut to
the placement's first and last days); the window's visit is due by its last working day. A
window is met by a visit that happened in it. Holidays between halves are in no window: a
visit then counts for nothing, and nothing is due in them.

A placement is overdue when the latest window that has ended (before today) had no visit
and none has happened since; a visit after the window closes clears it, because the officer
has now seen the student, but it does not count for the window it fell in if that window is
already over. Its next due date is then that window's; otherwise the current or next
window's, unless a visit already met it, in which case the one after.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from lib.dates import is_working_day
from placements import schedule
from placements.models import VisitKind, VisitStatus

HALF_TERM = "half_term"
PLANNED = "planned"

# The one table of what a visit may become (STYLE.md rule 6): a planned visit is recorded
# once, as having happened or not; a recorded visit is never changed.
TRANSITIONS: dict[str, frozenset[str]] = {
    VisitStatus.PLANNED: frozenset({VisitStatus.HAPPENED, VisitStatus.DID_NOT_HAPPEN}),
    VisitStatus.HAPPENED: frozenset(),
    VisitStatus.DID_NOT_HAPPEN: frozenset(),
}
OPEN = frozenset(status for status, onward in TRANSITIONS.items() if onward)


def intervals() -> dict[str, str]:
    """The interval of each kind of visit, from placement-rules.yaml; checked, so that a
    mistake in the file is found at the first page that reads it, not silently ignored."""
    found = schedule.rules().get("visit_intervals") or {}
    unknown = set(found) - set(VisitKind.values)
    bad = {kind: value for kind, value in found.items() if value not in (HALF_TERM, PLANNED)}
    if unknown or bad:
        raise ValueError(
            f"placement-rules.yaml visit_intervals: unknown kinds {sorted(unknown)}, "
            f"unknown intervals {bad}; use {HALF_TERM} or {PLANNED}"
        )
    return {kind: found.get(kind, PLANNED) for kind in VisitKind.values}


def regular_kinds() -> list[str]:
    """The kinds of visit due once each half term."""
    return [kind for kind, every in intervals().items() if every == HALF_TERM]


def rule_words() -> str:
    """The rule in words, for the pages that apply it."""
    labels = {
        "setting": "a visit at the setting",
        "home": "home visits",
        "one_to_one": "one-to-one sessions",
    }
    every = intervals()
    regular = [labels[k] for k, v in every.items() if v == HALF_TERM]
    planned = [labels[k] for k, v in every.items() if v == PLANNED]
    words = []
    if regular:
        words.append(
            f"{' or '.join(regular)} is due once in each half term the placement is open in, "
            "by the half term's last working day"
        )
    if planned:
        words.append(f"{' and '.join(planned)} are due on the day they are planned for")
    text = "; ".join(words)
    return f"{text[:1].upper()}{text[1:]}."


def halves(terms: Iterable) -> list[tuple[dt.date, dt.date]]:
    """The half terms of the calendar, in date order, as (first day, last day)."""
    found = []
    for term in terms:
        if term.half_term_starts_on and term.half_term_ends_on:
            found.append((term.starts_on, term.half_term_starts_on - dt.timedelta(days=1)))
            found.append((term.half_term_ends_on + dt.timedelta(days=1), term.ends_on))
        else:
            found.append((term.starts_on, term.ends_on))
    return sorted(found)


def last_working_day(first: dt.date, last: dt.date) -> dt.date:
    """The last working day from `first` to `last` (or `last` if none is)."""
    day = last
    while day > first and not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Due:
    """When a placement's regular visit is due. `overdue_since` is the due date that passed
    with no visit (None when nothing is overdue); `next_on` the date the next visit is due
    by (the overdue one while it is overdue; None when no window is left)."""

    overdue_since: dt.date | None
    next_on: dt.date | None

    @property
    def is_overdue(self) -> bool:
        return self.overdue_since is not None


def due(
    *,
    starts_on: dt.date,
    last_day: dt.date,
    halves: list[tuple[dt.date, dt.date]],
    visited_on: Iterable[dt.date],
    today: dt.date,
) -> Due:
    """When the placement's next regular visit is due, given the days a regular visit
    happened (module docstring)."""
    days = sorted(set(visited_on))
    windows = [
        (max(first, starts_on), last_working_day(max(first, starts_on), min(last, last_day)))
        for first, last in halves
        if first <= last_day and last >= starts_on
    ]

    def met(first: dt.date, last: dt.date) -> bool:
        return any(first <= day <= last for day in days)

    ended = [w for w in windows if w[1] < today]
    if ended:
        first, last = ended[-1]
        if not any(day >= first for day in days):
            return Due(overdue_since=last, next_on=last)
    for first, last in windows:
        if last >= today and not met(first, last):
            return Due(overdue_since=None, next_on=last)
    return Due(overdue_since=None, next_on=None)
