"""Attendance the DfE way, for the CAP team, each school and each provider: overall, by
setting, programme, home school and week; placements under 90% and 50%; hours at the
setting against full time; registers entered late or missing.

Every figure comes from placements.selectors, which count the weekly tallies that
register_save keeps current as marks are saved (never the marks themselves), bounded by
the scope's year or term; for the CAP team's whole service, the overall, by-setting,
by-week and late figures count the settings' weekly sums instead (counts_every_placement).
The page makes the same dozen queries whatever the number of marks.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from accounts.rules import Area
from dashboards.pages import page
from dashboards.report import (
    COUNT,
    DATE,
    LABEL,
    NUMBER,
    RATE,
    Cell,
    Column,
    Table,
    share,
    shown,
    suppress,
)
from dashboards.scope import Scope
from dashboards.selectors import threshold as _threshold
from lib import dates
from placements import schedule, selectors
from placements.selectors import Figures

DFE_WAY = (
    "Counted the DfE way: present and approved educational activity are attended; "
    "attended, authorised and unauthorised absence are the possible sessions; codes such "
    "as D and the “unable to attend” codes are not possible sessions and are left out. "
    "Weeks run Monday to Friday; a week that starts before the period or ends after it "
    "counts whole."
)


def _figure_columns(label: str, kind: str = LABEL) -> list[Column]:
    return [
        Column(label, kind),
        Column("Possible sessions"),
        Column("Attended"),
        Column("Authorised absence"),
        Column("Unauthorised absence"),
        Column("Attendance", RATE),
    ]


RATE_AT = 5  # the Attendance column of _figure_columns


def _figure_row(label, figures: Figures) -> list:
    return [
        label,
        figures.possible,
        figures.attended,
        figures.authorised,
        figures.unauthorised,
        figures.rate,
    ]


def _as_shown(table: Table, scope: Scope, threshold: int) -> list[list[Cell]]:
    """The table's cells as the person will see them: summaries are written from these,
    so a sentence never says what the table withholds."""
    return (suppress(table, threshold) if scope.suppress else table).cells()


def _known(cell: Cell) -> bool:
    return not cell.suppressed and cell.value is not None


def _withheld(cells: list[list[Cell]]) -> str:
    if any(c.suppressed for row in cells for c in row):
        return " Some figures are withheld because they count very few students."
    return ""


def _sentence(*clauses: str) -> str:
    """The clauses that say something, as one sentence."""
    said = [c for c in clauses if c]
    return ("; ".join(said)[:1].upper() + "; ".join(said)[1:] + ".") if said else ""


def _attendance_clause(row: list[Cell]) -> str:
    """ "attendance was 87.2% over 1,234 possible sessions", from a figures row shown."""
    if row[RATE_AT].suppressed:
        return ""
    if row[RATE_AT].value is None:
        return "there were no possible sessions"
    sessions = (
        f" over {shown(row[1].value, COUNT)} possible session{'s' if row[1].value != 1 else ''}"
        if _known(row[1])
        else ""
    )
    return f"attendance was {shown(row[RATE_AT].value, RATE)}{sessions}"


def _spread_clause(cells: list[list[Cell]]) -> str:
    """ "lowest at X (61.0%), highest at Y (95.0%)", among the rows with a rate shown."""
    rated = [(row[0].value, row[RATE_AT].value) for row in cells if _known(row[RATE_AT])]
    if len(rated) < 2:
        return ""
    lowest = min(rated, key=lambda r: r[1])
    highest = max(rated, key=lambda r: r[1])
    return (
        f"lowest at {lowest[0]} ({shown(lowest[1], RATE)}), "
        f"highest at {highest[0]} ({shown(highest[1], RATE)})"
    )


# --- The tables -------------------------------------------------------------------------


def _overall(scope: Scope, figures: Figures, threshold: int, now: dt.datetime) -> Table:
    """The period's figures. The CAP team also sees present, approved educational activity
    and not-possible sessions apart; outside it those small counts would withhold the
    row's rates, so schools and providers see the headline columns only."""
    when = timezone.localtime(now)
    columns = [*_figure_columns("Period"), Column("Unauthorised absence rate", RATE)]
    row = [*_figure_row(scope.described(), figures), figures.unauthorised_rate]
    if not scope.suppress:
        columns += [
            Column("Present"),
            Column("Approved educational activity"),
            Column("Not possible sessions"),
        ]
        row += [figures.present, figures.approved, figures.not_possible]
    table = Table(
        key="overall",
        caption="Attendance overall",
        columns=columns,
        rows=[row],
        note=(
            f"Figures include every mark saved up to {dates.time_of_day(when)} on "
            f"{dates.long_date(when.date(), weekday=False)}. {DFE_WAY}"
        ),
    )
    cells = _as_shown(table, scope, threshold)
    table.summary = (_sentence(_attendance_clause(cells[0])) + _withheld(cells)).strip()
    return table


def _grouped(
    scope: Scope,
    groups: list[selectors.Group],
    *,
    key: str,
    caption: str,
    label: str,
    filter_name: str,
    overall: Table,
    threshold: int,
) -> Table:
    table = Table(
        key=key,
        caption=caption,
        columns=_figure_columns(label),
        rows=[
            _figure_row(Cell(g.name, href="?" + scope.query(**{filter_name: g.key})), g.figures)
            for g in groups
        ],
        chart="bar",
        chart_column=RATE_AT,
        note=f"Each row counts the sessions of the placements at it. {DFE_WAY}",
    )
    cells = _as_shown(table, scope, threshold)
    if not groups:
        table.summary = "No marks have been recorded in this period."
        return table
    table.summary = (
        _sentence(
            _attendance_clause(_as_shown(overall, scope, threshold)[0]), _spread_clause(cells)
        )
        + _withheld(cells)
    ).strip()
    return table


def _by_week(scope: Scope, weeks: list[tuple[dt.date, Figures]], threshold: int) -> Table:
    table = Table(
        key="weeks",
        caption="Attendance week by week",
        columns=_figure_columns("Week beginning", DATE),
        rows=[_figure_row(monday, figures) for monday, figures in weeks],
        chart="line",
        chart_column=RATE_AT,
        note=f"Weeks with marks only: holidays and half terms have none. {DFE_WAY}",
    )
    cells = _as_shown(table, scope, threshold)
    if not cells:
        table.summary = "No marks have been recorded in this period."
        return table
    rated = [row for row in cells if _known(row[RATE_AT])]
    latest = cells[-1]
    lowest = min(rated, key=lambda r: r[RATE_AT].value) if len(rated) > 1 else None
    highest = max(rated, key=lambda r: r[RATE_AT].value) if len(rated) > 1 else None
    table.summary = (
        _sentence(
            f"attendance was {shown(latest[RATE_AT].value, RATE)} in the latest week, "
            f"beginning {shown(latest[0].value, DATE)}"
            if _known(latest[RATE_AT])
            else "",
            f"it was highest in the week beginning {shown(highest[0].value, DATE)} "
            f"({shown(highest[RATE_AT].value, RATE)}) and lowest in the week beginning "
            f"{shown(lowest[0].value, DATE)} ({shown(lowest[RATE_AT].value, RATE)})"
            if highest and lowest
            else "",
        )
        + _withheld(cells)
    ).strip()
    return table


def _below(scope: Scope, below: selectors.Below, threshold: int) -> Table:
    table = Table(
        key="below",
        caption="Placements under 90% and under 50% attendance",
        columns=[
            Column("Attendance over the period", LABEL),
            Column("Placements"),
            Column("Share of placements", RATE),
        ],
        rows=[
            [
                "All placements with possible sessions",
                below.counted,
                share(below.counted, below.counted),
            ],
            ["Under 90%", below.below_90, share(below.below_90, below.counted)],
            ["Under 50%", below.below_50, share(below.below_50, below.counted)],
        ],
        chart="bar",
        chart_column=1,
        note=(
            "Each placement's attended sessions against its possible sessions, added up over "
            "the weeks of the period; a placement with no possible sessions is left out. A "
            "placement under 50% is under 90% too. The DfE calls a student who misses 10% or "
            "more of their sessions persistently absent, and 50% or more severely absent."
        ),
    )
    cells = _as_shown(table, scope, threshold)
    counted, under_90, under_50 = (row[1] for row in cells)
    if below.counted == 0:
        table.summary = "No placement had possible sessions in this period."
    elif not (_known(counted) and _known(under_90) and _known(under_50)):
        table.summary = _withheld(cells).strip()
    else:
        table.summary = (
            f"Of {shown(counted.value, COUNT)} placement{'s' if counted.value != 1 else ''} "
            f"with possible sessions, {shown(under_90.value, COUNT)} "
            f"({shown(cells[1][2].value, RATE)}) attended under 90% of them and "
            f"{shown(under_50.value, COUNT)} ({shown(cells[2][2].value, RATE)}) under 50%."
            + _withheld(cells)
        )
    return table


# Bands of hours at the setting as a share of full time, from the top.
BANDS = [
    (1.0, "Full time or more"),
    (0.75, "Three quarters to under full time"),
    (0.5, "Half to under three quarters"),
    (0.0, "Under half of full time"),
]
NO_FULL_TIME = "Year group with no full-time figure"


def _hours(scope: Scope, groups: list[selectors.HoursGroup], on: dt.date, threshold: int) -> Table:
    counts = {label: 0 for _, label in BANDS}
    hours = {label: 0.0 for _, label in BANDS}
    counts[NO_FULL_TIME], hours[NO_FULL_TIME] = 0, 0.0
    for group in groups:
        fraction = group.share
        label = (
            NO_FULL_TIME
            if fraction is None
            else next(label for floor, label in BANDS if fraction >= floor)
        )
        counts[label] += group.placements
        hours[label] += group.hours * group.placements
    total = sum(counts.values())
    labels = [label for _, label in BANDS] + ([NO_FULL_TIME] if counts[NO_FULL_TIME] else [])
    per = schedule.rules()["hours_per_session"]
    full = schedule.rules()["full_time_hours"]
    table = Table(
        key="hours",
        caption="Hours a week at the setting against full time",
        columns=[
            Column("Hours at the setting", LABEL),
            Column("Placements"),
            Column("Share of placements", RATE),
            Column("Average hours a week", NUMBER),
        ],
        rows=[
            [
                label,
                counts[label],
                share(counts[label], total),
                round(hours[label] / counts[label], 1) if counts[label] else None,
            ]
            for label in labels
        ],
        chart="bar",
        chart_column=1,
        note=(
            "Placements open in the period, each with its sessions at the setting on "
            f"{dates.long_date(on, weekday=False)} (or on its first or last day if it was not "
            f"open then): a morning counts {per['am']} hours and an afternoon {per['pm']}. "
            f"Full time is the hours for the student's year group ({full[7]} a week in years "
            f"7 to 10, {full[11]} in year 11). Sessions at the home school are not counted."
        ),
    )
    cells = _as_shown(table, scope, threshold)
    full_time, below = cells[0], cells[1:4]
    if total == 0:
        table.summary = "No placement was open in this period."
    elif _known(full_time[1]) and all(_known(row[1]) for row in below):
        fewer = sum(row[1].value for row in below)
        table.summary = (
            f"Of {shown(total, COUNT)} placement{'s' if total != 1 else ''} open in the period, "
            f"{shown(full_time[1].value, COUNT)} ({shown(full_time[2].value, RATE)}) "
            f"{'has' if full_time[1].value == 1 else 'have'} full-time hours at the setting "
            f"and {shown(fewer, COUNT)} fewer."
        ) + _withheld(cells)
    else:  # The total beside a withheld band would give it away.
        table.summary = _withheld(cells).strip()
    return table


def _timeliness(scope: Scope, rows: list[selectors.Timeliness], threshold: int) -> Table:
    table = Table(
        key="registers",
        caption="Registers entered late or missing, by setting",
        columns=[
            Column("Setting", LABEL),
            Column("Marks recorded"),
            Column("Entered late"),
            Column("Share entered late", RATE),
            Column("Missing-mark alerts"),
            Column("Still missing"),
        ],
        rows=[
            [
                Cell(t.name, href="?" + scope.query(provider=t.key)),
                t.marks,
                t.entered_late,
                share(t.entered_late, t.marks),
                t.missing,
                t.still_missing,
            ]
            for t in rows
        ],
        chart="bar",
        chart_column=3,
        note=(
            "A mark is entered late when its first entry came after the session's register "
            f"closed ({settings.CAP_REGISTER_WINDOW_MINUTES} minutes after the session "
            "starts); corrections are not counted. A missing-mark alert is raised when a "
            "register closes with no mark for a student expected at the setting; “still "
            "missing” counts those whose mark never came."
        ),
    )
    cells = _as_shown(table, scope, threshold)
    if not rows:
        table.summary = "No marks or missing-mark alerts in this period."
        return table
    rated = [row for row in cells if _known(row[3])]
    worst = max(rated, key=lambda row: row[3].value) if len(rated) > 1 else None
    at_worst = (
        f"The highest share entered late was at {worst[0].value} ({shown(worst[3].value, RATE)})."
        if worst is not None and worst[3].value
        else ""
    )
    withheld = _withheld(cells)
    if withheld:  # Totals beside a withheld row would give it away.
        table.summary = (at_worst + withheld).strip()
        return table
    marks = sum(t.marks for t in rows)
    late = sum(t.entered_late for t in rows)
    missing = sum(t.missing for t in rows)
    table.summary = (
        f"{shown(late, COUNT)} of {shown(marks, COUNT)} mark{'s' if marks != 1 else ''} "
        f"({shown(share(late, marks), RATE)}) {'was' if late == 1 else 'were'} entered after "
        f"the register closed, and {shown(missing, COUNT)} session{'s' if missing != 1 else ''} "
        f"had no mark when it closed. {at_worst}"
    ).strip()
    return table


def counts_every_placement(scope: Scope) -> bool:
    """Whether the scope's placements are every placement with tallies in its weeks, so
    that the settings' weekly sums give exactly its figures (from 4,800 settings' weeks a
    year rather than 1.5 million placements' weeks): the CAP team's whole service with no
    filter, unless a placement not open in the year has a tally in the weeks. Such a
    placement has marks only before the year starts or after it ends, so only in the week
    that straddles its start or its end; one query looks at those weeks' tallies alone
    (a year that ends on a Sunday has none at its end)."""
    if not scope.is_service or any(
        (scope.tier, scope.programme, scope.school, scope.provider, scope.route)
    ):
        return False
    starts_on, ends_on = scope.year.starts_on, scope.year.ends_on
    first_week, last_week = _monday(starts_on), _monday(ends_on)
    straddling = {first_week} if first_week < starts_on else set()
    if last_week + dt.timedelta(days=6) > ends_on:
        straddling.add(last_week)
    weeks = {w for w in straddling if _monday(scope.first) <= w <= scope.last}
    if not weeks:
        return True
    outside = selectors.tallies_outside(scope.placements(), scope.first, scope.last)
    return not outside.filter(week__in=weeks).exists()


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@page("attendance", "Attendance", areas=(Area.CASEWORK, Area.SCHOOLS, Area.PROVIDERS), order=60)
def attendance_tables(scope: Scope) -> list[Table]:
    now = timezone.now()
    first, last = scope.first, scope.last
    placements = scope.placements()
    every = counts_every_placement(scope)
    threshold = _threshold() if scope.suppress else 1
    overall = _overall(
        scope, selectors.attendance_totals(placements, first, last, every=every), threshold, now
    )
    grouped = {"scope": scope, "overall": overall, "threshold": threshold}
    tables = [
        overall,
        _grouped(
            groups=selectors.attendance_by(placements, first, last, by="setting", every=every),
            key="settings",
            caption="Attendance by setting",
            label="Setting",
            filter_name="provider",
            **grouped,
        ),
        _grouped(
            groups=selectors.attendance_by(placements, first, last, by="programme"),
            key="programmes",
            caption="Attendance by programme",
            label="Programme",
            filter_name="programme",
            **grouped,
        ),
    ]
    if scope.area != Area.PROVIDERS:
        tables.append(
            _grouped(
                groups=selectors.attendance_by(placements, first, last, by="school"),
                key="schools",
                caption="Attendance by home school",
                label="School",
                filter_name="school",
                **grouped,
            )
        )
    on = min(max(timezone.localdate(now), first), last)
    tables += [
        _by_week(
            scope, selectors.attendance_by_week(placements, first, last, every=every), threshold
        ),
        _below(scope, selectors.attendance_below(placements, first, last), threshold),
        _hours(scope, selectors.hours_at_setting(placements, first, last, on=on), on, threshold),
        _timeliness(
            scope,
            selectors.register_timeliness(placements, first, last, every=every),
            threshold,
        ),
    ]
    return tables
