"""School weeks and the arithmetic of a fee, worked out by hand."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from finance.charges import SchoolWeeks, agreement_term, fee_due, rounded, withdrawal_due
from programmes.models import ChargingRules, EarlyExitCharge, Rounding, Term, WithdrawalCharge

AUTUMN = Term(
    pk=1,
    name="Autumn term",
    starts_on=dt.date(2025, 9, 2),
    ends_on=dt.date(2025, 12, 19),
    half_term_starts_on=dt.date(2025, 10, 27),
    half_term_ends_on=dt.date(2025, 10, 31),
)
SPRING = Term(
    pk=2,
    name="Spring term",
    starts_on=dt.date(2026, 1, 5),
    ends_on=dt.date(2026, 3, 27),
    half_term_starts_on=dt.date(2026, 2, 16),
    half_term_ends_on=dt.date(2026, 2, 20),
)
WEEKS = SchoolWeeks([AUTUMN, SPRING])


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        # Tuesday 2 September (the first day of term) to Friday 5 September: one week.
        ((2025, 9, 2), (2025, 9, 5), 1),
        # Wednesday to the next Tuesday: two weeks, each with school days.
        ((2025, 9, 10), (2025, 9, 16), 2),
        # 20 October to 7 November: half term is no school week.
        ((2025, 10, 20), (2025, 11, 7), 2),
        # The whole autumn term: 16 calendar weeks less half term.
        ((2025, 9, 1), (2025, 12, 19), 15),
        # Across Christmas: the holidays are no school weeks.
        ((2025, 12, 15), (2026, 1, 9), 2),
        # A weekend only, and an end before the start.
        ((2025, 9, 6), (2025, 9, 7), 0),
        ((2025, 9, 10), (2025, 9, 9), 0),
        # Within half term only.
        ((2025, 10, 27), (2025, 10, 31), 0),
    ],
)
def test_school_weeks(start, end, weeks):
    assert WEEKS.between(dt.date(*start), dt.date(*end)) == weeks


def rules(**fields) -> ChargingRules:
    return ChargingRules(**fields)


def placement(start, planned_end, ended=None):
    placement = SimpleNamespace(
        starts_on=dt.date(*start),
        planned_end_on=dt.date(*planned_end),
        ended_on=dt.date(*ended) if ended else None,
    )
    placement.last_day = placement.ended_on or placement.planned_end_on
    return placement


def test_an_early_end_costs_the_weeks_delivered():
    # 8 September to 28 November: 11 school weeks; ended 3 October after 4.
    early = placement((2025, 9, 8), (2025, 11, 28), (2025, 10, 3))
    by_weeks = rules(early_exit=EarlyExitCharge.WEEKS_DELIVERED, rounding=Rounding.NEAREST)
    assert fee_due(
        fee_pence=120000, placement=early, rules=by_weeks, weeks=WEEKS, to=AUTUMN.ends_on
    ) == (
        43636,
        4,
        11,
    )
    up = rules(early_exit=EarlyExitCharge.WEEKS_DELIVERED, rounding=Rounding.UP)
    assert (
        fee_due(fee_pence=120000, placement=early, rules=up, weeks=WEEKS, to=AUTUMN.ends_on)[0]
        == 43637
    )
    in_full = rules(early_exit=EarlyExitCharge.IN_FULL, rounding=Rounding.NEAREST)
    assert (
        fee_due(fee_pence=120000, placement=early, rules=in_full, weeks=WEEKS, to=AUTUMN.ends_on)[0]
        == 120000
    )


def test_a_placement_running_on_costs_the_whole_fee_and_counts_weeks_so_far():
    running = placement((2025, 11, 3), (2026, 2, 13))
    due = fee_due(
        fee_pence=90000,
        placement=running,
        rules=rules(early_exit=EarlyExitCharge.WEEKS_DELIVERED),
        weeks=WEEKS,
        to=AUTUMN.ends_on,
    )
    # 3 November to 19 December is 7 weeks; to 13 February, 6 more.
    assert due == (90000, 7, 13)


@pytest.mark.parametrize(
    ("amount", "rounding", "pence"),
    [
        ("43636.5", Rounding.NEAREST, 43637),
        ("43636.4999", Rounding.NEAREST, 43636),
        ("43636.01", Rounding.UP, 43637),
        ("43636.99", Rounding.DOWN, 43636),
    ],
)
def test_rounding_to_the_penny(amount, rounding, pence):
    assert rounded(Decimal(amount), rounding) == pence


def test_a_withdrawal_costs_what_the_year_says():
    assert (
        withdrawal_due(
            fee_pence=60000, rules=rules(withdrawn_before_start=WithdrawalCharge.NOTHING)
        )
        == 0
    )
    assert (
        withdrawal_due(
            fee_pence=60000, rules=rules(withdrawn_before_start=WithdrawalCharge.IN_FULL)
        )
        == 60000
    )
    fixed = rules(withdrawn_before_start=WithdrawalCharge.FIXED, withdrawal_charge_pence=5000)
    assert withdrawal_due(fee_pence=60000, rules=fixed) == 5000


def test_the_agreement_is_charged_in_its_term_or_when_signed_if_later():
    terms = [AUTUMN, SPRING]
    first = rules(agreement_charged_in=1)
    signed = SimpleNamespace(signed_on=dt.date(2025, 9, 15))
    assert agreement_term(signed, terms, first) == AUTUMN
    late = SimpleNamespace(signed_on=dt.date(2026, 1, 2))  # in the Christmas holiday
    assert agreement_term(late, terms, first) == SPRING
    unsigned = SimpleNamespace(signed_on=None)
    assert agreement_term(unsigned, terms, rules(agreement_charged_in=2)) == SPRING


def test_without_term_dates_a_placement_costs_the_whole_fee():
    early = placement((2027, 9, 6), (2027, 11, 26), (2027, 10, 1))
    by_weeks = rules(early_exit=EarlyExitCharge.WEEKS_DELIVERED)
    due = fee_due(fee_pence=120000, placement=early, rules=by_weeks, weeks=WEEKS, to=early.ended_on)
    assert due == (120000, None, None)
