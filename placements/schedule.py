"""Where a placed student is expected, session by session: the weekly pattern, the
programme's phases (held as data in placements/data/placement-rules.yaml), school days from
the term dates, and the register times.

Pure functions over objects already loaded, so a page can ask about hundreds of students
without a query each.
"""

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.utils import timezone

from programmes.calendar import Calendar

RULES_FILE = Path(__file__).parent / "data" / "placement-rules.yaml"
DAYS = ["mon", "tue", "wed", "thu", "fri"]
DAY_NAMES = dict(zip(DAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], strict=True))
SESSIONS = ("am", "pm")
SESSION_KEYS = [f"{day}_{session}" for day in DAYS for session in SESSIONS]

HOME = "home"
SETTING = "setting"


@cache
def rules() -> dict:
    with RULES_FILE.open() as f:
        return yaml.safe_load(f)


def session_key(day: dt.date, session: str) -> str:
    return f"{DAYS[day.weekday()]}_{session}"


def default_pattern(starts_on: dt.date, days_per_week: Decimal | float) -> list[str]:
    """The sessions at the setting when nobody has said otherwise: whole days from the
    start's weekday onwards, and a half day as that day's morning."""
    days = float(days_per_week or 0)
    first = min(starts_on.weekday(), 4)
    keys: list[str] = []
    whole = min(int(days), 5)
    for offset in range(whole):
        day = DAYS[(first + offset) % 5]
        keys += [f"{day}_am", f"{day}_pm"]
    if days - whole >= 0.5 and whole < 5:
        keys.append(f"{DAYS[(first + whole) % 5]}_am")
    return [k for k in SESSION_KEYS if k in keys]


def phases_for(
    programme_key: str, starts_on: dt.date, planned_end_on: dt.date, calendar: Calendar
) -> list[dict]:
    """The phases the rules file gives the programme, dated from the placement's start.

    A phase's weeks are teaching weeks (programmes.calendar): week 1 holds the first school
    day, and half terms and holidays are no weeks at all, so every phase begins and ends on
    a school day. The last phase lasts until the placement's planned end, however the end
    was moved: Refocus's back-to-school phase is its final weeks. Phases past the planned end
    are left out; a phase the loaded terms do not reach begins nowhere and is left out
    too, and one they reach only in part runs to the planned end."""
    planned = rules().get("phases", {}).get(programme_key, [])
    phases = []
    for number, phase in enumerate(planned, start=1):
        first, last = phase["weeks"]
        week = calendar.teaching_week(starts_on, first)
        if week is None or week[0] > planned_end_on:
            continue
        final = calendar.teaching_week(starts_on, last)
        end = planned_end_on if final is None or number == len(planned) else final[1]
        pattern = [f"{day}_{s}" for day in phase["days"] for s in SESSIONS]
        phases.append(
            {
                "name": phase["name"],
                "starts_on": week[0],
                "ends_on": min(end, planned_end_on),
                "pattern": [k for k in SESSION_KEYS if k in pattern],
            }
        )
    return phases


def pattern_on(placement, day: dt.date, phases=None) -> list[str]:
    """The setting's sessions on `day`: the pattern of the phase covering it that began
    last (a change of pattern is a phase from the day it applies, and lasts until the next
    planned phase begins), or the placement's own pattern when no phase covers the day.
    Pass `phases` (already loaded) to avoid a query."""
    if phases is None:
        phases = list(placement.phases.all())
    covering = [p for p in phases if p.starts_on <= day <= p.ends_on]
    if not covering:
        return placement.pattern
    return max(covering, key=lambda p: (p.starts_on, p.pk or 0)).pattern


def expected_at(
    placement, day: dt.date, session: str, calendar: Calendar, phases=None
) -> str | None:
    """HOME, SETTING, or None when the student is not expected anywhere through the
    placement (outside its dates, or not a school day). Pass `phases` (already loaded)
    where the placement's phases were not prefetched. selectors.expected says the same in
    SQL for many placements at once; change the two together."""
    return expected_on(placement, day, calendar, phases)[session]


def expected_on(placement, day: dt.date, calendar: Calendar, phases=None) -> dict[str, str | None]:
    """expected_at for every session of `day` at once, {session: HOME, SETTING or None},
    working out the day's pattern once: what a register asks of each student's day."""
    if not (placement.starts_on <= day <= placement.last_day) or day.weekday() > 4:
        return dict.fromkeys(SESSIONS)
    if not calendar.is_school_day(day):
        return dict.fromkeys(SESSIONS)
    if phases is None:
        phases = placement.phases.all()  # prefetched by the selectors that pass none
    pattern = pattern_on(placement, day, phases)
    return {s: SETTING if session_key(day, s) in pattern else HOME for s in SESSIONS}


def session_starts(day: dt.date, session: str) -> dt.datetime:
    hour, minute = settings.CAP_SESSION_STARTS[session]
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def register_closes(day: dt.date, session: str) -> dt.datetime:
    """When the register window of a session ends (configurable; 30 minutes by default)."""
    return session_starts(day, session) + dt.timedelta(minutes=settings.CAP_REGISTER_WINDOW_MINUTES)


def has_started(day: dt.date, session: str, now: dt.datetime) -> bool:
    return now >= session_starts(day, session)


def current_session(now: dt.datetime) -> str:
    local = timezone.localtime(now)
    return "pm" if local >= session_starts(local.date(), "pm") else "am"


def week_of(day: dt.date) -> list[dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=n) for n in range(5)]


def hours_a_week(pattern: list[str]) -> float:
    per = rules()["hours_per_session"]
    return float(sum(per[key.split("_")[1]] for key in pattern))


def full_time_hours(year_group: int) -> float | None:
    value = rules()["full_time_hours"].get(year_group)
    return float(value) if value is not None else None
