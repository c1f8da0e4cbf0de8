"""Panels: items heard at the meetings in the period, outcomes by panel and by meeting,
deferrals and rolled items."""

from collections import Counter, defaultdict

from django.db.models import Count, Q

from accounts.rules import Area
from dashboards.pages import page
from dashboards.report import LABEL, Column, Table, plural
from dashboards.scope import Scope
from lib import dates
from panels.models import AgendaItem, Outcome


def _items(scope: Scope):
    return AgendaItem.objects.filter(
        application__in=scope.applications(),
        meeting__date__gte=scope.first,
        meeting__date__lte=scope.last,
    )


def panel_outcomes(scope: Scope) -> list[Table]:
    items = _items(scope)
    outcomes = [value for value, _ in Outcome.choices]
    by_panel: dict[str, Counter] = defaultdict(Counter)
    by_meeting: dict[tuple, Counter] = defaultdict(Counter)
    rows = (
        items.values("meeting__panel__name", "meeting__date", "decision__outcome")
        .annotate(n=Count("id"), rolled=Count("id", filter=Q(moved_from__isnull=False)))
        .order_by()
    )
    for row in rows:
        outcome = row["decision__outcome"] or "none"
        by_panel[row["meeting__panel__name"]][outcome] += row["n"]
        by_panel[row["meeting__panel__name"]]["rolled"] += row["rolled"]
        key = (row["meeting__date"], row["meeting__panel__name"])
        by_meeting[key][outcome] += row["n"]
        by_meeting[key]["rolled"] += row["rolled"]

    def cells(counts: Counter) -> list:
        heard = sum(counts[o] for o in outcomes)
        return [heard] + [counts[o] for o in outcomes] + [counts["rolled"], counts["none"]]

    columns = (
        [Column("Items heard")]
        + [Column(label) for _, label in Outcome.choices]
        + [Column("Rolled from an earlier meeting"), Column("Not yet decided")]
    )
    heard = sum(sum(c[o] for o in outcomes) for c in by_panel.values())
    panel_table = Table(
        key="by-panel",
        caption="Panel outcomes by panel",
        columns=[Column("Panel", LABEL), *columns],
        rows=[[name, *cells(by_panel[name])] for name in sorted(by_panel)],
        chart="bar",
        chart_column=1,
        summary=f"{plural(heard, 'item')} heard in the period.",
        note="An item is heard when the panel records its decision. A deferred item comes "
        "back to a later meeting as a rolled item.",
    )
    meeting_table = Table(
        key="by-meeting",
        caption="Panel outcomes by meeting",
        columns=[Column("Meeting", LABEL), *columns],
        rows=[
            [f"{panel}, {dates.long_date(day, weekday=False)}", *cells(by_meeting[day, panel])]
            for day, panel in sorted(by_meeting)
        ],
    )
    return [panel_table, meeting_table]


@page(
    "panels",
    "Panels",
    areas=(Area.CASEWORK,),
    order=30,
    intro="Items heard at the panels' meetings in the period, their outcomes, deferrals and "
    "rolled items.",
)
def panels_page(scope: Scope) -> list[Table]:
    return panel_outcomes(scope)
