"""Every write to the model of support."""

import copy
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models.base import ModelState

from accounts.models import Organisation, User
from audit.services import event_record
from lib.dates import monday_nearest
from programmes import checks
from programmes.modelfile import ModelFileError, Plan, Problem, read_model_file
from programmes.models import (
    AcademicYear,
    ChargingRules,
    Cohort,
    Meeting,
    Programme,
    Term,
    YearStatus,
)
from programmes.rules import check_can_edit_model


class YearExists(Exception):
    pass


class NotDraft(Exception):
    pass


@dataclass
class LoadResult:
    year: AcademicYear
    problems: list[Problem]


def _save_organisation(org: Organisation) -> Organisation:
    """Reuse an organisation already known by UKPRN, URN, or kind and name."""
    existing = None
    if org.ukprn:
        existing = Organisation.objects.filter(ukprn=org.ukprn).first()
    if existing is None and org.urn:
        existing = Organisation.objects.filter(urn=org.urn).first()
    if existing is None:
        existing = Organisation.objects.filter(kind=org.kind, name=org.name).first()
    if existing is not None:
        return existing
    org.full_clean()
    org.save()
    return org


def _save_plan(plan: Plan) -> AcademicYear:
    plan.year.save()
    for band in plan.bands:
        band.year = plan.year
        band.save()
    plan.charging.year = plan.year
    plan.charging.save()
    for term in plan.terms:
        term.year = plan.year
        term.save()
    for tier in plan.tiers.values():
        tier.save()
    saved_orgs = {key: _save_organisation(org) for key, org in plan.organisations.items()}
    for panel in plan.panels.values():
        panel.save()
    for seat in plan.seats:
        seat.save()
    for programme in plan.programmes.values():
        if programme.delivered_by is not None:
            programme.delivered_by = _saved(programme.delivered_by, plan, saved_orgs)
        programme.save()
    for row in [*plan.programme_panels, *plan.questions]:
        row.save()
    for item, tier_numbers in plan.checklist:
        item.save()
        item.tiers.set([plan.tiers[n] for n in tier_numbers])
    for meeting, programme_keys in plan.meetings:
        meeting.save()
        meeting.programmes.set([plan.programmes[k] for k in programme_keys])
    for cohort in plan.cohorts:
        cohort.save()
    for course in plan.courses:
        course.provider = _saved(course.provider, plan, saved_orgs)
        course.save()
    for benefit in plan.benefits:
        benefit.year = plan.year
        benefit.save()
    return plan.year


def _saved(org: Organisation, plan: Plan, saved: dict[str, Organisation]) -> Organisation:
    for key, planned in plan.organisations.items():
        if planned is org:
            return saved[key]
    return org


def model_load(*, path: Path, flagged: bool = False, by: User | None = None) -> LoadResult:
    """Load an academic year's model from its file. With any problem nothing is loaded,
    unless `flagged` is set and every problem belongs to a row, which is then loaded with
    its problems shown on it. Problems with the file's shape always stop the load."""
    plan, problems = read_model_file(path)
    if plan is None or any(p.fatal for p in problems) or (problems and not flagged):
        raise ModelFileError(problems)
    with transaction.atomic():
        if AcademicYear.objects.filter(name=plan.year.name).exists():
            raise YearExists(f"{plan.year.name} is already loaded.")
        plan.year.source = plan.year.source or Path(path).name
        # A year loaded with problems waits for the CAP manager, like a rolled-over one.
        plan.year.status = YearStatus.DRAFT if problems else YearStatus.CONFIRMED
        year = _save_plan(plan)
        event_record(
            actor=by,
            action="model.loaded",
            obj=year,
            detail={"file": Path(path).name, "flagged": len(problems)},
        )
    return LoadResult(year=year, problems=problems)


# The year-level settings the CAP manager chooses, carried from year to year.
YEAR_SETTINGS = (
    "sla_tier1_placements",
    "over_allowance",
    "allowance_warning_at",
    "risk_assessment_valid_days",
    "draft_reminder_days",
    "agreement_price_pence",
    "agreement_includes",
)


def next_year_name(name: str) -> str:
    first = int(name[:4]) + 1
    return f"{first}-{(first + 1) % 100:02d}"


@transaction.atomic
def academic_year_rollover(*, source: AcademicYear, by: User | None = None) -> AcademicYear:
    """Create the next academic year from `source`, as a draft. Every date moves by whole
    weeks, to the same weekday of the matching week of the new year; the same checks as the
    loader flag what lands badly (a bank holiday, outside the year), and the CAP manager
    confirms the dates before they are relied on. The agreement's price, bands, charging
    rules and benefits are carried over; subscriptions are not, as each year's agreement is
    signed anew."""
    name = next_year_name(source.name)
    if AcademicYear.objects.filter(name=name).exists():
        raise YearExists(f"{name} already exists.")
    starts_on = dt.date(source.starts_on.year + 1, 9, 1)
    shift = monday_nearest(starts_on) - monday_nearest(dt.date(source.starts_on.year, 9, 1))
    year = AcademicYear.objects.create(
        name=name,
        starts_on=starts_on,
        ends_on=dt.date(starts_on.year + 1, 8, 31),
        status=YearStatus.DRAFT,
        rolled_over_from=source,
        source=f"Rolled over from {source.name}",
        **{name: copy.copy(getattr(source, name)) for name in YEAR_SETTINGS},
    )
    for band in source.agreement_bands.all():
        _copy(band, year=year)
    rules = ChargingRules.objects.filter(year=source).first()
    if rules is None:
        ChargingRules.objects.create(year=year)
    else:
        _copy(rules, year=year)

    def moved(day: dt.date | None) -> dt.date | None:
        return day + shift if day else None

    terms = []
    for term in source.terms.all():
        terms.append(
            Term.objects.create(
                year=year,
                name=term.name,
                starts_on=moved(term.starts_on),
                ends_on=moved(term.ends_on),
                half_term_starts_on=moved(term.half_term_starts_on),
                half_term_ends_on=moved(term.half_term_ends_on),
            )
        )
    for term in terms:
        term.flags = checks.check_term(term, year, terms)
        term.save(update_fields=["flags"])

    tiers = {}
    for tier in source.tiers.all():
        tiers[tier.pk] = _copy(tier, year=year)
    panels = {}
    for panel in source.panels.prefetch_related("seats"):
        panels[panel.pk] = _copy(panel, year=year)
        for seat in panel.seats.all():
            _copy(seat, panel=panels[panel.pk])
    programmes = {}
    for programme in source.programmes.prefetch_related("panel_steps", "questions", "courses"):
        new = _copy(
            programme, year=year, tier=tiers[programme.tier_id], flags=list(programme.flags)
        )
        programmes[programme.pk] = new
        for step in programme.panel_steps.all():
            _copy(step, programme=new, panel=panels[step.panel_id])
        for question in programme.questions.all():
            _copy(question, programme=new, considered_by=panels.get(question.considered_by_id))
        for course in programme.courses.all():
            _copy(course, programme=new)
    for benefit in source.benefits.all():
        _copy(benefit, year=year)
    for item in source.checklist.prefetch_related("tiers"):
        new_item = _copy(item, year=year)
        new_item.tiers.set([tiers[t.pk] for t in item.tiers.all()])
    meetings = {}
    for meeting in Meeting.objects.filter(panel__year=source).prefetch_related("programmes"):
        new = _copy(
            meeting,
            panel=panels[meeting.panel_id],
            date=moved(meeting.date),
            referral_deadline=moved(meeting.referral_deadline),
            flags=[],
        )
        _set_flags(new, checks.check_meeting(new, year) + _carried(meeting.flags, source))
        new.programmes.set([programmes[p.pk] for p in meeting.programmes.all()])
        meetings[meeting.pk] = new
    for cohort in Cohort.objects.filter(programme__year=source):
        new = _copy(
            cohort,
            programme=programmes[cohort.programme_id],
            name=_later(cohort.name),
            starts_on=moved(cohort.starts_on),
            ends_on=moved(cohort.ends_on),
            decided_at=meetings.get(cohort.decided_at_id),
            flags=[],
        )
        _set_flags(
            new,
            checks.check_cohort(new, year, terms, new.programme) + _carried(cohort.flags, source),
        )
    for programme in programmes.values():
        _set_flags(programme, _programme_problems(programme))
    event_record(
        actor=by,
        action="model.rolled_over",
        obj=year,
        detail={"from": source.name, "shift_days": shift.days},
    )
    return year


def _carried(flags: list[str], source: AcademicYear) -> list[str]:
    """A doubt about a source date stays with the date it moved to: the moved date is only
    as right as the one it came from."""
    return [f"In {source.name}: {flag}" for flag in flags]


def _later(name: str) -> str:
    """A name with every year in it moved on by one: "Autumn 2025" becomes "Autumn 2026"."""
    return re.sub(r"\b(19|20)(\d\d)\b", lambda m: str(int(m.group(0)) + 1), name)


def _copy(row, **changes):
    """Save a copy of `row` with new values for some fields; `row` is left as it was."""
    new = copy.copy(row)
    new._state = ModelState()
    new.__dict__.pop("_prefetched_objects_cache", None)
    new.pk = None
    if hasattr(new, "uuid"):
        new.uuid = uuid.uuid4()
    for name, value in changes.items():
        setattr(new, name, value)
    new.save()
    return new


@transaction.atomic
def academic_year_confirm(*, year: AcademicYear, by: User) -> AcademicYear:
    check_can_edit_model(by)
    year = AcademicYear.objects.select_for_update().get(pk=year.pk)
    if year.status != YearStatus.DRAFT:
        raise NotDraft(f"{year.name} is already confirmed.")
    year.status = YearStatus.CONFIRMED
    year.save(update_fields=["status"])
    event_record(actor=by, action="model.confirmed", obj=year)
    return year


def row_recheck(row: AcademicYear | Term | Meeting | Cohort | Programme) -> None:
    """Recompute flags from saved values after the CAP manager edits a row, for the row and
    for the rows judged against it (a meeting's cohorts and programmes, a year's terms and
    cohorts). Doubts about how the source wrote a date go once the row is re-checked."""
    if isinstance(row, AcademicYear):
        terms = list(row.terms.all())
        for term in terms:
            _set_flags(term, checks.check_term(term, row, terms))
        for cohort in Cohort.objects.filter(programme__year=row).select_related("programme"):
            row_recheck(cohort)
    elif isinstance(row, Term):
        row_recheck(row.year)
    elif isinstance(row, Meeting):
        _set_flags(row, checks.check_meeting(row, row.panel.year))
        for cohort in row.cohorts.select_related("programme"):
            row_recheck(cohort)
        for programme in row.programmes.all():
            row_recheck(programme)
    elif isinstance(row, Cohort):
        year = row.programme.year
        _set_flags(row, checks.check_cohort(row, year, list(year.terms.all()), row.programme))
        # The programme's places are judged against all its cohorts.
        _set_flags(row.programme, _programme_problems(row.programme))
    elif isinstance(row, Programme):
        _set_flags(row, _programme_problems(row))


def _set_flags(row, flags: list[str]) -> None:
    if row.flags != flags:
        row.flags = flags
        row.save(update_fields=["flags"])


def _programme_problems(programme: Programme) -> list[str]:
    return checks.check_programme(
        programme,
        steps={s.step: s.panel.name for s in programme.panel_steps.select_related("panel")},
        question_panels={
            q.considered_by.name
            for q in programme.questions.select_related("considered_by")
            if q.considered_by
        },
        heard_by=set(
            Meeting.objects.filter(programmes=programme).values_list("panel__name", flat=True)
        ),
        cohorts=list(programme.cohorts.all()),
    )
