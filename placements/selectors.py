"""Every non-trivial read of placements. Each page's queries are a fixed few whatever the
number of students: placements (with student and setting), their phases, the marks of the
dates shown and the term dates, each in one query."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, ExtractYear, Greatest, Least, TruncWeek
from django.utils import timezone

from accounts.models import Organisation
from lib import dates
from lib.sql import HoldsString
from placements import schedule
from placements.codes import HomeCode, home_code
from placements.models import (
    Alert,
    AlertKind,
    AttendanceCode,
    Category,
    ExitOutcome,
    ManagedMove,
    Mark,
    MarkTally,
    Phase,
    Placement,
    SettingTally,
)
from placements.rules import move_confirmer_school_ids
from placements.schedule import HOME, SETTING
from programmes.calendar import Calendar
from programmes.models import AcademicYear, Route, Term
from programmes.selectors import year_current


def calendar_for(first: dt.date, last: dt.date) -> Calendar:
    return Calendar(Term.objects.filter(starts_on__lte=last, ends_on__gte=first))


def with_related(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "student", "provider", "home_school", "programme", "course", "monitoring_officer"
    ).prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "pk")))


def open_between(queryset: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """Placements whose dates overlap first..last."""
    return queryset.filter(starts_on__lte=last).filter(
        Q(ended_on__gte=first) | Q(ended_on__isnull=True, planned_end_on__gte=first)
    )


def code_categories() -> dict[str, str]:
    return dict(AttendanceCode.objects.values_list("code", "category"))


def _marks(placements: list[Placement], first: dt.date, last: dt.date) -> dict:
    return {
        (m.placement_id, m.date, m.session): m
        for m in Mark.objects.filter(
            placement__in=[p.pk for p in placements], date__gte=first, date__lte=last
        )
    }


# --- The register -----------------------------------------------------------------------


@dataclass
class Cell:
    date: dt.date
    session: str
    expected: bool  # at the setting
    code: str = ""  # as recorded, or as typed when a refused register is shown again
    recorded: str = ""  # as recorded
    recorded_at: dt.datetime | None = None
    can_mark: bool = False  # the session has started
    name: str = ""  # the form field's name


@dataclass
class RegisterRow:
    placement: Placement
    cells: list[Cell] = field(default_factory=list)


BY_NAME = ("student__legal_last_name", "student__legal_first_name", "pk")


def register_placements(*, setting, first: dt.date, last: dt.date) -> QuerySet:
    """The placements at the setting open on any day from first to last, by student name:
    a queryset, so that a page can count them before loading any. Each with what the
    register shows and register_save asks of it (the student, the home school, the setting
    and the phases), and no more: a register is opened for every setting every day."""
    return (
        open_between(Placement.objects.filter(provider=setting), first, last)
        .select_related("student", "home_school", "provider")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "pk")))
        .order_by(*BY_NAME)
    )


def markable_sessions(days: list[dt.date], calendar: Calendar, now: dt.datetime) -> int:
    """The sessions of `days` that are school days and have started: the most marks one
    placement can take on a register of those days."""
    today = timezone.localdate(now)
    return sum(
        calendar.is_school_day(day)
        and (day < today or (day == today and schedule.has_started(day, session, now)))
        for day in days
        for session in schedule.SESSIONS
    )


def register(
    *,
    placements: list[Placement],
    days: list[dt.date],
    calendar: Calendar,
    now: dt.datetime | None = None,
) -> list[RegisterRow]:
    """One row per placement (loaded with_related) expected at the setting on any of
    `days`, one cell per session: the marks of those days in one query."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    started = {
        (day, session): day < today or (day == today and schedule.has_started(day, session, now))
        for day in days
        for session in schedule.SESSIONS
    }
    marks = _marks(placements, days[0], days[-1])
    rows = []
    for placement in placements:
        row = RegisterRow(placement)
        for day in days:
            expected = schedule.expected_on(placement, day, calendar)
            for session in schedule.SESSIONS:
                where = expected[session]
                mark = marks.get((placement.pk, day, session))
                row.cells.append(
                    Cell(
                        date=day,
                        session=session,
                        expected=where == SETTING,
                        code=mark.code_id if mark else "",
                        recorded=mark.code_id if mark else "",
                        recorded_at=mark.recorded_at if mark else None,
                        can_mark=where == SETTING and started[(day, session)],
                        name=f"m-{placement.uuid}-{day.isoformat()}-{session}",
                    )
                )
        if any(c.expected for c in row.cells):
            rows.append(row)
    return rows


def setting_codes() -> list[AttendanceCode]:
    return list(AttendanceCode.objects.filter(setting_records=True))


# --- Today's whereabouts ----------------------------------------------------------------
# Where each student is expected in one session, and whether the setting's mark has come,
# worked out in SQL so that a page counts and pages them in the database whatever their
# number. schedule.expected_at says the same for one placement in Python (the tests hold
# the two together).

MISSING, ABSENT, WAITING, MARKED, AT_HOME = "missing", "absent", "waiting", "marked", "home"
# In the order a list shows them: the exceptions first.
STATUSES = (MISSING, ABSENT, WAITING, MARKED, AT_HOME)
EXCEPTIONS = "exceptions"  # missing, absent, or any other with an alert


def expected(queryset: QuerySet, *, day: dt.date, session: str, calendar: Calendar) -> QuerySet:
    """The placements in `queryset` that expect the student somewhere in `session` of
    `day`, each annotated with `where`: schedule.SETTING or schedule.HOME.

    As schedule.expected_at: nothing on a day that is not a school day (decided once, in
    Python, as it is the same for every placement) or outside the placement's dates; at
    the setting when the session is in the pattern of the phase covering the day that
    began last (ties by id), or in the placement's own pattern when no phase covers it.
    A pattern is a JSON list of keys, asked whether it holds the key (lib.sql.HoldsString)."""
    if day.weekday() > 4 or not calendar.is_school_day(day):
        placements = queryset.none()
    else:
        placements = open_between(queryset, day, day)
    # No key matches on a weekend, where nothing is expected anyway.
    key = schedule.session_key(day, session) if day.weekday() <= 4 else ""
    # Each a plain EXISTS on the placement's id, which PostgreSQL answers with one hashed
    # pass over the day's phases for every placement at once rather than a lookup (and a
    # sort) per placement: the covering phase that began last is the covering phase with
    # no covering phase after it.
    covering = Phase.objects.filter(starts_on__lte=day, ends_on__gte=day)
    later = covering.filter(placement=OuterRef("placement")).filter(
        Q(starts_on__gt=OuterRef("starts_on"))
        | Q(starts_on=OuterRef("starts_on"), pk__gt=OuterRef("pk"))
    )
    last_phase_has_key = covering.filter(HoldsString("pattern", key)).filter(~Exists(later))
    return placements.annotate(
        phased=Exists(covering.filter(placement=OuterRef("pk"))),
        phase_has_key=Exists(last_phase_has_key.filter(placement=OuterRef("pk"))),
        own_has_key=HoldsString("pattern", key),
    ).annotate(
        where=Case(
            When(phase_has_key=True, then=Value(SETTING)),
            When(phased=False, own_has_key=True, then=Value(SETTING)),
            default=Value(HOME),
            output_field=CharField(),
        )
    )


def whereabouts(
    queryset: QuerySet,
    *,
    now: dt.datetime,
    session: str,
    calendar: Calendar | None = None,
) -> QuerySet:
    """For `session` of today: the placements in `queryset` that expect the student
    somewhere, annotated (see `expected`) with `where`, the setting's `mark` and its
    `category` (None until it comes), `has_alert` (an alert was raised for the session)
    and `status`: home (expected at the home school), marked, absent, missing (no mark and
    the register has closed) or waiting (no mark, the register still open). Ordered with
    the exceptions first (missing, absent, then any other with an alert), then by name."""
    today = timezone.localdate(now)
    calendar = calendar or calendar_for(today, today)
    overdue = now >= schedule.register_closes(today, session)
    placements = expected(queryset, day=today, session=session, calendar=calendar)
    alerted = Case(When(has_alert=True, then=Value(2)), default=Value(3))
    return (
        placements.annotate(
            session_mark=FilteredRelation(
                "marks", condition=Q(marks__date=today, marks__session=session)
            )
        )
        .annotate(
            mark=F("session_mark__code_id"),
            category=F("session_mark__code__category"),
            has_alert=Exists(
                Alert.objects.filter(placement=OuterRef("pk"), date=today, session=session)
            ),
        )
        .annotate(
            status=Case(
                When(where=HOME, then=Value(AT_HOME)),
                When(mark__isnull=True, then=Value(MISSING if overdue else WAITING)),
                When(category__in=sorted(Category.absent()), then=Value(ABSENT)),
                default=Value(MARKED),
                output_field=CharField(),
            )
        )
        .annotate(
            # As missing 0, absent 1, any other with an alert 2, the rest 3; said from the
            # where, mark and alert directly, not from the status, which the database would
            # work out (its where with it) again for each status compared.
            rank=Case(
                When(where=HOME, then=alerted),
                When(mark__isnull=True, then=Value(0) if overdue else alerted),
                When(category__in=sorted(Category.absent()), then=Value(1)),
                default=alerted,
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "student__legal_last_name", "student__legal_first_name", "pk")
    )


def whereabouts_filtered(
    placements: QuerySet,
    *,
    setting: str = "",
    school: str = "",
    officer: str = "",
    programme: str = "",
) -> QuerySet:
    """`whereabouts` narrowed to settings and home schools whose names hold the text given,
    one monitoring officer (by UUID) and one programme (by key)."""
    if setting:
        placements = placements.filter(provider__name__icontains=setting)
    if school:
        placements = placements.filter(home_school__name__icontains=school)
    if officer:
        placements = placements.filter(monitoring_officer__uuid=officer)
    if programme:
        placements = placements.filter(programme__key=programme)
    return placements


def with_status(placements: QuerySet, status: str) -> QuerySet:
    """`whereabouts` with one status, or the exceptions (EXCEPTIONS), or all ("")."""
    if status == EXCEPTIONS:
        return exceptions(placements)
    return placements.filter(status=status) if status else placements


def exceptions(placements: QuerySet) -> QuerySet:
    """Of `whereabouts`, those to follow up: a missing mark, an absence, or an alert."""
    return placements.filter(Q(status__in=[MISSING, ABSENT]) | Q(has_alert=True))


@dataclass
class WhereaboutsCounts:
    by_status: dict[str, int]
    exceptions: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def of(self, status: str) -> int:
        """How many `with_status(…, status)` holds."""
        if status == EXCEPTIONS:
            return self.exceptions
        return self.by_status[status] if status else self.total


def whereabouts_counts(placements: QuerySet) -> WhereaboutsCounts:
    """How many of `whereabouts` have each status, and how many are exceptions, in one
    grouped query."""
    by_status = dict.fromkeys(STATUSES, 0)
    exceptional = 0
    rows = placements.order_by().values("status", "has_alert").annotate(n=Count("pk"))
    for row in rows:
        by_status[row["status"]] += row["n"]
        if row["status"] in (MISSING, ABSENT) or row["has_alert"]:
            exceptional += row["n"]
    return WhereaboutsCounts(by_status, exceptional)


def whereabouts_rows(placements: list[Placement], *, now: dt.datetime, session: str) -> None:
    """Give each placement of a page of `whereabouts` the code its home school records
    (`home`), worked out in Python for the rows shown only."""
    today = timezone.localdate(now)
    overdue = now >= schedule.register_closes(today, session)
    for placement in placements:
        placement.home = home_code(
            placement=placement,
            where=placement.where,
            mark_code=placement.mark,
            category=placement.category,
            overdue=overdue,
        )


def whereabouts_options(placements: QuerySet) -> tuple[list[tuple[str, str]], list[tuple]]:
    """The programmes (by key: a key names the same programme in every year) and the
    monitoring officers of `whereabouts`, for its filters, by name: as many as there are
    programmes and officers, whatever the number of students, each list in one query."""
    programmes = placements.order_by().values_list("programme__key", "programme__name").distinct()
    officers = (
        placements.filter(monitoring_officer__isnull=False)
        .order_by()
        .values_list("monitoring_officer__uuid", "monitoring_officer__full_name")
        .distinct()
    )
    return (
        sorted(dict(programmes).items(), key=lambda p: (p[1], p[0])),
        sorted(officers, key=lambda o: (o[1], str(o[0]))),
    )


def code_meanings(codes) -> dict[str, str]:
    """What each of `codes` means, from the national code table ("U": "Arrived after the
    register closed"), in one query however many there are."""
    codes = set(codes)
    if not codes:
        return {}
    return dict(AttendanceCode.objects.filter(code__in=codes).values_list("code", "meaning"))


def open_alerts(queryset: QuerySet, *, since: dt.date) -> QuerySet:
    """Alerts on the placements in `queryset` since a date, newest first: missing marks
    that have since arrived are shown as resolved."""
    return (
        Alert.objects.filter(placement__in=queryset, date__gte=since)
        .select_related("placement__student", "placement__provider", "placement__home_school")
        # What the page shows, no more: a page of 200 alerts would otherwise load 200
        # students' whole records (and build them) to show two names each.
        .only(
            "uuid",
            "date",
            "session",
            "kind",
            "code",
            "raised_at",
            "resolved_at",
            "placement__uuid",
            "placement__student__preferred_name",  # known_as
            "placement__student__legal_first_name",
            "placement__student__legal_last_name",
            "placement__provider__name",
            "placement__home_school__name",
        )
    )


# --- The home school's codes ------------------------------------------------------------


@dataclass
class CodeRow:
    placement: Placement
    date: dt.date
    session: str
    home: HomeCode
    mark: str


def school_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The weekdays from first to last (the calendar decides which are school days)."""
    return [
        first + dt.timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + dt.timedelta(days=n)).weekday() < 5
    ]


# How far the codes page looks for the school day before or after the one shown: longer
# than any holiday, so a gap in the term dates shows as no link rather than a long search.
NEAREST_SCHOOL_DAY_WITHIN = 120


@dataclass
class SchoolDay:
    day: dt.date
    is_school_day: bool
    previous: dt.date | None
    next: dt.date | None


def school_day(day: dt.date) -> SchoolDay:
    """Whether `day` is a school day, and the school days before and after it, from the
    term dates in one query."""
    within = dt.timedelta(days=NEAREST_SCHOOL_DAY_WITHIN)
    calendar = calendar_for(day - within, day + within)

    def nearest(step: int) -> dt.date | None:
        for n in range(1, NEAREST_SCHOOL_DAY_WITHIN + 1):
            other = day + dt.timedelta(days=n * step)
            if calendar.is_school_day(other):
                return other
        return None

    return SchoolDay(day, calendar.is_school_day(day), nearest(-1), nearest(1))


def codes_placements(queryset: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """The placements in `queryset` open on any day from first to last, by student name,
    with the student and the setting: a queryset, so that a page counts them and loads
    only its own."""
    return (
        open_between(queryset, first, last).select_related("student", "provider").order_by(*BY_NAME)
    )


def home_codes(
    *,
    placements: list[Placement],
    first: dt.date,
    last: dt.date,
    calendar: Calendar | None = None,
    categories: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> list[CodeRow]:
    """For each session from first to last of each of `placements` (as codes_placements
    loads them), the code the home school records: their phases in one query and their
    marks in another, and the term dates and the codes' categories in one each unless
    given. The phases and marks are read as plain values rather than through
    prefetch_related, whose cost per placement is most of a CSV's time."""
    now = now or timezone.now()
    calendar = calendar or calendar_for(first, last)
    categories = categories if categories is not None else code_categories()
    ids = [p.pk for p in placements]
    phases: dict[int, list[Phase]] = defaultdict(list)
    for phase in Phase.objects.filter(placement__in=ids).only(
        "placement_id", "starts_on", "ends_on", "pattern"
    ):
        phases[phase.placement_id].append(phase)
    marks = {
        (placement, date, session): code
        for placement, date, session, code in Mark.objects.filter(
            placement__in=ids, date__gte=first, date__lte=last
        ).values_list("placement_id", "date", "session", "code_id")
    }
    days = school_days(first, last)
    overdue = {
        (day, session): now >= schedule.register_closes(day, session)
        for day in days
        for session in schedule.SESSIONS
    }
    rows = []
    for placement in placements:
        own = phases.get(placement.pk, [])
        for day in days:
            for session in schedule.SESSIONS:
                where = schedule.expected_at(placement, day, session, calendar, own)
                if where is None:
                    continue
                code = marks.get((placement.pk, day, session))
                home = home_code(
                    placement=placement,
                    where=where,
                    mark_code=code,
                    category=categories.get(code) if code else None,
                    overdue=overdue[(day, session)],
                )
                rows.append(CodeRow(placement, day, session, home, code or ""))
    return rows


CODES_CHUNK = 500


def home_codes_chunks(
    *,
    queryset: QuerySet,
    first: dt.date,
    last: dt.date,
    size: int | None = None,
    now: dt.datetime | None = None,
) -> Iterator[list[CodeRow]]:
    """home_codes for every placement in `queryset` open from first to last, `size`
    placements at a time, so that memory does not grow with the number of students: the
    term dates and the codes' categories in one query each, then three a chunk (the
    placements after the last one read, by student name and pk; their phases; their marks).
    """
    now = now or timezone.now()
    size = size or CODES_CHUNK
    calendar = calendar_for(first, last)
    categories = code_categories()
    placements = codes_placements(queryset, first, last)
    after: Q | None = None
    while True:
        chunk = list((placements.filter(after) if after is not None else placements)[:size])
        if not chunk:
            return
        yield home_codes(
            placements=chunk,
            first=first,
            last=last,
            calendar=calendar,
            categories=categories,
            now=now,
        )
        if len(chunk) < size:
            return
        after = _after(chunk[-1])


def _after(placement: Placement) -> Q:
    """The placements after this one in BY_NAME order (a keyset, not an offset, so that
    each chunk costs the same however far in)."""
    last, first = placement.student.legal_last_name, placement.student.legal_first_name
    return (
        Q(student__legal_last_name__gt=last)
        | Q(student__legal_last_name=last, student__legal_first_name__gt=first)
        | Q(student__legal_last_name=last, student__legal_first_name=first, pk__gt=placement.pk)
    )


# --- Attendance figures (the DfE way) ---------------------------------------------------


@dataclass
class Figures:
    """Sessions by statistical category. Present and approved educational activity count
    as attended; D and the other not-possible codes leave the possible sessions."""

    counts: Counter

    @property
    def present(self) -> int:
        return self.counts[Category.PRESENT]

    @property
    def approved(self) -> int:
        return self.counts[Category.APPROVED]

    @property
    def authorised(self) -> int:
        return self.counts[Category.AUTHORISED]

    @property
    def unauthorised(self) -> int:
        return self.counts[Category.UNAUTHORISED]

    @property
    def not_possible(self) -> int:
        return self.counts[Category.NOT_POSSIBLE]

    @property
    def attended(self) -> int:
        return self.present + self.approved

    @property
    def possible(self) -> int:
        return self.attended + self.authorised + self.unauthorised

    @property
    def rate(self) -> float | None:
        """Attendance as a percentage of possible sessions, to one decimal place."""
        return round(100 * self.attended / self.possible, 1) if self.possible else None

    @property
    def absence_rate(self) -> float | None:
        return (
            round(100 * (self.authorised + self.unauthorised) / self.possible, 1)
            if self.possible
            else None
        )

    @property
    def unauthorised_rate(self) -> float | None:
        return round(100 * self.unauthorised / self.possible, 1) if self.possible else None


def figures(marks: QuerySet) -> Figures:
    """The figures for a set of marks, counted in the database. Give it marks bounded by
    date (the termly report gives one placement's term): oversight and the placement's
    page count the weekly tallies instead (attendance_totals)."""
    rows = marks.values("code__category").annotate(n=Count("id"))
    return Figures(Counter({r["code__category"]: r["n"] for r in rows}))


def weekly_trend(marks: QuerySet, *, weeks: int = 8) -> list[tuple[dt.date, Figures]]:
    """The figures week by week (Monday first), for the last `weeks` weeks with marks,
    counted in the database; bounded by date as for figures()."""
    by_week: dict[dt.date, Counter] = defaultdict(Counter)
    rows = (
        marks.annotate(week=TruncWeek("date"))
        .values("week", "code__category")
        .annotate(n=Count("id"))
    )
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, dt.datetime) else week
        by_week[week][row["code__category"]] += row["n"]
    return [(week, Figures(by_week[week])) for week in sorted(by_week)[-weeks:]]


# --- Attendance for oversight, from the weekly tallies ----------------------------------
# Every figure below counts MarkTally rows (one a placement a week), never the marks
# themselves, for the weeks of a window: from the week holding `first` to the week holding
# `last`. A week is the unit, so a week that straddles the window's edge counts whole.
# Each takes the placements to count as a queryset (a Scope's, or those a person may see)
# and makes one or two queries whatever the number of marks. Those marked EVERY also take
# `every`: the caller knows `placements` hold every placement with tallies in the window
# (the CAP team's), so they count the settings' weekly sums (SettingTally, which
# register_save keeps equal to the tallies' sums) rather than every placement's weeks:
# 4,800 settings' forty weeks a year rather than 1.5 million tallies at national volume.

_CATEGORY_SUMS = {c.value: Coalesce(Sum(c.value), 0) for c in Category}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def tallies(placements: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """The tallies of `placements` for the weeks from the week of `first` to the week of
    `last`."""
    return MarkTally.objects.filter(
        placement__in=placements, week__gte=_monday(first), week__lte=last
    )


def tallies_outside(placements: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """The tallies of the same weeks as tallies() of every placement not among
    `placements`: none when the settings' weekly sums count exactly `placements`."""
    return MarkTally.objects.filter(week__gte=_monday(first), week__lte=last).exclude(
        placement__in=placements
    )


def setting_tallies(first: dt.date, last: dt.date) -> QuerySet:
    """Every setting's weekly sums for the same weeks as tallies()."""
    return SettingTally.objects.filter(week__gte=_monday(first), week__lte=last)


def _counted(placements: QuerySet, first: dt.date, last: dt.date, every: bool) -> QuerySet:
    """The rows to add up: the placements' tallies, or for every placement the settings'
    weekly sums."""
    return setting_tallies(first, last) if every else tallies(placements, first, last)


def _figures_of(row: dict) -> Figures:
    return Figures(Counter({c: row[c.value] or 0 for c in Category}))


def attendance_totals(
    placements: QuerySet, first: dt.date, last: dt.date, *, every: bool = False
) -> Figures:
    """The DfE figures of every session of `placements` in the window, in one query.
    EVERY."""
    return _figures_of(_counted(placements, first, last, every).aggregate(**_CATEGORY_SUMS))


@dataclass
class Group:
    """The figures of one setting, programme or home school. `key` is what a filter names
    it by (an organisation's UUID, a programme's key)."""

    key: str
    name: str
    figures: Figures


# What each grouping groups by: the key a filter uses, and the name shown.
GROUPINGS = {
    "setting": ("placement__provider__uuid", "placement__provider__name"),
    "programme": ("placement__programme__key", "placement__programme__name"),
    "school": ("placement__home_school__uuid", "placement__home_school__name"),
}


def attendance_by(
    placements: QuerySet, first: dt.date, last: dt.date, *, by: str, every: bool = False
) -> list[Group]:
    """The figures of each setting, programme or home school (`by` is one of GROUPINGS),
    by name, in one query. EVERY, by setting only."""
    key, name = GROUPINGS[by]
    if every and by == "setting":
        rows = setting_tallies(first, last)
        key, name = key.removeprefix("placement__"), name.removeprefix("placement__")
    else:
        rows = tallies(placements, first, last)
    rows = rows.values(key, name).annotate(**_CATEGORY_SUMS).order_by(name, key)
    return [Group(str(row[key]), row[name], _figures_of(row)) for row in rows]


def attendance_by_setting_page(
    placements: QuerySet,
    first: dt.date,
    last: dt.date,
    *,
    number,
    size: int,
    every: bool = False,
) -> Page:
    """One page of attendance_by(by="setting"), `size` settings a page in the same order,
    in two queries whatever the number of settings: the page's settings with how many
    there are in all (a window count, so the settings are found once), and their sums.
    Page `number` is as a query string gives it, read as Paginator.get_page reads it:
    anything not a number is the first page, past the last is the last (which takes two
    more queries). EVERY."""
    counted = _counted(placements, first, last, every)
    setting = "provider" if every else "placement__provider"
    settings_counted = (
        Organisation.objects.filter(Exists(counted.filter(**{setting: OuterRef("pk")})))
        .annotate(settings=Window(Count("pk")))
        .order_by("name", "uuid")
        .only("uuid", "name")
    )
    paginator = Paginator(settings_counted, size)
    try:
        wanted = max(int(number), 1)
    except (TypeError, ValueError):
        wanted = 1
    chosen = list(settings_counted[(wanted - 1) * size : wanted * size])
    paginator.count = chosen[0].settings if chosen else settings_counted.count()
    if not chosen and paginator.count:
        wanted = paginator.num_pages
        chosen = list(settings_counted[(wanted - 1) * size : wanted * size])
    page = paginator.page(min(wanted, paginator.num_pages))
    sums = {
        row[setting]: _figures_of(row)
        for row in counted.filter(**{f"{setting}__in": chosen})
        .values(setting)
        .annotate(**_CATEGORY_SUMS)
        .order_by()
    }
    page.object_list = [Group(str(s.uuid), s.name, sums[s.pk]) for s in chosen]
    return page


def attendance_by_week(
    placements: QuerySet, first: dt.date, last: dt.date, *, every: bool = False
) -> list[tuple[dt.date, Figures]]:
    """The figures week by week (each week's Monday), for the weeks with marks, in one
    query. EVERY."""
    rows = _counted(placements, first, last, every).values("week").annotate(**_CATEGORY_SUMS)
    return [(row["week"], _figures_of(row)) for row in rows.order_by("week")]


def figures_added(weeks: list[tuple[dt.date, Figures]]) -> Figures:
    """The figures of attendance_by_week's weeks added up: every week of the window with
    marks is among them, so these are attendance_totals' figures, with no query."""
    counts = Counter(dict.fromkeys(Category, 0))
    for _, figures in weeks:
        counts.update(figures.counts)
    return Figures(counts)


@dataclass
class Below:
    """Placements with possible sessions in the window (`counted`), and how many of them
    attended under 90% and under 50% of those sessions."""

    counted: int
    below_90: int
    below_50: int


def attendance_below(placements: QuerySet, first: dt.date, last: dt.date) -> Below:
    """How many placements attended under 90% and under 50% of their possible sessions
    over the window, in one query: each placement's weeks summed in SQL (GROUP BY
    placement, HAVING possible sessions), then counted with the thresholds compared in
    whole numbers (100 × attended < 90 × possible), so no row comes back to Python."""
    per_placement = (
        tallies(placements, first, last)
        .values("placement")
        .annotate(
            attended_100=Sum((F("present") + F("approved")) * 100),
            possible=Sum(F("present") + F("approved") + F("authorised") + F("unauthorised")),
        )
        .filter(possible__gt=0)
        .order_by()
    )
    counts = per_placement.aggregate(
        counted=Count("placement"),
        below_90=Count("placement", filter=Q(attended_100__lt=F("possible") * 90)),
        below_50=Count("placement", filter=Q(attended_100__lt=F("possible") * 50)),
    )
    return Below(**counts)


@dataclass
class Timeliness:
    """One setting's registers in the window: the marks recorded, how many were first
    entered after the register closed, and the sessions whose mark had not come when the
    register closed (missing-mark alerts), with how many of those never came."""

    key: str
    name: str
    marks: int = 0
    entered_late: int = 0
    missing: int = 0
    still_missing: int = 0


def register_timeliness(
    placements: QuerySet, first: dt.date, last: dt.date, *, every: bool = False
) -> list[Timeliness]:
    """Each setting's late and missing marks in the window's weeks, by name, in two
    queries: the tallies by setting (EVERY), and the missing-mark alerts by setting."""
    by_key: dict[str, Timeliness] = {}
    provider = "provider" if every else "placement__provider"
    late = (
        _counted(placements, first, last, every)
        .values(f"{provider}__uuid", f"{provider}__name")
        .annotate(**_CATEGORY_SUMS, late=Coalesce(Sum("entered_late"), 0))
        .order_by()
    )
    for row in late:
        key = str(row[f"{provider}__uuid"])
        by_key[key] = Timeliness(
            key,
            row[f"{provider}__name"],
            marks=sum(row[c.value] for c in Category),
            entered_late=row["late"],
        )
    alerts = (
        Alert.objects.filter(
            placement__in=placements,
            kind=AlertKind.MISSING,
            date__gte=_monday(first),
            date__lte=_monday(last) + dt.timedelta(days=6),
        )
        .values("placement__provider__uuid", "placement__provider__name")
        .annotate(n=Count("pk"), unresolved=Count("pk", filter=Q(resolved_at__isnull=True)))
        .order_by()
    )
    for row in alerts:
        key = str(row["placement__provider__uuid"])
        found = by_key.setdefault(key, Timeliness(key, row["placement__provider__name"]))
        found.missing, found.still_missing = row["n"], row["unresolved"]
    return sorted(by_key.values(), key=lambda t: (t.name, t.key))


@dataclass
class HoursGroup:
    """Placements with the same hours a week at the setting and the same year group."""

    hours: float
    year_group: int
    full_time: float | None
    placements: int

    @property
    def share(self) -> float | None:
        """The hours as a share of full time, as a fraction."""
        return self.hours / self.full_time if self.full_time else None


def hours_at_setting(
    placements: QuerySet, first: dt.date, last: dt.date, *, on: dt.date
) -> list[HoursGroup]:
    """The placements open in the window, grouped by their hours a week at the setting and
    the student's year group, for comparing with full-time hours.

    Each placement is taken as it is on `on` (say today, within the window), or on its own
    first or last day when it was not open then: its sessions at the setting are the
    pattern of the phase covering that day, or its own pattern (schedule.pattern_on, done
    in SQL), and its hours are schedule.hours_a_week of them. The year group is the one of
    the academic year holding `on`. The database groups the placements by pattern and year
    of birth (a few dozen groups however many placements); the hours are worked out per
    group. It approximates a placement's week as one typical week: weeks with a bank
    holiday, half term or a later change of pattern are not counted separately, and
    sessions at the home school are not hours at the setting."""
    day = Greatest(F("starts_on"), Least(Value(on), Coalesce(F("ended_on"), F("planned_end_on"))))
    phase_pattern = (
        Phase.objects.filter(
            placement=OuterRef("pk"), starts_on__lte=OuterRef("day"), ends_on__gte=OuterRef("day")
        )
        .order_by("-starts_on", "-pk")
        .values("pattern")[:1]
    )
    born = ExtractYear("student__date_of_birth")
    rows = (
        open_between(placements, first, last)
        .annotate(day=day)
        .annotate(
            week=Coalesce(
                Subquery(phase_pattern, output_field=JSONField()),
                F("pattern"),
                output_field=JSONField(),
            ),
            cohort=Case(When(student__date_of_birth__month__gte=9, then=born), default=born - 1),
        )
        .values("week", "cohort")
        .annotate(n=Count("pk"))
        .order_by()
    )
    start = dates.academic_year_start(on)
    groups: Counter = Counter()
    for row in rows:
        hours = schedule.hours_a_week(row["week"] or [])
        groups[(hours, start - row["cohort"] - 5)] += row["n"]
    return [
        HoursGroup(hours, year_group, schedule.full_time_hours(year_group), n)
        for (hours, year_group), n in sorted(groups.items())
    ]


@dataclass
class PlacementAttendance:
    """A placement's page: its figures over its own dates and its last weeks, and the
    student's across the placements the reader may see in the academic year holding the
    day shown (`year`, None when no year is set up)."""

    figures: Figures
    trend: list[tuple[dt.date, Figures]]
    year: AcademicYear | None
    placements_in_year: int
    student_figures: Figures


def placement_attendance(
    placement: Placement, *, student_placements: QuerySet, on: dt.date, weeks: int = 8
) -> PlacementAttendance:
    """From the weekly tallies, in five queries whatever the number of marks: the
    placement's own (bounded by its dates, so by its programme's length), and those of
    `student_placements` (the student's that the reader may see) bounded by the academic
    year holding `on`."""
    one = Placement.objects.filter(pk=placement.pk)
    first, last = placement.starts_on, placement.last_day
    year = year_current(on=on)
    in_year = Figures(Counter())
    count = 0
    if year is not None:
        in_year = attendance_totals(student_placements, year.starts_on, year.ends_on)
        count = open_between(student_placements, year.starts_on, year.ends_on).count()
    return PlacementAttendance(
        figures=attendance_totals(one, first, last),
        trend=attendance_by_week(one, first, last)[-weeks:],
        year=year,
        placements_in_year=count,
        student_figures=in_year,
    )


@dataclass
class Hours:
    at_setting: float
    full_time: float | None
    year_group: int


def hours(placement: Placement, on: dt.date) -> Hours:
    """Hours of AP a week in the week of `on`, against the full-time expectation for the
    student's year group."""
    pattern = schedule.pattern_on(placement, on, placement.phases.all())
    group = placement.student.year_group(on)
    return Hours(schedule.hours_a_week(pattern), schedule.full_time_hours(group), group)


# --- Exits ------------------------------------------------------------------------------

ENDING_SOON_DAYS = 14


def ending_soon(queryset: QuerySet, *, today: dt.date) -> QuerySet:
    """Open placements whose planned end is within two weeks."""
    return queryset.filter(
        ended_on__isnull=True,
        planned_end_on__gte=today,
        planned_end_on__lte=today + dt.timedelta(days=ENDING_SOON_DAYS),
    )


def overdue_exits(queryset: QuerySet, *, today: dt.date) -> QuerySet:
    """Placements past their planned end with no exit recorded."""
    return queryset.filter(ended_on__isnull=True, planned_end_on__lt=today)


# --- Reports ----------------------------------------------------------------------------


def placements_needing_report(term: Term) -> QuerySet:
    """Placements open during the term that have no report for it yet."""
    return open_between(Placement.objects.all(), term.starts_on, term.ends_on).exclude(
        reports__term=term
    )


# --- The termly report ----------------------------------------------------------------


def report_context(placement: Placement, term: Term) -> dict:
    """What the report says: attendance in the term, progress, behaviour, the latest
    review's commentary and its actions as next steps."""
    first = max(term.starts_on, placement.starts_on)
    last = min(term.ends_on, placement.last_day)
    marks = Mark.objects.filter(placement=placement, date__gte=first, date__lte=last)
    in_term = {"placement": placement}
    behaviour = placement.behaviour.filter(happened_on__gte=first, happened_on__lte=last)
    reviews = list(placement.reviews.filter(held_on__lte=last).order_by("-held_on")[:1])
    return {
        "placement": placement,
        "student": placement.student,
        "term": term,
        "first": first,
        "last": last,
        "figures": figures(marks),
        "trend": weekly_trend(marks, weeks=14),
        "hours": hours(placement, first),
        "targets": [
            (t, list(t.reviews.all())[-1:] or None)
            for t in placement.targets.prefetch_related("reviews")
        ],
        "assessments": placement.assessments.filter(taken_on__lte=last),
        "qualifications": placement.qualifications.filter(gained_on__lte=last),
        "positive": behaviour.filter(kind="positive").count(),
        "negative": behaviour.filter(kind="negative").count(),
        "behaviour": behaviour,
        "review": reviews[0] if reviews else None,
        "student_view": placement.student_views.filter(given_on__lte=last).last(),
        "authority_name": settings.CAP_AUTHORITY_NAME,
        "service_name": settings.CAP_SERVICE_NAME,
        "issued_on": timezone.localdate(),
        **in_term,
    }


def term_for(day: dt.date) -> Term | None:
    return Term.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


# --- Managed moves ----------------------------------------------------------------------

HOME_LIST = 50


def managed_moves_for_school_home(user) -> dict[str, list]:
    """A receiving school's Supported Transfers for its home page, at most 50 of each:
    ended in a managed move and not yet confirmed, open (not yet confirmed), and confirmed
    moves whose day is still to come. Three queries whatever the numbers."""
    transfers = (
        Placement.objects.filter(
            provider_id__in=move_confirmer_school_ids(user),
            programme__route=Route.PANEL_THEN_HEADTEACHERS,
            managed_move__isnull=True,
        )
        .select_related("student", "home_school")
        .order_by("planned_end_on", "pk")
    )
    coming = (
        ManagedMove.objects.filter(
            to_school_id__in=move_confirmer_school_ids(user), applied_at__isnull=True
        )
        .select_related("student", "from_school", "placement")
        .order_by("moves_on", "pk")
    )
    return {
        "to_confirm": list(transfers.filter(exit_outcome=ExitOutcome.MANAGED_MOVE)[:HOME_LIST]),
        "open": list(transfers.filter(ended_on__isnull=True)[:HOME_LIST]),
        "coming": list(coming[:HOME_LIST]),
    }


def managed_move_of(placement: Placement) -> ManagedMove | None:
    return (
        ManagedMove.objects.filter(placement=placement)
        .select_related("from_school", "to_school")
        .first()
    )
