"""Placements open, started and ended by programme and setting, exits by outcome, and the
providers' compliance at a glance."""

import uuid
from collections import Counter

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import Organisation
from accounts.rules import Area
from dashboards.figures.common import counted
from dashboards.pages import page
from dashboards.report import LABEL, RATE, TEXT, Cell, Column, Table, plural, share
from dashboards.scope import Scope
from placements.models import ExitOutcome
from programmes.models import Programme
from quality.models import ProviderRecord, Rating
from quality.selectors import standings


def behind(scope: Scope, **criteria) -> str:
    """The link to the list of placements behind a figure."""
    return reverse(f"dashboards:{scope.area}_placements_behind") + "?" + scope.query(**criteria)


def placements_behind(scope: Scope, params) -> tuple[str, object]:
    """The placements counted by a figure, from the criteria its link carries, and those
    criteria in words. Unknown criteria count nothing rather than everything."""
    first, last = scope.first, scope.last
    qs, said = scope.placements_open(), []
    state = params.get("state")
    if state == "open":
        qs = qs.filter(starts_on__lte=last).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=last))
        said.append("open at the end of the period")
    elif state == "started":
        qs = qs.filter(starts_on__gte=first, starts_on__lte=last)
        said.append("started in the period")
    elif state == "ended":
        qs = qs.filter(ended_on__gte=first, ended_on__lte=last)
        said.append("ended in the period")
    elif state:
        return "", qs.none()
    if params.get("by_programme"):
        qs = qs.filter(programme__key=params["by_programme"])
    if params.get("by_setting"):
        try:
            qs = qs.filter(provider__uuid=uuid.UUID(params["by_setting"]))
        except ValueError:
            return "", qs.none()
    outcome = params.get("outcome")
    if outcome:
        if outcome not in ExitOutcome.values:
            return "", qs.none()
        qs = qs.filter(exit_outcome=outcome)
        said.append(ExitOutcome(outcome).label.lower())
    return ", ".join(said), qs


def _movement(scope: Scope, group: str) -> dict[object, Counter]:
    """Placements open at the end of the window, started in it and ended in it, per value
    of `group`, in one query."""
    first, last = scope.first, scope.last
    rows = (
        scope.placements_open()
        .values(group)
        .annotate(
            open=Count(
                "id",
                filter=Q(starts_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gt=last)),
            ),
            started=Count("id", filter=Q(starts_on__gte=first, starts_on__lte=last)),
            ended=Count("id", filter=Q(ended_on__gte=first, ended_on__lte=last)),
        )
        .order_by()
    )
    return {r[group]: Counter(open=r["open"], started=r["started"], ended=r["ended"]) for r in rows}


def movement(scope: Scope, *, by: str) -> Table:
    if by == "programme":
        # By key, so that the same programme in two years is one row.
        label, heading = "Programme", "by programme"
        counts = _movement(scope, "programme__key")
        programmes = Programme.objects.filter(key__in=counts.keys()).order_by("year__starts_on")
        names = dict(programmes.values_list("key", "name"))  # the latest year's name
        keys = {key: key for key in counts}
    else:
        label, heading = "Setting", "by setting"
        counts = _movement(scope, "provider_id")
        settings = Organisation.objects.filter(pk__in=counts.keys())
        names = dict(settings.values_list("pk", "name"))
        keys = dict(settings.values_list("pk", "uuid"))
    rows = []
    for pk in sorted(counts, key=lambda k: names.get(k, "")):
        c = counts[pk]
        criteria = {f"by_{by}": str(keys[pk])}
        rows.append(
            [
                names[pk],
                Cell(c["open"], behind(scope, state="open", **criteria)),
                Cell(c["started"], behind(scope, state="started", **criteria)),
                Cell(c["ended"], behind(scope, state="ended", **criteria)),
            ]
        )
    total_open = sum(c["open"] for c in counts.values())
    return Table(
        key=f"by-{by}",
        caption=f"Placements {heading}",
        columns=[
            Column(label, LABEL),
            Column("Open at the end of the period"),
            Column("Started"),
            Column("Ended"),
        ],
        rows=rows,
        chart="bar",
        chart_column=1,
        summary=f"{total_open:,} {'placement was' if total_open == 1 else 'placements were'} "
        "open at the end of the period.",
    )


def exits(scope: Scope) -> Table:
    ended = scope.placements().filter(ended_on__gte=scope.first, ended_on__lte=scope.last)
    counts = counted(ended, "exit_outcome")
    total = sum(counts.values())
    rows = [
        [
            label,
            Cell(counts[value], behind(scope, state="ended", outcome=value)),
            share(counts[value], total),
        ]
        for value, label in ExitOutcome.choices
    ]
    post16, neet = share(counts[ExitOutcome.POST_16], total), share(counts[ExitOutcome.NEET], total)
    return Table(
        key="exits",
        caption="Exits by outcome and destination",
        columns=[Column("Outcome", LABEL), Column("Placements"), Column("Share", RATE)],
        rows=rows,
        chart="bar",
        chart_column=1,
        summary=(
            f"Of the {plural(total, 'placement')} that ended, {post16:.1f}% went on to a post-16 "
            f"destination and {neet:.1f}% were not in education, employment or training."
            if total
            else "No placement ended in the period."
        ),
    )


@page(
    "placements",
    "Placements",
    areas=(Area.CASEWORK, Area.SCHOOLS, Area.PROVIDERS),
    order=50,
    intro="Placements open, started and ended in the period, and where students went next.",
)
def placements_page(scope: Scope) -> list[Table]:
    tables = [movement(scope, by="programme")]
    if scope.area != Area.PROVIDERS:
        tables.append(movement(scope, by="setting"))
    tables.append(exits(scope))
    return tables


# --- Compliance ----------------------------------------------------------------------------


def compliance(scope: Scope) -> list[Table]:
    records = ProviderRecord.objects.select_related("organisation").order_by("organisation__name")
    if scope.provider:
        records = records.filter(organisation=scope.provider)
    records = list(records)
    found = standings(records)
    worst: dict[int, str] = {}
    for record in records:
        ratings = [area.rating for area in found[record.pk].areas]
        worst[record.pk] = (
            max(ratings, key=lambda r: [Rating.GREEN, Rating.AMBER, Rating.RED].index(r))
            if ratings
            else Rating.GREEN
        )
    counts = Counter(worst.values())
    at_a_glance = Table(
        key="ratings",
        caption="Providers by their worst rating",
        columns=[Column("Rating", LABEL), Column("Providers"), Column("Share", RATE)],
        rows=[
            [label, counts[value], share(counts[value], len(records))]
            for value, label in reversed(Rating.choices)
        ],
        chart="bar",
        chart_column=1,
        summary=f"{counts[Rating.RED]:,} of {len(records):,} providers have a red rating.",
        note="A provider's rating is the worst of its compliance areas (quality assurance).",
    )
    providers = Table(
        key="providers",
        caption="Each provider",
        columns=[
            Column("Provider", LABEL),
            Column("Status", TEXT),
            Column("Rating", TEXT),
            Column("Areas not green", TEXT),
        ],
        rows=[
            [
                Cell(record.organisation.name, reverse("quality:provider", args=[record.uuid])),
                found[record.pk].status_label,
                Rating(worst[record.pk]).label,
                "; ".join(
                    f"{area.area.name}: {Rating(area.rating).label.lower()}"
                    for area in found[record.pk].areas
                    if area.rating != Rating.GREEN
                )
                or "None",
            ]
            for record in records
        ],
    )
    return [at_a_glance, providers]


@page(
    "compliance",
    "Provider compliance",
    areas=(Area.CASEWORK,),
    order=70,
    intro="Each provider's standing in quality assurance, red, amber or green.",
)
def compliance_page(scope: Scope) -> list[Table]:
    return compliance(scope)
