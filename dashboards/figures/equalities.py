"""Equalities: referrals, decisions and placements by sex, ethnicity, SEN provision, free
school meals, looked after, child protection or child in need plan, and year group, each
group's share set beside its share of a comparator.

What is counted, in the scope's window (`scope.first` to `scope.last`):
- referrals: applications submitted in the window (any status since, even withdrawn);
- decisions: those referrals that have been decided so far, approved or declined as the
  referrals page counts them (dashboards.figures.common): the decision of each referral in
  the row, so a group's approval rate is read against its own referrals;
- placements: placements that started in the window.
A student's group is read from their record as it is now; their year group is the one they
were in on the window's first day.

The comparator is the secondary population of the schools in scope, when the CAP manager
loaded it for the year (dashboards.models.PopulationCount), characteristic by
characteristic; otherwise all referrals in the window. Each table's note says which.

Queries: one GROUP BY of the window's applications and one of its placements, each by all
seven characteristics at once (at most a few thousand combinations, however many students),
summed here characteristic by characteristic; and two of the population. Four queries and
one pass over each table, whatever the amount of data.
"""

import datetime as dt

from django.db.models import Count, Sum
from django.utils import timezone

from accounts.rules import Area
from dashboards.characteristics import CHARACTERISTICS, OTHER_YEAR, Characteristic
from dashboards.figures.common import APPROVED, DECIDED
from dashboards.models import PopulationCount
from dashboards.pages import page
from dashboards.report import COUNT, LABEL, RATE, Column, Table, share
from dashboards.scope import Scope

COLUMNS = [
    Column("Group", LABEL),
    Column("Referrals", COUNT),
    Column("Share of referrals", RATE),
    Column("Decisions", COUNT),
    Column("Approved", RATE),
    Column("Placements started", COUNT),
    Column("Share of placements", RATE),
    Column("Comparator share", RATE),
]


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _referrals(scope: Scope):
    """Applications submitted in the window, by what the person may count."""
    return scope.applications().filter(
        submitted_at__gte=_moment(scope.first),
        submitted_at__lt=_moment(scope.last + dt.timedelta(days=1)),
    )


def _placements(scope: Scope):
    return scope.placements().filter(starts_on__gte=scope.first, starts_on__lte=scope.last)


def _population_schools(scope: Scope) -> set[int] | bool | None:
    """The schools whose population the scope compares with: a set of ids, None for every
    school loaded, or False when no school's population describes the scope (a monitoring
    officer's caseload, a provider's placements)."""
    if scope.school is not None:
        return {scope.school.pk}
    if scope.caseload_of is not None or scope.provider_ids is not None:
        return False
    return scope.school_ids  # None for the CAP team's whole service


def population(scope: Scope) -> tuple[dict[str, dict[str, int]], int]:
    """The comparator population for the scope's year and schools: counts by characteristic
    and value, and how many schools they come from. Empty when none is loaded."""
    schools = _population_schools(scope)
    if schools is False:
        return {}, 0
    counts = PopulationCount.objects.filter(year=scope.year)
    if schools is not None:
        counts = counts.filter(school_id__in=schools)
    found: dict[str, dict[str, int]] = {}
    for row in counts.values("characteristic", "value").annotate(n=Sum("count")).order_by():
        found.setdefault(row["characteristic"], {})[row["value"]] = row["n"]
    return found, counts.values("school_id").distinct().count()


def _grouped(queryset, on: dt.date, **counts) -> dict[str, dict[str, dict[str, int]]]:
    """The counts of one GROUP BY over every characteristic, summed for each characteristic
    and group: {characteristic: {code: {count name: n}}}."""
    keys = {f"by_{c.key}": c for c in CHARACTERISTICS}
    rows = (
        queryset.values(**{k: c.expression("student", on=on) for k, c in keys.items()})
        .annotate(**counts)
        .order_by()
    )
    found: dict[str, dict[str, dict[str, int]]] = {c.key: {} for c in CHARACTERISTICS}
    for row in rows:
        for k, c in keys.items():
            group = found[c.key].setdefault(c.code_of(row[k]), dict.fromkeys(counts, 0))
            for name in counts:
                group[name] += row[name]
    return found


def _note(scope: Scope, characteristic: Characteristic, compared: bool, schools: int) -> str:
    counted = (
        "Referrals are applications submitted in the period; decisions are those referrals "
        "decided so far, approved (accepted by CAP or approved by the first panel) or "
        "declined (by CAP or a panel); placements are those that started in the period."
    )
    if characteristic.key == "year_group":
        counted += " Year group is the student's on the first day of the period."
    if compared:
        whose = "1 school" if schools == 1 else f"{schools} schools"
        return (
            f"{counted} Comparator: the secondary population of {whose}, as loaded by the CAP "
            f"manager for {scope.year.name}."
        )
    return (
        f"{counted} Comparator: all referrals in the period, as no secondary population by "
        f"{characteristic.name} is loaded for {scope.year.name} for these schools. Compare a "
        "group's share of placements and its approval rate with its share of referrals."
    )


def equalities_tables(scope: Scope) -> list[Table]:
    """One table per characteristic, and one of the totals."""
    on = scope.first
    referrals = _referrals(scope)
    placements = _placements(scope)
    loaded, schools = population(scope)
    totals = {"referrals": 0, "decided": 0, "approved": 0, "placements": 0}
    tables = []
    applied_by = _grouped(
        referrals,
        on,
        referrals=Count("id"),
        decided=Count("id", filter=DECIDED),
        approved=Count("id", filter=APPROVED),
    )
    placed_by = _grouped(placements, on, placements=Count("id"))
    for characteristic in CHARACTERISTICS:
        applied = applied_by[characteristic.key]
        placed = placed_by[characteristic.key]
        comparator = loaded.get(characteristic.key, {})
        compared = sum(comparator.values()) > 0
        all_referrals = sum(r["referrals"] for r in applied.values())
        all_placements = sum(p["placements"] for p in placed.values())
        all_comparator = sum(comparator.values()) if compared else all_referrals
        groups = list(characteristic.groups)
        if OTHER_YEAR in applied or OTHER_YEAR in placed:
            groups.append((OTHER_YEAR, characteristic.label(OTHER_YEAR)))
        rows = []
        for code, label in groups:
            a = applied.get(code, {})
            n = a.get("referrals", 0)
            decided = a.get("decided", 0)
            started = placed.get(code, {}).get("placements", 0)
            rows.append(
                [
                    label,
                    n,
                    share(n, all_referrals),
                    decided,
                    share(a.get("approved", 0), decided),
                    started,
                    share(started, all_placements),
                    share(comparator.get(code, 0) if compared else n, all_comparator),
                ]
            )
        tables.append(
            Table(
                key=f"equalities-{characteristic.key.replace('_', '-')}",
                caption=f"Referrals, decisions and placements by {characteristic.name}",
                columns=COLUMNS,
                rows=rows,
                chart="bar",
                chart_column=1,
                summary=(
                    f"Referrals in each group of {characteristic.name}. The table gives each "
                    "group's share of referrals and of placements beside its comparator share."
                ),
                note=_note(scope, characteristic, compared, schools),
            )
        )
        if characteristic.key == "sex":  # Every student has one sex: the totals once.
            totals = {
                "referrals": all_referrals,
                "decided": sum(r["decided"] for r in applied.values()),
                "approved": sum(r["approved"] for r in applied.values()),
                "placements": all_placements,
            }
    all_table = Table(
        key="equalities-all",
        caption="Referrals, decisions and placements in all",
        columns=[
            Column("Students", LABEL),
            Column("Referrals", COUNT),
            Column("Decisions", COUNT),
            Column("Approved", RATE),
            Column("Placements started", COUNT),
        ],
        rows=[
            [
                "All",
                totals["referrals"],
                totals["decided"],
                share(totals["approved"], totals["decided"]),
                totals["placements"],
            ]
        ],
        note="The approval rate of all decisions, to read each group's against.",
    )
    return [all_table, *tables]


@page(
    "equalities",
    "Equalities",
    areas=(Area.CASEWORK, Area.SCHOOLS),
    intro=(
        "Referrals, decisions and placements by sex, ethnicity, SEN provision, free school "
        "meals, looked after, child protection or child in need plan, and year group, with "
        "each group's share beside its share of the secondary population where it is "
        "loaded, or of all referrals."
    ),
    order=80,
)
def equalities(scope: Scope) -> list[Table]:
    return equalities_tables(scope)
