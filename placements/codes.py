"""The code the home school records for a session of a placed student (statutory.md §1.3,
§1.4), derived from the registration arrangement and the setting's mark."""

from dataclasses import dataclass

from placements.models import Category
from placements.schedule import HOME, SETTING
from programmes.models import AwayCode


@dataclass(frozen=True)
class HomeCode:
    code: str  # empty when the home school takes its own mark, or nothing is due yet
    explanation: str


OWN_REGISTER = HomeCode("", "At the home school: take your own register")
NOT_YET = HomeCode("", "The setting's register is not due yet")


def home_code(
    *, placement, where: str | None, mark_code: str | None, category: str | None, overdue: bool
) -> HomeCode | None:
    """What the home school records, or None when the placement expects nothing.

    - At the home school: the school's own register.
    - Dual registered, at the other school: D whatever the mark; the other school records
      the attendance.
    - Single registered, at a provider: the away code (B, or K when the local authority
      arranged it) when the student attended; the provider's absence code when absent.
    - No mark yet: nothing before the register closes; N (reason not yet established)
      after it, until the setting records one.
    """
    if where is None:
        return None
    if where == HOME:
        return OWN_REGISTER
    assert where == SETTING
    if placement.away_code == AwayCode.D:
        return HomeCode("D", "Dual registered: at the other school, which takes the mark")
    if mark_code is None:
        if overdue:
            return HomeCode("N", "No mark from the setting yet: reason not yet established")
        return NOT_YET
    if category in Category.attended():
        return HomeCode(placement.away_code, f"Attended the setting (setting's mark {mark_code})")
    if category == Category.NOT_POSSIBLE:
        return HomeCode(mark_code, "The setting's code: not a possible session")
    return HomeCode(mark_code, "Absent: the setting's absence code")
