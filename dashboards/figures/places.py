"""Places: cohorts' places taken against capacity, waiting lists and their age, and each
school's Tier 1 placements against its allowance."""

from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from accounts.rules import Area
from applications.workflow import Status
from dashboards.figures.common import counted
from dashboards.figures.referrals import behind
from dashboards.pages import page
from dashboards.report import LABEL, NUMBER, RATE, TEXT, Cell, Column, Table, share
from dashboards.scope import Scope
from programmes.models import Subscription

S = Status


def cohort_places(scope: Scope) -> Table:
    cohorts = (
        scope.year.programmes.filter(cohorts__isnull=False)
        .values("name", "yearly_capacity", "cohorts__pk", "cohorts__name", "cohorts__capacity")
        .order_by("order", "cohorts__starts_on")
    )
    if scope.programme:
        cohorts = cohorts.filter(pk=scope.programme.pk)
    taken = counted(
        scope.applications().filter(
            cohort__isnull=False, status__in=(S.PANEL_APPROVED, S.START_CONFIRMED, S.PLACED)
        ),
        "cohort",
    )
    rows, years = [], {}
    for c in cohorts:
        taken_here = taken[c["cohorts__pk"]]
        rows.append(
            [
                f"{c['name']}, {c['cohorts__name']}",
                Cell(taken_here, behind(scope, cohort=c["cohorts__pk"])),
                c["cohorts__capacity"],
                share(taken_here, c["cohorts__capacity"] or 0),
            ]
        )
        if c["yearly_capacity"]:
            year_taken = years.setdefault(c["name"], [0, c["yearly_capacity"]])
            year_taken[0] += taken_here
    rows += [
        [f"{name}, the whole year", year_taken, capacity, share(year_taken, capacity)]
        for name, (year_taken, capacity) in years.items()
    ]
    return Table(
        key="cohorts",
        caption="Cohorts: places taken against capacity",
        columns=[
            Column("Cohort", LABEL),
            Column("Places taken"),
            Column("Capacity", NUMBER),
            Column("Share taken", RATE),
        ],
        rows=rows,
        chart="bar",
        chart_column=3,
        summary="Places taken in each cohort as a share of its places.",
        note="A place is taken from the panel's approval into the cohort until the placement ends.",
    )


def waiting_lists(scope: Scope) -> Table:
    today = timezone.localdate()
    rows = (
        scope.applications()
        .filter(status=S.WAITING_LIST)
        .values("programme__name", "programme__key")
        .annotate(n=Count("id"), oldest=Min("decided_at"))
        .order_by("programme__name")
    )
    return Table(
        key="waiting",
        caption="Waiting lists",
        columns=[
            Column("Programme", LABEL),
            Column("Waiting"),
            Column("Longest wait in days", NUMBER),
        ],
        rows=[
            [
                r["programme__name"],
                Cell(
                    r["n"],
                    behind(scope, status=S.WAITING_LIST, programme=r["programme__key"]),
                ),
                (today - timezone.localtime(r["oldest"]).date()).days if r["oldest"] else None,
            ]
            for r in rows
        ],
        note="Everyone waiting now, whenever they joined the list.",
    )


def allowance(scope: Scope) -> Table:
    """Each school's Tier 1 placements started in the year against its allowance."""
    used = counted(
        scope.placements().filter(
            programme__counts_against_allowance=True,
            starts_on__gte=scope.year.starts_on,
            starts_on__lte=scope.year.ends_on,
        ),
        "home_school",
    )
    subscriptions = {
        s.school_id: s
        for s in Subscription.objects.filter(year=scope.year).select_related("school")
    }
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
    if scope.school_ids is not None:
        schools = schools.filter(pk__in=scope.school_ids)
    if scope.school:
        schools = schools.filter(pk=scope.school.pk)
    schools = schools.filter(Q(pk__in=used.keys()) | Q(pk__in=subscriptions.keys()))
    rows = []
    for school in schools.order_by("name"):
        subscription = subscriptions.get(school.pk)
        rows.append(
            [
                school.name,
                "Subscriber" if subscription else "Not a subscriber",
                used[school.pk],
                subscription.tier1_placements if subscription else None,
                share(used[school.pk], subscription.tier1_placements) if subscription else None,
            ]
        )
    return Table(
        key="allowance",
        caption="Tier 1 placements against each school's allowance",
        columns=[
            Column("School", LABEL),
            Column("Agreement", TEXT),
            Column("Tier 1 placements"),
            Column("Allowance", NUMBER),
            Column("Share used", RATE),
        ],
        rows=rows,
        chart="bar",
        chart_column=2,
        summary="Tier 1 placements each school has used this year.",
        note="Placements started in the academic year on programmes that count against the "
        "service level agreement's allowance.",
    )


@page(
    "places",
    "Places",
    areas=(Area.CASEWORK, Area.SCHOOLS),
    order=40,
    intro="Cohort places taken against capacity, waiting lists, and each school's Tier 1 "
    "allowance.",
)
def places_page(scope: Scope) -> list[Table]:
    if scope.area == Area.SCHOOLS:
        return [allowance(scope)]
    return [cohort_places(scope), waiting_lists(scope), allowance(scope)]
