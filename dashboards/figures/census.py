"""Census lists: for each DfE census in the chosen period, the placements it collects with the
census's own items, for a school to key or import into its information system, and what the
DfE's validation would refuse. The CAP team also sees the authority's AP census list.

The lists come from placements.census.census_rows, the one way they are made; the census
days, items and codes are data (placements/data/census.yaml) with their sources.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.rules import Area
from dashboards.pages import page
from dashboards.report import DATE, LABEL, NUMBER, TEXT, Cell, Column, Table
from dashboards.scope import Scope
from lib.dates import long_date
from placements.census import (
    AP,
    DATE_ITEMS,
    NUMBER_ITEMS,
    SCHOOL,
    SINCE_PREVIOUS,
    Census,
    CensusData,
    census_counts_by_school,
    census_data,
    census_rows,
)

INTRO = (
    "The placements each census collects, under the census's own headings, so that a school "
    "can key or import them into its information system, and what the DfE's checks would "
    "refuse. With a term chosen there is a list for each census day in the term; with the "
    "whole year, the list for the latest census day so far this year (or for the year's "
    "first, before any has passed). Download a list as CSV or XLSX below it. The CAP team also "
    "sees the authority's AP census list: the placements it arranges and funds (the home school "
    "records K) at a setting that is not a school."
)

# The columns before and after the census's own items. The setting's name is there for the
# person keying the row; the census identifies it by URN, UKPRN or setting type.
LEADING = [
    Column("Student", LABEL),
    Column("UPN", TEXT),
    Column("School", TEXT),
    Column("Setting", TEXT),
]
PROBLEMS = Column("Problems", TEXT)

DETAIL_URL = {
    Area.CASEWORK: "placements:casework_detail",
    Area.SCHOOLS: "placements:schools_detail",
}


def censuses_chosen(data: CensusData, scope: Scope, kind: str, today: dt.date) -> list[Census]:
    """The censuses of a kind the page lists: every one whose census day falls in the chosen
    term; with no term, the latest on or before today in the year, or the year's first when
    none has passed yet."""
    in_window = data.between(scope.first, scope.last, kind=kind)
    if scope.term is not None or not in_window:
        return in_window
    passed = [c for c in in_window if c.day <= today]
    return [passed[-1] if passed else in_window[0]]


def _column(key: str, heading: str) -> Column:
    if key in DATE_ITEMS:
        return Column(heading, DATE)
    if key in NUMBER_ITEMS:
        return Column(heading, NUMBER)
    return Column(heading, TEXT)


def _note(census: Census, data: CensusData) -> str:
    collection = data.collection[census.kind]
    day = long_date(census.day)
    # The sources are in the data file; the list says how sure its dates are.
    parts = [f"Census day {day} ({census.certainty})."]
    if not census.period_known:
        parts.append(
            "The census before it is not in the census data file, so this lists only the "
            "placements open on census day."
        )
    elif collection.rule == SINCE_PREVIOUS:
        parts.append(
            f"Lists the placements open at any time from "
            f"{long_date(census.period_starts, weekday=False)} to census day "
            f"({collection.certainty})."
        )
    else:
        parts.append(f"Lists the placements open on census day ({collection.certainty}).")
    unconfirmed = data.not_confirmed(census.kind)
    if unconfirmed:
        parts.append(
            "Not confirmed in the DfE's census guide, so check before keying: "
            f"{', '.join(unconfirmed)}."
        )
    return " ".join(parts)


def census_table(scope: Scope, census: Census, data: CensusData) -> Table:
    items = data.items[census.kind]
    rows = census_rows(census=census, placements=scope.placements(in_year=False), data=data)
    detail = DETAIL_URL.get(scope.area)
    table_rows = []
    for row in rows:
        placement, student = row.placement, row.placement.student
        href = reverse(detail, args=[placement.uuid]) if detail else ""
        table_rows.append(
            [
                Cell(student.legal_name, href),
                student.upn,
                placement.home_school.name,
                placement.provider.name,
                *(row.values[item.key] for item in items),
                "; ".join(row.problems),
            ]
        )
    with_problems = sum(1 for row in rows if row.problems)
    count = len(rows)
    if count:
        summary = (
            f"{count} placement{'' if count == 1 else 's'}; "
            f"{with_problems or 'none'} with problems to put right before the census."
        )
    else:
        summary = ""  # The page says "None in this period".
    return Table(
        key=census.key,
        caption=f"{census.name}: {long_date(census.day)}",
        columns=[*LEADING, *(_column(i.key, i.heading) for i in items), PROBLEMS],
        rows=table_rows,
        summary=summary,
        note=_note(census, data),
    )


def schools_table(scope: Scope, census: Census, data: CensusData) -> Table:
    """For the whole service: each school's list as a count, linking to the list."""
    counts = census_counts_by_school(census=census, placements=scope.placements(in_year=False))
    here = reverse(f"dashboards:{scope.area}_oversight", args=["census"])
    total = sum(n for *_, n in counts)
    return Table(
        key=census.key,
        caption=f"{census.name}: {long_date(census.day)}",
        columns=[Column("School", LABEL), Column("Placements")],
        rows=[
            [Cell(name, f"{here}?{scope.query(school=str(uuid))}"), n]
            for _, name, uuid, n in counts
        ],
        summary=(
            f"{total:,} placement{'' if total == 1 else 's'} across "
            f"{len(counts):,} school{'' if len(counts) == 1 else 's'}."
            if counts
            else ""
        ),
        note=_note(census, data) + " Choose a school for its list, with the census items and "
        "what the DfE's checks would refuse.",
    )


@page("census", "Census lists", areas=(Area.CASEWORK, Area.SCHOOLS), intro=INTRO, order=90)
def census_lists(scope: Scope, *, today: dt.date | None = None) -> list[Table]:
    today = today or timezone.localdate()
    data = census_data()
    kinds = [SCHOOL, AP] if scope.is_service else [SCHOOL]
    # The whole service's school census lists are tens of thousands of rows: a count per
    # school, each linking to the school's list. A caseload or a school is listed in full.
    by_school = scope.is_service and scope.school is None
    tables = [
        schools_table(scope, census, data)
        if kind == SCHOOL and by_school
        else census_table(scope, census, data)
        for kind in kinds
        for census in censuses_chosen(data, scope, kind, today)
    ]
    if tables:
        return tables
    period = f"{long_date(scope.first, weekday=False)} to {long_date(scope.last, weekday=False)}"
    return [
        Table(
            key="census",
            caption="No census in this period",
            columns=[*LEADING, PROBLEMS],
            summary=f"The census data file has no census day from {period}.",
        )
    ]
