"""When a placement's regular visit is due, across a half term (placements.visits)."""

import datetime as dt

import pytest

from placements import schedule, visits
from placements.visits import Due, due

D = dt.date
# Spring 2026 as the tests' calendar has it: 5 January to 27 March, half term 16 to 20
# February. Its halves end on Sunday 15 February (last working day Friday 13) and 27 March.
SPRING = [(D(2026, 1, 5), D(2026, 2, 15)), (D(2026, 2, 21), D(2026, 3, 27))]


START, LAST = D(2026, 1, 12), D(2026, 3, 20)


def when(today, visited=(), starts_on=START, last_day=LAST):
    return due(
        starts_on=starts_on, last_day=last_day, halves=SPRING, visited_on=visited, today=today
    )


def test_the_first_visit_is_due_by_the_last_working_day_before_half_term():
    assert when(D(2026, 2, 2)) == Due(overdue_since=None, next_on=D(2026, 2, 13))


def test_after_half_term_a_half_with_no_visit_is_overdue_from_its_last_working_day():
    result = when(D(2026, 2, 23))
    assert result.is_overdue
    assert result == Due(overdue_since=D(2026, 2, 13), next_on=D(2026, 2, 13))


def test_a_visit_in_the_first_half_moves_the_due_date_to_the_placements_last_day():
    assert when(D(2026, 2, 23), [D(2026, 2, 5)]) == Due(None, D(2026, 3, 20))


def test_a_visit_during_the_holiday_clears_the_overdue_half_but_counts_for_neither():
    assert when(D(2026, 2, 23), [D(2026, 2, 18)]) == Due(None, D(2026, 3, 20))


def test_a_visit_in_the_last_half_leaves_nothing_due():
    assert when(D(2026, 2, 25), [D(2026, 2, 5), D(2026, 2, 24)]) == Due(None, None)


def test_a_late_visit_after_half_term_stops_it_being_overdue():
    assert when(D(2026, 3, 2), [D(2026, 2, 24)]) == Due(None, None)


def test_on_the_due_date_itself_it_is_not_yet_overdue():
    assert when(D(2026, 2, 13)) == Due(None, D(2026, 2, 13))


def test_a_placement_starting_after_half_term_is_due_only_in_its_own_halves():
    result = when(D(2026, 2, 23), starts_on=D(2026, 2, 23))
    assert result == Due(None, D(2026, 3, 20))


def test_a_term_without_a_half_term_is_one_half():
    class Term:
        starts_on, ends_on = D(2026, 4, 13), D(2026, 7, 17)
        half_term_starts_on = half_term_ends_on = None

    assert visits.halves([Term]) == [(D(2026, 4, 13), D(2026, 7, 17))]


def test_the_intervals_come_from_the_rules_file():
    assert visits.intervals() == {
        "setting": "half_term",
        "home": "planned",
        "one_to_one": "planned",
    }
    assert visits.regular_kinds() == ["setting"]
    assert "half term" in visits.rule_words()


def test_a_mistake_in_the_rules_file_is_refused_not_ignored(monkeypatch):
    monkeypatch.setattr(schedule, "rules", lambda: {"visit_intervals": {"home": "fortnightly"}})
    with pytest.raises(ValueError, match="fortnightly"):
        visits.intervals()
