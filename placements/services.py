"""Every write to a placement and its registers. Keyword-only, atomic, audited."""

import datetime as dt
import hashlib
import logging
import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncWeek
from django.utils import timezone

from accounts.models import SCHOOL_KINDS, Organisation, User
from accounts.rules import is_cap_staff
from audit.services import event_record
from documents.storage import document_storage, stored_read, stored_save
from lib.dates import long_date
from lib.errors import Conflict, Refused
from lib.pdf import render_pdf
from lib.sql import RandomUUID, insert_or_add, insert_select
from placements import schedule, selectors
from placements.models import (
    Alert,
    AlertKind,
    AttendanceCode,
    Category,
    ExitOutcome,
    ManagedMove,
    Mark,
    MarkChange,
    MarkTally,
    Phase,
    Placement,
    ReportRun,
    SettingTally,
    TermlyReport,
)
from placements.rules import (
    check_can_confirm_managed_move,
    check_can_edit_placement,
    check_can_issue_reports,
    check_can_record_marks,
    check_can_view_placement,
)
from placements.schedule import SETTING
from programmes.calendar import Calendar
from programmes.models import Course, Term
from programmes.selectors import school_calendar
from students.services import (
    agency_links_end_with_placement,
    move_refusal,
    registration_subsidiary_end,
    registration_subsidiary_open,
    registration_subsidiary_restart,
    student_school_move,
)

logger = logging.getLogger(__name__)


class RegisterRefused(Refused):
    """A register refused as a whole: one problem per cell at fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --- The placement ----------------------------------------------------------------------


@transaction.atomic
def placement_create(
    *,
    application,
    provider: Organisation,
    starts_on: dt.date,
    planned_end_on: dt.date,
    days_per_week: Decimal,
    by: User,
    course: Course | None = None,
    pattern: list[str] | None = None,
    monitoring_officer: User | None = None,
) -> Placement:
    """The one place a placement is made, whichever route led to it. The registration
    arrangement and the home school's away code come from the programme; the pattern
    defaults to whole days from the start's weekday; the programme's phases (rules file)
    are dated in teaching weeks from the start. The CAP team changes the rest on the
    placement's pages."""
    programme = application.programme
    placement = Placement.objects.create(
        application=application,
        student=application.student,
        programme=programme,
        course=course,
        provider=provider,
        home_school=application.school,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        days_per_week=days_per_week,
        registration=programme.registration,
        away_code=programme.away_code,
        pattern=_checked_pattern(
            pattern if pattern is not None else schedule.default_pattern(starts_on, days_per_week)
        ),
        monitoring_officer=monitoring_officer,
        created_by=by,
    )
    _plan_phases(placement, school_calendar())
    event_record(
        actor=by,
        action="placement.created",
        obj=placement,
        detail={"application": str(application.uuid), "setting": str(provider.uuid)},
    )
    if _registers_the_student(placement):
        registration_subsidiary_open(
            student=placement.student, school=provider, starts_on=starts_on, by=by
        )
    return placement


def _plan_phases(placement: Placement, calendar: Calendar) -> None:
    """(Re)make the placement's planned phases from its dates; a phase a person added is
    kept as it is."""
    placement.phases.filter(planned=True).delete()
    Phase.objects.bulk_create(
        Phase(placement=placement, planned=True, **phase)
        for phase in schedule.phases_for(
            placement.programme.key, placement.starts_on, placement.planned_end_on, calendar
        )
    )


def _registers_the_student(placement: Placement) -> bool:
    """A placement with dual registration at a school or the academy holds the student's
    subsidiary registration there; a training provider keeps no admission register."""
    return placement.is_dual and placement.provider.kind in SCHOOL_KINDS


def _other_placement_registers(placement: Placement) -> bool:
    """Another open placement of the student at the same provider that holds the same
    subsidiary registration (two dual placements at the academy at once)."""
    others = (
        Placement.objects.filter(
            student_id=placement.student_id,
            provider_id=placement.provider_id,
            ended_on__isnull=True,
        )
        .exclude(pk=placement.pk)
        .select_related("provider")
    )
    return any(_registers_the_student(other) for other in others)


def _checked_pattern(pattern: list[str]) -> list[str]:
    unknown = [key for key in pattern if key not in schedule.SESSION_KEYS]
    if unknown:
        raise Refused("Choose sessions from the school week")
    return [key for key in schedule.SESSION_KEYS if key in pattern]


def _move(placement: Placement, *, version: int, **changes) -> Placement:
    rows = Placement.objects.filter(pk=placement.pk, version=version)
    if not rows.update(version=F("version") + 1, **changes):
        raise Conflict("The placement was changed by someone else.")
    placement.refresh_from_db()
    return placement


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    pattern: list[str],
    pattern_from: dt.date | None,
    monitoring_officer: User | None,
    safeguarding_confirmed_on: dt.date | None,
    safeguarding_confirmed_by: str,
    version: int,
    by: User,
) -> Placement:
    """Change the monitoring officer, the provider's safeguarding confirmation and, from a
    date, the sessions at the setting. A new pattern applies from today or later, never to
    sessions already past, so registers and the home school's codes keep their history."""
    check_can_edit_placement(by, placement)
    today = timezone.localdate()
    if monitoring_officer is not None and not is_cap_staff(monitoring_officer):
        raise Refused(
            field="monitoring_officer", message="The monitoring officer must be in the CAP team"
        )
    if safeguarding_confirmed_on and safeguarding_confirmed_on > today:
        raise Refused(
            field="safeguarding_confirmed_on",
            message="The date of the confirmation must be today or in the past",
        )
    if bool(safeguarding_confirmed_on) != bool(safeguarding_confirmed_by.strip()):
        raise Refused(
            field="safeguarding_confirmed_on",
            message="Give both the date of the confirmation and who gave it, or neither",
        )
    pattern = _checked_pattern(pattern)
    phase = None
    earliest = max(today, placement.starts_on)
    if pattern != schedule.pattern_on(placement, earliest):
        if pattern_from is None:
            raise Refused("Enter the date the new sessions start", field="pattern_from")
        if pattern_from < earliest:
            raise Refused(
                field="pattern_from",
                message="The new sessions must start today or later, and not before the placement",
            )
        if pattern_from > placement.last_day:
            raise Refused(
                field="pattern_from",
                message="The new sessions must start before the placement ends",
            )
        phase = Phase.objects.create(
            placement=placement,
            name=f"Sessions changed from {pattern_from:%-d %B %Y}",
            starts_on=pattern_from,
            ends_on=placement.last_day,
            pattern=pattern,
        )
    placement = _move(
        placement,
        version=version,
        monitoring_officer=monitoring_officer,
        safeguarding_confirmed_on=safeguarding_confirmed_on,
        safeguarding_confirmed_by=safeguarding_confirmed_by.strip(),
    )
    event_record(
        actor=by,
        action="placement.updated",
        obj=placement,
        detail={
            "pattern": pattern if phase else None,
            "pattern_from": str(pattern_from) if phase else None,
            "monitoring_officer": str(monitoring_officer.uuid) if monitoring_officer else "",
            "safeguarding_confirmed_on": str(safeguarding_confirmed_on or ""),
        },
    )
    return placement


def _school_day_problem(calendar: Calendar, day: dt.date, what: str) -> str | None:
    if not calendar.covers(day):
        return (
            f"CAP does not have the term dates for {long_date(day)}: "
            f"the {what} must be a school day in the terms CAP knows"
        )
    if not calendar.is_school_day(day):
        return f"{long_date(day)} is not a school day: choose a school day for the {what}"
    return None


@transaction.atomic
def placement_dates_change(
    *, placement: Placement, starts_on: dt.date, planned_end_on: dt.date, version: int, by: User
) -> Placement:
    """Correct a placement's start (before it has started) or its planned end. Its planned
    phases are made again from the new dates, in teaching weeks, so the last phase still
    runs to the end; a change of sessions a person made is kept, and one that ran to the old
    end runs to the new one."""
    check_can_edit_placement(by, placement)
    if placement.ended_on:
        raise Refused("This placement has ended: its dates can no longer change")
    today = timezone.localdate()
    calendar = school_calendar()
    if starts_on != placement.starts_on:
        if placement.starts_on <= today:
            raise Refused(
                field="starts_on",
                message="The placement has started: only its planned end can change",
            )
        if starts_on < today:
            raise Refused(field="starts_on", message="The start date must be today or later")
        problem = _school_day_problem(calendar, starts_on, "start")
        if problem:
            raise Refused(problem, field="starts_on")
    if planned_end_on < starts_on:
        raise Refused(
            field="planned_end_on", message="The planned end must be on or after the start"
        )
    move = ManagedMove.objects.filter(placement=placement).first()
    if move is not None and planned_end_on >= move.moves_on:
        raise Refused(
            field="planned_end_on",
            message="The receiving school has confirmed a managed move on "
            f"{long_date(move.moves_on)}: the planned end must be before it",
        )
    if planned_end_on != placement.planned_end_on:
        problem = _school_day_problem(calendar, planned_end_on, "planned end")
        if problem:
            raise Refused(problem, field="planned_end_on")
    if (
        Mark.objects.filter(placement=placement)
        .filter(Q(date__lt=starts_on) | Q(date__gt=planned_end_on))
        .exists()
    ):
        raise Refused(
            field="planned_end_on",
            message="The setting has recorded marks outside these dates: keep them inside",
        )
    made_by_hand = list(placement.phases.filter(planned=False))
    late = [p for p in made_by_hand if p.starts_on > planned_end_on]
    if late:
        raise Refused(
            field="planned_end_on",
            message=f"The sessions change from {long_date(late[0].starts_on)} would begin after "
            "the planned end: choose a later end",
        )
    old_start, old_end = placement.starts_on, placement.planned_end_on
    placement = _move(
        placement, version=version, starts_on=starts_on, planned_end_on=planned_end_on
    )
    if _registers_the_student(placement):
        registration_subsidiary_restart(
            student=placement.student,
            school=placement.provider,
            was=old_start,
            starts_on=starts_on,
            by=by,
        )
    for phase in made_by_hand:
        if phase.ends_on >= old_end or phase.ends_on > planned_end_on:
            phase.ends_on = planned_end_on
            phase.save(update_fields=["ends_on"])
    _plan_phases(placement, calendar)
    event_record(
        actor=by,
        action="placement.dates_changed",
        obj=placement,
        detail={"starts_on": str(starts_on), "planned_end_on": str(planned_end_on)},
    )
    return placement


@transaction.atomic
def placement_exit(
    *, placement: Placement, ended_on: dt.date, outcome: str, detail: str, version: int, by: User
) -> Placement:
    check_can_edit_placement(by, placement)
    if placement.ended_on:
        raise Refused("This placement has already ended")
    if outcome not in ExitOutcome.values:
        raise Refused("Choose the outcome")
    if ended_on < placement.starts_on:
        raise Refused("The end date must be on or after the placement started")
    if ended_on > timezone.localdate():
        raise Refused("The end date must be today or in the past")
    if Mark.objects.filter(placement=placement, date__gt=ended_on).exists():
        raise Refused("The setting has recorded marks after this date: choose a later end date")
    move = ManagedMove.objects.filter(placement=placement).first()
    if move is not None and outcome != ExitOutcome.MANAGED_MOVE:
        raise Refused(
            field="outcome",
            message="The receiving school has confirmed a managed move: the outcome is a "
            "managed move",
        )
    if move is not None and ended_on >= move.moves_on:
        raise Refused(
            f"The supported transfer must end before the managed move on {long_date(move.moves_on)}"
        )
    # A move confirmed after this exit's page was loaded bumped the version: Conflict.
    placement = _move(
        placement, version=version, ended_on=ended_on, exit_outcome=outcome, exit_detail=detail
    )
    event_record(actor=by, action="placement.exited", obj=placement, detail={"outcome": outcome})
    if _registers_the_student(placement) and not _other_placement_registers(placement):
        registration_subsidiary_end(
            student=placement.student, school=placement.provider, ends_on=ended_on, by=by
        )
    # Agency professionals work with the student through the placement: their links end
    # with the student's last open placement.
    if not (
        Placement.objects.filter(student_id=placement.student_id, ended_on__isnull=True)
        .exclude(pk=placement.pk)
        .exists()
    ):
        agency_links_end_with_placement(student=placement.student, by=by)
    return placement


# --- Managed moves ----------------------------------------------------------------------

# How far ahead a move may be dated: within the next academic year at most.
MOVE_HORIZON = dt.timedelta(days=366)


@transaction.atomic
def managed_move_confirm(*, placement: Placement, moves_on: dt.date, by: User) -> ManagedMove:
    """The receiving school confirms that the student joins its roll from `moves_on`. On
    that day the move is made (at once for today or a day past, otherwise by the daily job);
    the former school and the CAP team are told after commit (placements.tasks)."""
    placement = (
        Placement.objects.select_for_update()
        .select_related("student", "provider", "home_school", "programme")
        .get(pk=placement.pk)
    )
    check_can_confirm_managed_move(by, placement)
    today = timezone.localdate()
    if moves_on <= placement.starts_on:
        raise Refused(
            field="moves_on",
            message="The move must be after the supported transfer started, on "
            f"{long_date(placement.starts_on, weekday=False)}",
        )
    if moves_on <= placement.last_day:
        # The move follows the transfer: while the placement runs, the former school is
        # still the home school its rules (whereabouts, absence alerts, visits) serve.
        raise Refused(
            field="moves_on",
            message="The move must be after the supported transfer's last day, "
            f"{long_date(placement.last_day)}",
        )
    if moves_on > today + MOVE_HORIZON:
        raise Refused(field="moves_on", message="The move must be within the next year")
    refusal = move_refusal(student=placement.student, to=placement.provider, on=moves_on)
    if refusal:
        raise Refused(field="moves_on", message=refusal)
    # An exit made from a page loaded before this confirm must not commit beside it.
    Placement.objects.filter(pk=placement.pk).update(version=F("version") + 1)
    move = ManagedMove.objects.create(
        placement=placement,
        student=placement.student,
        from_school=placement.student.home_school,
        to_school=placement.provider,
        moves_on=moves_on,
        confirmed_by=by,
        confirmed_at=timezone.now(),
    )
    event_record(
        actor=by,
        action="placement.managed_move_confirmed",
        obj=placement,
        detail={
            "managed_move": str(move.uuid),
            "from": str(move.from_school.uuid),
            "to": str(move.to_school.uuid),
            "moves_on": str(moves_on),
        },
    )
    if moves_on <= today:
        _managed_move_apply(move, by=by)
    return move


def _managed_move_apply(move: ManagedMove, *, by: User | None = None) -> None:
    student_school_move(student=move.student, to=move.to_school, on=move.moves_on, by=by)
    move.applied_at = timezone.now()
    move.save(update_fields=["applied_at"])
    event_record(
        actor=by,
        action="placement.managed_move_made",
        obj=move.placement,
        detail={"managed_move": str(move.uuid), "moves_on": str(move.moves_on)},
    )


def managed_moves_apply(*, today: dt.date | None = None) -> int:
    """Make the confirmed moves whose day has come (the daily job). Each in its own
    transaction, so one refused (the student's registrations changed meanwhile) does not
    hold back the others; it is logged by identifier and tried again the next day."""
    today = today or timezone.localdate()
    made = 0
    due = ManagedMove.objects.filter(applied_at__isnull=True, moves_on__lte=today)
    for move_id in due.order_by("moves_on", "pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                move = (
                    ManagedMove.objects.select_for_update()
                    .select_related("student", "to_school", "placement")
                    .get(pk=move_id)
                )
                if move.applied_at is None:
                    _managed_move_apply(move)
                    made += 1
        except Refused as refused:
            logger.warning("Managed move %s not made: %s", move_id, refused)
    return made


# --- Registers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One cell of a register as posted: the code typed, and the code the page showed."""

    placement: Placement
    date: dt.date
    session: str
    code: str
    shown: str


def _cell(e: Entry) -> str:
    """A cell as a problem names it: the student, the day and the session."""
    day = schedule.DAY_NAMES[schedule.DAYS[e.date.weekday()]]
    return f"{e.placement.student}, {day} {e.session.upper()}"


@transaction.atomic
def register_save(
    *, entries: list[Entry], calendar: Calendar, by: User, now: dt.datetime | None = None
) -> int:
    """Save a register: every cell, or none.

    Refused as a whole, with the reason, when any cell is for a session the student is not
    expected at the setting, is in the future, has a code that does not exist or that a
    setting may not use, or was changed by someone else since the page was shown. A cell
    posted again with the code it already has changes nothing, so a register sent twice
    saves once. The tallies of the weeks it changes (MarkTally) are kept in the same
    transaction (its new marks added to them, a week it corrects recounted), so
    oversight's figures are as current as the marks. Pass placements loaded with their
    student, setting and phases (selectors.register_placements, as the register page does,
    or selectors.with_related), or each placement reads them. Returns how many marks were
    entered or corrected."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    codes = {c.code: c for c in AttendanceCode.objects.all()}
    problems: list[str] = []
    wanted = [e for e in entries if e.code or e.shown]
    placements = {e.placement.pk: e.placement for e in wanted}
    dates = sorted({e.date for e in wanted})
    # Who may record marks is a rule of the placement, so asked once of each.
    for placement in placements.values():
        check_can_record_marks(by, placement)
    # Registers saved at the same moment for the same students wait for each other here,
    # so each sees the other's marks, and counts them in their weeks' tallies: the
    # placements are locked (in order) as their marks of these days are read, in one query.
    # Every register locks its placements first, so their marks need no lock of their own.
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .filter(pk__in=list(placements))
        .annotate(day=FilteredRelation("marks", condition=Q(marks__date__in=dates)))
        .order_by("pk")
        .values_list("pk", "day__pk", "day__date", "day__session", "day__code_id")
    )
    existing = {
        (placement_id, date, session): Mark(
            pk=pk, placement_id=placement_id, date=date, session=session, code_id=code
        )
        for placement_id, pk, date, session, code in locked
        if pk is not None
    }
    # Where each student is expected, and whether each session has started, worked out
    # once a day rather than once a cell.
    expected: dict[tuple[int, dt.date], dict[str, str | None]] = {}
    started: dict[tuple[dt.date, str], bool] = {}
    for e in wanted:
        session = (e.date, e.session)
        if session not in started:
            started[session] = e.date < today or (
                e.date == today and schedule.has_started(e.date, e.session, now)
            )
        if not started[session]:
            problems.append(f"{_cell(e)}: the session has not started yet")
            continue
        day = (e.placement.pk, e.date)
        if day not in expected:
            expected[day] = schedule.expected_on(e.placement, e.date, calendar)
        if expected[day][e.session] != SETTING:
            problems.append(f"{_cell(e)}: the student is not expected at the setting")
            continue
        current = existing.get((e.placement.pk, e.date, e.session))
        current_code = current.code_id if current else ""
        if e.code == current_code:
            continue
        if current_code != e.shown:
            problems.append(
                f"{_cell(e)}: someone else recorded {current_code or 'no mark'} "
                "since you opened the register"
            )
            continue
        if not e.code:
            problems.append(f"{_cell(e)}: a mark cannot be removed, only corrected")
            continue
        code = codes.get(e.code)
        if code is None or not code.setting_records:
            problems.append(f"{_cell(e)}: “{e.code}” is not a code a setting can record")
            continue
        if code.session and code.session != e.session:
            problems.append(
                f"{_cell(e)}: “{e.code}” is the {code.get_session_display().lower()} mark"
            )
    if problems:
        raise RegisterRefused(problems)

    changed = [
        e
        for e in wanted
        if e.code
        and (
            (current := existing.get((e.placement.pk, e.date, e.session))) is None
            or current.code_id != e.code
        )
    ]
    if not changed:
        return 0
    # A fixed few queries whatever the register's size: the new marks in one insert, the
    # corrections in one update, their history in one insert, the alerts they resolve in
    # one update, the weeks' tallies and their settings' weeks added to in two (the weeks it
    # corrects recounted in a few more) and the audit event. (Django splits an insert of
    # more than 999 values on SQLite, so there a week of more than 16 full-time students
    # takes one more insert per 166 marks; PostgreSQL takes them all at once.)
    new, corrected, changes = [], [], []
    late = {(e.date, e.session): now > schedule.register_closes(e.date, e.session) for e in changed}
    for e in changed:
        current = existing.get((e.placement.pk, e.date, e.session))
        if current is None:
            mark = Mark(
                placement=e.placement,
                date=e.date,
                session=e.session,
                code_id=e.code,
                recorded_by=by,
                recorded_at=now,
            )
            new.append(mark)
            previous = ""
        else:
            mark, previous = current, current.code_id
            mark.code_id, mark.recorded_by, mark.recorded_at = e.code, by, now
            corrected.append(mark)
        changes.append(
            MarkChange(
                mark=mark,
                previous_code=previous,
                code=e.code,
                changed_by=by,
                changed_at=now,
                late=late[(e.date, e.session)],
            )
        )
    Mark.objects.bulk_create(new)  # PostgreSQL and SQLite 3.35+ give back the new ids.
    if corrected:
        Mark.objects.bulk_update(corrected, ["code", "recorded_by", "recorded_at"])
    MarkChange.objects.bulk_create(changes)
    # A mark that arrives resolves the alert its absence raised.
    Alert.objects.filter(
        Exists(
            Mark.objects.filter(
                placement=OuterRef("placement"), date=OuterRef("date"), session=OuterRef("session")
            )
        ),
        placement__in={e.placement.pk for e in changed},
        date__in={e.date for e in changed},
        kind=AlertKind.MISSING,
        resolved_at__isnull=True,
    ).update(resolved_at=now)
    # The weeks' tallies, the placements' and their settings': a new mark adds one to its
    # category (and to those entered late, when it was); a correction moves a mark between
    # categories, so a week with one is recounted instead (a count never goes below 0).
    recount = {
        (e.placement.pk, _monday(e.date))
        for e in changed
        if (e.placement.pk, e.date, e.session) in existing
    }
    settings_recount = {
        (e.placement.provider_id, _monday(e.date))
        for e in changed
        if (e.placement.pk, e.date, e.session) in existing
    }
    added: dict[tuple[int, dt.date], dict[str, int]] = {}
    settings_added: dict[tuple[int, dt.date], dict[str, int]] = {}
    for e, change in zip(changed, changes, strict=True):
        monday = _monday(e.date)
        for key, counts, skip in (
            ((e.placement.pk, monday), added, recount),
            ((e.placement.provider_id, monday), settings_added, settings_recount),
        ):
            if key in skip:
                continue
            counted = counts.setdefault(key, dict.fromkeys(TALLIED, 0))
            counted[codes[e.code].category] += 1
            counted["entered_late"] += change.late
    _tallies_add(MarkTally, "placement_id", added)
    if recount:
        _tallies_recount(recount)
    _tallies_add(SettingTally, "provider_id", settings_added)
    if settings_recount:
        _setting_tallies_recount(settings_recount)
    event_record(
        actor=by,
        action="register.saved",
        detail={
            "marks": len(changed),
            "setting": str(wanted[0].placement.provider.uuid),
            "dates": sorted({str(e.date) for e in wanted}),
        },
    )
    return len(changed)


# --- Tallies: a placement's marks week by week, for oversight ---------------------------

TALLIED = ("present", "approved", "authorised", "unauthorised", "not_possible", "entered_late")


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _counts(marks: QuerySet) -> QuerySet:
    """The tallies of `marks` as rows (placement_id, week and each of TALLIED), counted in
    one query grouped by placement and week. A mark was entered late when its first entry
    (the change from no code) was."""
    by_category = {
        category.value: Count("pk", filter=Q(code__category=category)) for category in Category
    }
    late_entry = MarkChange.objects.filter(mark=OuterRef("pk"), previous_code="", late=True)
    return (
        marks.annotate(week=Cast(TruncWeek("date"), DateField()))
        .values("placement_id", "week")
        .annotate(**by_category, entered_late=Count("pk", filter=Q(Exists(late_entry))))
        .order_by()
    )


def _counted(marks: QuerySet) -> list[MarkTally]:
    """The tallies of `marks`, as MarkTally objects (unsaved)."""
    return [
        MarkTally(
            placement_id=row["placement_id"],
            week=row["week"],
            **{name: row[name] for name in TALLIED},
        )
        for row in _counts(marks)
    ]


def _tallies_add(
    model: type[MarkTally | SettingTally], by: str, added: dict[tuple[int, dt.date], dict]
) -> None:
    """Add these counts to the tallies (MarkTally by "placement_id", SettingTally by
    "provider_id") of their (id, Monday) pairs, making any not there yet, in one statement:
    what a register of new marks changes, without reading the week's other marks. The
    database adds to the row as it stands, so two registers saved at once each add their
    own. Every mark's tally has been kept since it was written (by register_save, or by
    tallies_rebuild for marks written any other way)."""
    insert_or_add(
        model,
        unique=[by, "week"],
        added=list(TALLIED),
        rows=[{by: key, "week": week, **counts} for (key, week), counts in sorted(added.items())],
    )


def _tallies_recount(weeks: set[tuple[int, dt.date]]) -> None:
    """Recount the tallies of these (placement id, Monday) pairs from their marks, in one
    statement: the count inserted as it is selected, over the tally already there (INSERT …
    SELECT … ON CONFLICT DO UPDATE). Marks are never removed, so every pair has one."""
    placements_by_week: dict[dt.date, set[int]] = defaultdict(set)
    for placement_id, monday in weeks:
        placements_by_week[monday].add(placement_id)
    where = reduce(
        operator.or_,
        (
            Q(date__gte=monday, date__lte=monday + dt.timedelta(days=6), placement_id__in=ids)
            for monday, ids in placements_by_week.items()
        ),
    )
    insert_select(
        MarkTally,
        {"placement_id": "placement_id", "week": "week", **{name: name for name in TALLIED}},
        _counts(Mark.objects.filter(where)),
        update_on=["placement_id", "week"],
    )


def _setting_counted(tallies: QuerySet) -> list[SettingTally]:
    """The settings' weeks of `tallies`, added up in one query grouped by setting and
    week."""
    rows = (
        tallies.values("placement__provider_id", "week")
        .annotate(**{name: Coalesce(Sum(name), 0) for name in TALLIED})
        .order_by()
    )
    return [
        SettingTally(
            provider_id=row["placement__provider_id"],
            week=row["week"],
            **{name: row[name] for name in TALLIED},
        )
        for row in rows
    ]


def _setting_tallies_recount(weeks: set[tuple[int, dt.date]]) -> None:
    """Recount these (setting id, Monday) pairs from their placements' tallies, in four
    queries. Two registers of one setting saved at once lock different placements, so each
    first makes and locks the setting's week (in one order, so neither waits on the other
    for ever) and only then counts: the second counts after the first has committed, and
    sees its tallies, rather than writing over its sum with one counted without them."""
    ordered = sorted(weeks)
    SettingTally.objects.bulk_create(
        [SettingTally(provider_id=provider_id, week=monday) for provider_id, monday in ordered],
        ignore_conflicts=True,
    )
    providers_by_week: dict[dt.date, set[int]] = defaultdict(set)
    for provider_id, monday in ordered:
        providers_by_week[monday].add(provider_id)
    list(
        SettingTally.objects.select_for_update()
        .filter(
            reduce(
                operator.or_,
                (Q(week=monday, provider_id__in=ids) for monday, ids in providers_by_week.items()),
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counted = _setting_counted(
        MarkTally.objects.filter(
            reduce(
                operator.or_,
                (
                    Q(week=monday, placement__provider_id__in=ids)
                    for monday, ids in providers_by_week.items()
                ),
            )
        )
    )
    SettingTally.objects.bulk_create(
        counted,
        update_conflicts=True,
        unique_fields=["provider", "week"],
        update_fields=list(TALLIED),
    )


def tallies_rebuild(*, first: dt.date | None = None, last: dt.date | None = None) -> int:
    """Recount the tallies of every week from the week of `first` to the week of `last`
    (by default every week with a mark or a tally) from the marks, one week per
    transaction so a big recount neither holds locks long nor loads more than a week.
    For marks written other than by register_save: the demo's loader, a data migration, a
    repair. A register saved in a week while it is being recounted keeps its own tallies
    current; run it again if in doubt. Each week's settings' sums (SettingTally) are
    recounted with it. Returns how many tallies were written."""
    if first is None or last is None:
        marks = Mark.objects.aggregate(first=Min("date"), last=Max("date"))
        tallies = MarkTally.objects.aggregate(first=Min("week"), last=Max("week"))
        firsts = [d for d in (marks["first"], tallies["first"]) if d]
        lasts = [d for d in (marks["last"], tallies["last"]) if d]
        if not firsts:
            return 0
        first = first or min(firsts)
        last = last or max(lasts)
    written = 0
    week = _monday(first)
    while week <= last:
        following = week + dt.timedelta(weeks=1)
        with transaction.atomic():
            MarkTally.objects.filter(week=week).delete()
            tallies = _counted(Mark.objects.filter(date__gte=week, date__lt=following))
            MarkTally.objects.bulk_create(tallies, batch_size=1000)
            SettingTally.objects.filter(week=week).delete()
            SettingTally.objects.bulk_create(
                _setting_counted(MarkTally.objects.filter(week=week)), batch_size=1000
            )
        written += len(tallies)
        week = following
    return written


# --- Alerts -----------------------------------------------------------------------------


def alerts_raise(*, now: dt.datetime | None = None) -> list[Alert]:
    """Raise today's alerts: a session at a setting whose register has closed without a
    mark, and a session marked absent. Each is raised once. Returns the new alerts.

    A fixed few statements whatever the number of placements: for each session, one
    INSERT … SELECT of the alerts due (selectors.whereabouts), which the unique constraint
    keeps to one per session and kind (ON CONFLICT DO NOTHING, so a sweep running beside
    another raises nothing twice); then one read of the alerts this sweep raised (by their
    moment), and one audit event counting them. The alerts themselves are the record of
    which student's session raised what; the event holds only the counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = selectors.calendar_for(today, today)
    if today.weekday() > 4 or not calendar.is_school_day(today):
        return []
    with transaction.atomic():
        for session in schedule.SESSIONS:
            due = selectors.whereabouts(
                Placement.objects.all(), now=now, session=session, calendar=calendar
            ).filter(status__in=[selectors.MISSING, selectors.ABSENT])
            insert_select(
                Alert,
                {
                    "uuid": "alert_uuid",
                    "placement_id": "alert_placement",
                    "date": "alert_date",
                    "session": "alert_session",
                    "kind": "alert_kind",
                    "code": "alert_code",
                    "raised_at": "alert_raised_at",
                },
                due.annotate(
                    alert_uuid=RandomUUID(),
                    alert_placement=F("pk"),
                    alert_date=Value(today, output_field=DateField()),
                    alert_session=Value(session, output_field=CharField()),
                    alert_kind=Case(
                        When(status=selectors.MISSING, then=Value(AlertKind.MISSING.value)),
                        default=Value(AlertKind.ABSENT.value),
                        output_field=CharField(),
                    ),
                    alert_code=Coalesce(F("mark"), Value(""), output_field=CharField()),
                    alert_raised_at=Value(now, output_field=DateTimeField()),
                ),
            )
        raised = list(Alert.objects.filter(date=today, raised_at=now).order_by("session", "pk"))
        if raised:
            event_record(
                action="attendance_alerts.raised",
                detail={
                    "date": today.isoformat(),
                    **{
                        f"{session}_{kind}": sum(
                            a.session == session and a.kind == kind for a in raised
                        )
                        for session in schedule.SESSIONS
                        for kind in AlertKind.values
                    },
                },
            )
    return raised


def alerts_mark_emailed(*, alerts: list[Alert]) -> None:
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(emailed_at=timezone.now())


# --- Termly reports ---------------------------------------------------------------------


REPORT_BATCH = 10  # reports to a task: small, so a worker stops within seconds of being told


def _report_batches(placement_ids: list[int]) -> list[list[int]]:
    return [placement_ids[i : i + REPORT_BATCH] for i in range(0, len(placement_ids), REPORT_BATCH)]


@transaction.atomic
def report_run_start(*, term: Term, by: User | None) -> tuple[ReportRun, list[list[int]]]:
    """Ask for the termly report of every placement open during the term that has none
    yet (`by` is None when the scheduler asks). Returns the run and its batches of
    placement ids for the workers (placements.tasks.report_run_enqueue, in the same
    transaction)."""
    if by is not None:
        check_can_issue_reports(by)
    placements = list(
        selectors.placements_needing_report(term).order_by("pk").values_list("pk", flat=True)
    )
    batches = _report_batches(placements)
    run = ReportRun.objects.create(
        term=term,
        requested_by=by,
        total=len(placements),
        batches=len(batches),
        finished_at=None if batches else timezone.now(),
    )
    event_record(
        actor=by, action="report_run.started", obj=run, detail={"placements": len(placements)}
    )
    return run, batches


def _run_to_change(run: ReportRun, by: User) -> ReportRun:
    check_can_issue_reports(by)
    return ReportRun.objects.select_for_update().select_related("term").get(pk=run.pk)


@transaction.atomic
def report_run_stop(*, run: ReportRun, by: User) -> ReportRun:
    """Stop a run: its queued batches then do nothing, and a batch under way stops before
    its next report. Reports issued so far are kept."""
    run = _run_to_change(run, by)
    if run.finished_at:
        raise Refused("These reports have all been made: there is nothing to stop")
    if run.stopped_at:
        raise Refused("These reports were stopped already")
    run.stopped_at = timezone.now()
    run.stopped_by = by
    run.save(update_fields=["stopped_at", "stopped_by"])
    event_record(
        actor=by,
        action="report_run.stopped",
        obj=run,
        detail={"done": run.done, "total": run.total, "round": run.round},
    )
    return run


@transaction.atomic
def report_run_resume(*, run: ReportRun, by: User) -> tuple[ReportRun, list[list[int]]]:
    """Carry on with a stopped run, or try again the reports a finished run could not make:
    a new round of batches for the placements of its term still without a report. Returns
    the run and the round's batches for the workers, as report_run_start does."""
    run = _run_to_change(run, by)
    if run.finished_at and not run.failed:
        raise Refused("These reports have all been made: there is nothing to resume")
    if not run.finished_at and not run.stopped_at:
        raise Refused("These reports are still being made: there is nothing to resume")
    remaining = list(
        selectors.placements_needing_report(run.term).order_by("pk").values_list("pk", flat=True)
    )
    batches = _report_batches(remaining)
    issued = run.reports.count()
    run.round += 1
    run.stopped_at = None
    run.stopped_by = None
    run.total = issued + len(remaining)
    run.done = issued
    run.failed = 0
    run.batches = len(batches)
    run.batches_done = 0
    run.finished_at = None if batches else timezone.now()
    run.save()
    event_record(
        actor=by,
        action="report_run.resumed",
        obj=run,
        detail={"placements": len(remaining), "round": run.round},
    )
    return run, batches


def report_run_batch(*, run_id: int, round: int, batch: list[int]) -> int:
    """Make the reports of one batch, each in its own transaction, then count the batch
    done; the run is finished when every batch of its round is. A batch does nothing once
    its run is stopped or resumed in a later round, and a placement that has its report
    already keeps it: a report is never remade. One report that cannot be made does not
    stop the others: it is counted as failed. Returns how many reports were issued."""
    current = ReportRun.objects.filter(pk=run_id, round=round, stopped_at__isnull=True)
    run = current.select_related("term").first()
    if run is None:
        return 0
    has_report = set(
        TermlyReport.objects.filter(term=run.term, placement_id__in=batch).values_list(
            "placement_id", flat=True
        )
    )
    issued = 0
    for placement_id in batch:
        if not current.exists():  # stopped (or resumed afresh) while this batch ran
            return issued
        failed = False
        if placement_id not in has_report:
            try:
                report_issue(placement_id=placement_id, term=run.term, run=run)
            except IntegrityError:
                # Made meanwhile by a batch of an earlier round, and kept as it was issued;
                # any other broken rule is a failure to try again.
                failed = not TermlyReport.objects.filter(
                    placement_id=placement_id, term=run.term
                ).exists()
            except Exception:
                # The log names the placement's id only; the run page shows how many
                # failed, and resuming the run tries them again.
                logger.exception("Termly report failed: run %s, placement %s", run_id, placement_id)
                failed = True
            else:
                issued += 1
        report_run_tally(run=run, round=round, failed=failed)
    with transaction.atomic():
        current.update(batches_done=F("batches_done") + 1)
        current.filter(batches_done__gte=F("batches")).update(finished_at=timezone.now())
    return issued


# --- Monitoring records -----------------------------------------------------------------


@transaction.atomic
def record_add(*, placement: Placement, kind: str, data: dict, by: User):
    """Add one monitoring record (a target, a review, a behaviour entry …) to a placement.
    Refused with the field at fault for a date in the future."""
    from placements.records import KINDS, model_fields
    from placements.rules import check_can_add_placement_record

    check_can_add_placement_record(by, placement)
    spec = KINDS[kind]
    today = timezone.localdate()
    for name in spec.past_dates:
        if data.get(name) and data[name] > today:
            raise Refused("The date must be today or in the past", field=name)
    if spec.needs_ended and not placement.ended_on:
        raise Refused("Follow-ups are recorded after the placement has ended")
    fields = model_fields(spec, data)
    if "target" in fields:  # a target's review belongs to the placement through it
        if fields["target"].placement_id != placement.pk:
            raise Refused("Choose the target", field="target")
    else:
        fields["placement"] = placement
    record = spec.model.objects.create(recorded_by=by, **fields)
    event_record(
        actor=by,
        action=f"placement.{kind}_added",
        obj=placement,
        detail={"record": str(record.uuid)},
    )
    return record


# --- Termly reports: made once, kept exactly as issued (encrypted, with the SHA-256) -------


def report_issue(*, placement_id: int, term: Term, run: ReportRun | None = None) -> TermlyReport:
    """Make and keep one report. The PDF is written before the row that points to it; a
    failure leaves no row, and removes the file, so the report can be asked for again."""
    placement = (
        selectors.with_related(Placement.objects.filter(pk=placement_id)).select_related("student")
    ).get()
    pdf = render_pdf("placements/report_pdf.html", selectors.report_context(placement, term))
    name = stored_save(pdf)
    try:
        with transaction.atomic():
            report = TermlyReport.objects.create(
                placement=placement,
                term=term,
                run=run,
                stored_name=name,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                issued_at=timezone.now(),
            )
            event_record(
                action="termly_report.issued",
                obj=report,
                detail={"placement": str(placement.uuid), "term": term.name},
            )
    except BaseException:
        document_storage().delete(name)  # no row points to it
        raise
    return report


def report_read(*, report: TermlyReport, by) -> bytes:
    """The PDF as issued, for someone who may see the placement; each download is
    audited."""
    check_can_view_placement(by, report.placement)
    data = stored_read(report.stored_name)
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise ValueError("The stored report does not match the one issued.")
    event_record(actor=by, action="termly_report.downloaded", obj=report)
    return data


def report_run_tally(*, run: ReportRun, round: int, failed: bool) -> None:
    """One more placement's report done (or failed) in a run's round, for its progress
    page."""
    counts = {"done": F("done") + 1}
    if failed:
        counts["failed"] = F("failed") + 1
    ReportRun.objects.filter(pk=run.pk, round=round).update(**counts)


@transaction.atomic
def placements_monitoring_reassign(*, officer: User, to: User, by: User) -> int:
    """Pass every open placement `officer` monitors to `to`, each changed (and audited) on
    its own: when the officer leaves CAP. Returns how many moved."""
    if not is_cap_staff(to):
        raise Refused("The monitoring officer must be one of the CAP team")
    moved = 0
    for placement in Placement.objects.filter(
        monitoring_officer=officer, ended_on__isnull=True
    ).order_by("pk"):
        check_can_edit_placement(by, placement)
        placement = _move(placement, version=placement.version, monitoring_officer=to)
        event_record(
            actor=by,
            action="placement.updated",
            obj=placement,
            detail={"monitoring_officer": str(to.uuid)},
        )
        moved += 1
    return moved
