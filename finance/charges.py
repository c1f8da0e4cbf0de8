"""What is due, worked out from the fees, the placements and each year's charging rules
(programmes.ChargingRules). Nothing here writes: statements (finance.services) issue what
these functions return, and the reconciliation test reproduces an issued statement from
them.

The rules, in order:
- A place's fee is charged on the statement of the term it starts in. A placement that
  ends before its planned end costs the whole fee, or the fee for the school weeks
  delivered out of the school weeks planned (rounded to the penny as the year says).
- A place withdrawn by the school after the provider offered it and before the start costs
  nothing, the whole fee, or a fixed charge, on the statement of the term it was withdrawn.
- A school pays the year's over-allowance charge for each Tier 1 placement past its
  service level agreement's paid-for placements (all of them, without an agreement), in
  the order the placements were set up, on the statement of the term it starts in.
- The agreement's price is charged in the term the year's rules name, or the term the
  school signed in if later.
- Whatever is due for a thing in all, less what earlier statements charged for it, is its
  line on this term's statement: a later change of fee, an early end or a new price comes
  out as a charge or a credit on the next statement, and every statement's total is the sum
  of its lines.
"""

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from programmes.calendar import Calendar
from programmes.models import (
    ChargingRules,
    EarlyExitCharge,
    Rounding,
    Term,
    WithdrawalCharge,
)

ROUNDINGS = {
    Rounding.NEAREST: ROUND_HALF_UP,
    Rounding.DOWN: ROUND_FLOOR,
    Rounding.UP: ROUND_CEILING,
}


class SchoolWeeks:
    """Counts school weeks (weeks with at least one school day) between two dates, from the
    term dates, in constant time per count: a statement counts them for every placement."""

    def __init__(self, terms: list[Term]):
        calendar = Calendar(terms)
        self.days: list[dt.date] = []
        if terms:
            day = min(t.starts_on for t in terms)
            last = max(t.ends_on for t in terms)
            while day <= last:
                if calendar.is_school_day(day):
                    self.days.append(day)
                day += dt.timedelta(days=1)
        # firsts[i]: how many of days[:i] are the first school day of their week.
        self.firsts = [0]
        for i, day in enumerate(self.days):
            first = i == 0 or _monday(self.days[i - 1]) != _monday(day)
            self.firsts.append(self.firsts[-1] + first)

    def between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return 0
        lo = bisect.bisect_left(self.days, start)
        hi = bisect.bisect_right(self.days, end)
        if lo >= hi:
            return 0
        # Each week's first school day in range starts a week; the first day in range may
        # fall mid-week, after its week's first school day.
        return self.firsts[hi] - self.firsts[lo + 1] + 1


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def rounded(amount: Decimal, rounding: str) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUNDINGS[rounding]))


@dataclass(frozen=True)
class Item:
    """One thing due to the end of a term, before what earlier statements charged for it."""

    kind: str  # finance.models.LineKind
    description: str
    due_pence: int
    in_total: bool = True
    placement: object = None
    application: object = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    weeks_delivered: int | None = None
    weeks_planned: int | None = None
    fee_pence: int | None = None
    shown: bool = True  # listed even when nothing is charged for it this term

    @property
    def key(self) -> tuple[str, int]:
        """What earlier statements' lines for the same thing are matched by."""
        return (self.kind, self.application.pk if self.application is not None else 0)


def fee_due(
    *, fee_pence: int, placement, rules: ChargingRules, weeks: SchoolWeeks, to: dt.date
) -> tuple[int, int | None, int | None]:
    """(due, weeks delivered up to `to`, weeks planned) for a placement's fee. Without term
    dates for its weeks there is nothing to count by: the whole fee, weeks unknown."""
    planned = weeks.between(placement.starts_on, placement.planned_end_on)
    if not planned:
        return fee_pence, None, None
    delivered = min(weeks.between(placement.starts_on, min(placement.last_day, to)), planned)
    ended_early = placement.ended_on is not None and placement.ended_on < placement.planned_end_on
    if (
        ended_early
        and placement.ended_on <= to
        and rules.early_exit == EarlyExitCharge.WEEKS_DELIVERED
    ):
        return rounded(Decimal(fee_pence) * delivered / planned, rules.rounding), delivered, planned
    return fee_pence, delivered, planned


def withdrawal_due(*, fee_pence: int, rules: ChargingRules) -> int:
    if rules.withdrawn_before_start == WithdrawalCharge.IN_FULL:
        return fee_pence
    if rules.withdrawn_before_start == WithdrawalCharge.FIXED:
        return rules.withdrawal_charge_pence
    return 0


def charged_in_term(day: dt.date, terms: list[Term]) -> Term | None:
    """The term whose statement carries something dated `day`: the term it falls in, or the
    next term when it falls in a holiday."""
    for term in terms:
        if day <= term.ends_on:
            return term
    return None


def agreement_term(subscription, terms: list[Term], rules: ChargingRules) -> Term | None:
    """The term whose statement charges the agreement's price (terms: the year's, in order)."""
    if not terms:
        return None
    named = terms[min(max(rules.agreement_charged_in, 1), len(terms)) - 1]
    if subscription.signed_on is None:
        return named
    signed = charged_in_term(subscription.signed_on, terms)
    if signed is None:
        return terms[-1]
    return signed if signed.starts_on > named.starts_on else named
