"""Reads of monitoring officers' visits: a placement's visits as its reader may see them, an
officer's caseload with the last visit and the next due, and the visits overdue.

The due dates follow placements.visits; everything here reads a fixed number of queries
however many placements or visits there are. An officer's whole caseload is read as a few
values per placement (to order it by what is due first and to count what is overdue); only
one page of it, or the first few overdue, are read in full.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, Q, QuerySet

from accounts.leavers import people_holding
from accounts.models import OrganisationKind, Role, User
from lib.dates import long_date
from placements import selectors
from placements.models import Placement, Visit, VisitKind, VisitStatus
from placements.rules import can_read_visit_findings, visits_visible_to
from placements.visits import Due, due, halves, regular_kinds
from programmes.models import Term

PAGE_SIZE = 50
ON_PLACEMENT_PAGE = 20
OVERDUE_SHOWN = 5


def placement_visits(user: User, placement: Placement) -> tuple[list[Visit], int]:
    """The placement's visits the user may see, newest first, at most ON_PLACEMENT_PAGE of
    them, each marked with whether the user reads what was found; and how many there are."""
    visible = visits_visible_to(user, placement, Visit.objects.all())
    visits = list(
        visible.select_related("officer").order_by("-planned_on", "-id")[:ON_PLACEMENT_PAGE]
    )
    for visit in visits:
        visit.placement = placement  # the rule reads it; already loaded
        visit.findings_visible = can_read_visit_findings(user, visit)
    total = len(visits) if len(visits) < ON_PLACEMENT_PAGE else visible.count()
    return visits, total


def officers() -> QuerySet[User]:
    """Who can be given a visit or hold a caseload: the authority's monitoring officers and
    CAP officers."""
    return people_holding(
        kinds={OrganisationKind.LOCAL_AUTHORITY},
        roles={Role.MONITORING_OFFICER, Role.CAP_OFFICER},
    )


def _calendar(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    return halves(Term.objects.filter(ends_on__gte=first, starts_on__lte=last))


@dataclass
class CaseloadRow:
    placement: Placement
    last_visit_on: dt.date | None
    next_planned_on: dt.date | None
    due: Due


def _summaries(officer: User, today: dt.date) -> list[dict]:
    """Each open placement the officer monitors, with its last visit of any kind, its last
    regular visit, its earliest visit still planned and when its next regular visit is
    due: two queries."""
    regular = regular_kinds()
    happened = Q(visits__status=VisitStatus.HAPPENED)
    rows = list(
        Placement.objects.filter(monitoring_officer=officer, ended_on__isnull=True)
        .values("pk", "starts_on", "planned_end_on")
        .annotate(
            last_visit_on=Max("visits__happened_on", filter=happened),
            last_regular_on=Max(
                "visits__happened_on", filter=happened & Q(visits__kind__in=regular)
            ),
            next_planned_on=Min("visits__planned_on", filter=Q(visits__status=VisitStatus.PLANNED)),
        )
        .order_by()
    )
    if not rows:
        return rows
    calendar = _calendar(min(r["starts_on"] for r in rows), max(r["planned_end_on"] for r in rows))
    for row in rows:
        # A visit that happened later than the last regular one cannot be in an earlier
        # window, so the last regular visit alone decides (placements.visits.due).
        row["due"] = (
            due(
                starts_on=row["starts_on"],
                last_day=row["planned_end_on"],
                halves=calendar,
                visited_on=[row["last_regular_on"]] if row["last_regular_on"] else [],
                today=today,
            )
            if regular
            else Due(overdue_since=None, next_on=None)
        )
    return rows


def caseload(officer: User, *, today: dt.date, page_number) -> Page:
    """One page of the officer's open placements, what is due soonest first (overdue
    first, oldest first), then those with nothing due."""
    rows = _summaries(officer, today)
    rows.sort(key=lambda r: (r["due"].next_on is None, r["due"].next_on or today, r["pk"]))
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    wanted = {r["pk"]: r for r in page.object_list}
    placements = {
        p.pk: p for p in selectors.with_related(Placement.objects.filter(pk__in=list(wanted)))
    }
    page.object_list = [
        CaseloadRow(
            placement=placements[pk],
            last_visit_on=row["last_visit_on"],
            next_planned_on=row["next_planned_on"],
            due=row["due"],
        )
        for pk, row in wanted.items()
    ]
    return page


@dataclass
class Overdue:
    placement: Placement
    words: str
    due_on: dt.date
    visit: Visit | None  # a planned visit not yet recorded; None for a regular visit


def overdue(officer: User, *, today: dt.date) -> tuple[int, list[Overdue]]:
    """How many of the officer's visits are overdue, and the oldest few: regular visits of
    the placements they monitor that are past due (placements.visits), and visits planned
    for them for a day now past and not yet recorded."""
    late_regular = sorted(
        (r["due"].overdue_since, r["pk"]) for r in _summaries(officer, today) if r["due"].is_overdue
    )
    planned = Visit.objects.filter(
        officer=officer, status=VisitStatus.PLANNED, planned_on__lt=today
    )
    count = len(late_regular) + planned.count()
    if not count:
        return 0, []
    first_regular = late_regular[:OVERDUE_SHOWN]
    students = {
        p.pk: p
        for p in Placement.objects.filter(pk__in=[pk for _, pk in first_regular]).select_related(
            "student", "provider"
        )
    }
    kinds = dict(VisitKind.choices)
    regular = " or ".join(kinds[kind].lower() for kind in regular_kinds())
    items = [
        Overdue(
            placement=students[pk],
            words=f"{regular} due by {long_date(due_on, weekday=False)}",
            due_on=due_on,
            visit=None,
        )
        for due_on, pk in first_regular
    ]
    items += [
        Overdue(
            placement=v.placement,
            words=(
                f"{v.get_kind_display().lower()} planned for "
                f"{long_date(v.planned_on, weekday=False)}, not recorded"
            ),
            due_on=v.planned_on,
            visit=v,
        )
        for v in planned.select_related("placement__student", "placement__provider").order_by(
            "planned_on", "pk"
        )[:OVERDUE_SHOWN]
    ]
    items.sort(key=lambda item: (item.due_on, item.placement.pk))
    return count, items[:OVERDUE_SHOWN]
