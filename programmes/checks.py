"""Consistency checks on the model of support. Each returns plain-English problems for one
row; the loader, the rollover and the admin all use them, so a date is judged the same way
however it arrived."""

import datetime as dt
from collections.abc import Iterable

from lib.dates import bank_holiday_name, long_date
from programmes.calendar import Calendar
from programmes.models import (
    ROUTE_PANEL_STEPS,
    AcademicYear,
    AwayCode,
    CapacityRule,
    Cohort,
    Meeting,
    Programme,
    Registration,
    Term,
)

SECONDARY_YEAR_GROUPS = range(7, 12)


def _non_school_day(label: str, day: dt.date) -> list[str]:
    if day.weekday() >= 5:
        return [f"The {label}, {long_date(day)}, falls on a weekend."]
    holiday = bank_holiday_name(day)
    if holiday:
        return [f"The {label}, {long_date(day)}, is a bank holiday ({holiday})."]
    return []


def _outside_year(label: str, day: dt.date, year: AcademicYear) -> list[str]:
    if year.contains(day):
        return []
    return [
        f"The {label}, {long_date(day)}, is outside the academic year {year.name} "
        f"({long_date(year.starts_on, weekday=False)} to {long_date(year.ends_on, weekday=False)})."
    ]


def check_year(year: AcademicYear) -> list[str]:
    problems = []
    first, _, second = year.name.partition("-")
    if not (first.isdigit() and second.isdigit() and len(first) == 4 and len(second) == 2):
        problems.append(f"The year's name {year.name!r} should look like 2025-26.")
    elif int(second) != (int(first) + 1) % 100:
        problems.append(f"The year's name {year.name!r} does not name two consecutive years.")
    elif year.starts_on.year != int(first):
        problems.append(f"The year {year.name} starts in {year.starts_on.year}, not {first}.")
    if year.ends_on <= year.starts_on:
        problems.append("The academic year ends before it starts.")
    return problems


def check_term(term: Term, year: AcademicYear, others: Iterable[Term] = ()) -> list[str]:
    problems = []
    for label, day in (("term start", term.starts_on), ("term end", term.ends_on)):
        problems += _outside_year(label, day, year)
        problems += _non_school_day(label, day)
    if term.ends_on < term.starts_on:
        problems.append(f"The {term.name} ends before it starts.")
    if term.half_term_starts_on and term.half_term_ends_on:
        if term.half_term_ends_on < term.half_term_starts_on:
            problems.append(f"The {term.name} half term ends before it starts.")
        if not (
            term.starts_on < term.half_term_starts_on and term.half_term_ends_on < term.ends_on
        ):
            problems.append(f"The {term.name} half term is not inside the term.")
    for other in others:
        if (
            other is not term
            and other.starts_on <= term.ends_on
            and term.starts_on <= other.ends_on
        ):
            problems.append(f"The {term.name} overlaps the {other.name}.")
    return problems


def check_meeting(meeting: Meeting, year: AcademicYear) -> list[str]:
    problems = []
    problems += _outside_year("referral deadline", meeting.referral_deadline, year)
    problems += _non_school_day("referral deadline", meeting.referral_deadline)
    if meeting.date is None:
        problems.append("No meeting date is given for this referral deadline.")
        return problems
    problems += _outside_year("meeting date", meeting.date, year)
    problems += _non_school_day("meeting date", meeting.date)
    if meeting.referral_deadline >= meeting.date:
        problems.append(
            f"The referral deadline, {long_date(meeting.referral_deadline)}, is not before the "
            f"meeting on {long_date(meeting.date)}."
        )
    return problems


def _weeks(count: int, kind: str = "") -> str:
    return f"{count} {kind}week{'' if count == 1 else 's'}"


def _school_weeks_problems(cohort: Cohort, calendar: Calendar) -> list[str]:
    """A cohort's weeks are school weeks (programmes.calendar): its stated end should be the
    last school day of its last one."""
    weeks = cohort.weeks
    should_end = calendar.last_school_day_of_week(cohort.starts_on, weeks)
    ending = (
        f" {_weeks(weeks, 'school ')} from {long_date(cohort.starts_on)} "
        f"end{'s' if weeks == 1 else ''} on {long_date(should_end)}."
        if should_end
        else ""
    )
    counted = calendar.teaching_weeks_between(cohort.starts_on, cohort.ends_on)
    if counted != weeks:
        return [
            f"The cohort is said to run {_weeks(weeks)}, but its dates span "
            f"{_weeks(counted, 'school ')} (half terms and holidays are not school weeks)."
            f"{ending}"
        ]
    if should_end and should_end != cohort.ends_on:
        return [
            f"The cohort is said to end on {long_date(cohort.ends_on)}, but{ending[:-1]}, "
            "the last school day of its last week."
        ]
    return []


def check_cohort(
    cohort: Cohort, year: AcademicYear, terms: list[Term], programme: Programme
) -> list[str]:
    problems = []
    problems += _outside_year("cohort start", cohort.starts_on, year)
    problems += _non_school_day("cohort start", cohort.starts_on)
    last_day = cohort.ends_on or cohort.starts_on
    if cohort.ends_on:
        problems += _outside_year("cohort end", cohort.ends_on, year)
        problems += _non_school_day("cohort end", cohort.ends_on)
        if cohort.ends_on < cohort.starts_on:
            problems.append("The cohort ends before it starts.")
    if terms and not any(t.starts_on <= cohort.starts_on and last_day <= t.ends_on for t in terms):
        problems.append(
            f"The cohort ({long_date(cohort.starts_on, weekday=False)}"
            + (f" to {long_date(cohort.ends_on, weekday=False)}" if cohort.ends_on else "")
            + ") is not inside one term."
        )
    if cohort.weeks is not None:
        if not programme.min_weeks <= cohort.weeks <= programme.max_weeks:
            problems.append(
                f"The cohort runs {cohort.weeks} weeks, but {programme.name} runs "
                f"{programme.min_weeks} to {programme.max_weeks} weeks."
            )
        if cohort.ends_on and cohort.ends_on >= cohort.starts_on and terms:
            problems += _school_weeks_problems(cohort, Calendar(terms))
    meeting = cohort.decided_at
    if meeting is not None and meeting.date is not None and cohort.starts_on <= meeting.date:
        problems.append(
            f"The cohort starts on {long_date(cohort.starts_on)}, before the meeting that "
            f"decides it on {long_date(meeting.date)}."
        )
    if programme.capacity_rule == CapacityRule.COHORT and cohort.capacity is None:
        problems.append(f"{programme.name} has places per cohort, but this cohort has none set.")
    return problems


def check_programme(
    programme: Programme,
    *,
    steps: dict[str, str],
    question_panels: set[str],
    heard_by: set[str],
    cohorts: list[Cohort],
) -> list[str]:
    """`steps` maps each panel step to a panel's name; `question_panels` names the panels
    said to consider its questions; `heard_by` the panels whose meetings consider it."""
    problems = []
    needed = ROUTE_PANEL_STEPS[programme.route]
    route_name = programme.get_route_display().lower()
    for step in needed:
        if step not in steps:
            problems.append(
                f"The {route_name} needs a panel for its {step} step, but none is named."
            )
    for step in steps:
        if step not in needed:
            problems.append(f"The {route_name} has no {step} step, but a panel is named for one.")
    on_route = {steps[s] for s in needed if s in steps}
    for panel in sorted(question_panels - on_route):
        problems.append(f"Its referral questions are for the {panel}, which is not on its route.")
    for panel in sorted(on_route - heard_by):
        problems.append(f"No meeting of the {panel} in the calendar considers it.")
    if programme.min_weeks > programme.max_weeks:
        problems.append("Its shortest length is longer than its longest.")
    bad_years = [g for g in programme.year_groups if g not in SECONDARY_YEAR_GROUPS]
    if bad_years or not programme.year_groups:
        problems.append("Its year groups must be among Years 7 to 11.")
    if programme.registration == Registration.DUAL and programme.away_code != AwayCode.D:
        problems.append(
            "A dual-registered student's sessions at the other school are coded D at the home "
            f"school, not {programme.away_code}."
        )
    if programme.registration == Registration.SINGLE and programme.away_code == AwayCode.D:
        problems.append("Code D is only for dual-registered students.")
    if programme.subscriber_priority and programme.subscription_required:
        problems.append(
            "It gives subscribing schools priority, but only subscribing schools may apply: "
            "the priority would change nothing."
        )
    if programme.capacity_rule == CapacityRule.COHORT:
        if not cohorts:
            problems.append("It has places per cohort, but no cohorts.")
        places = sum(c.capacity or 0 for c in cohorts)
        if programme.yearly_capacity is not None and places != programme.yearly_capacity:
            problems.append(
                f"Its cohorts offer {places} places, but it has {programme.yearly_capacity} a year."
            )
    return problems
