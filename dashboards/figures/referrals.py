"""Referrals, decisions and their timeliness, the provider route, panels and places.

Every count is made in the database from the scope's querysets and bounded by its window
(the year or the chosen term); medians and percentiles are worked out from counts of
distinct pairs of dates, so their cost follows the number of days, not of applications.
"""

import datetime as dt
import math
from collections import Counter, defaultdict

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from accounts.rules import Area
from applications.models import Application, ProviderDeclineReason
from applications.workflow import Status
from dashboards.pages import page
from dashboards.report import DATE, LABEL, NUMBER, RATE, TEXT, Cell, Column, Table, share
from dashboards.scope import Scope
from lib import dates
from panels.models import AgendaItem, Outcome, OutcomeNotice
from programmes.models import Route, Subscription

S = Status
APPROVED = (
    S.ACCEPTED,
    S.PACK_SENT,
    S.INTERVIEW_ARRANGED,
    S.INTERVIEW_HELD,
    S.PROVIDER_ACCEPTED,
    S.PROVIDER_DECLINED,
    S.START_CONFIRMED,
    S.PLACED,
    S.PANEL_APPROVED,
    S.WAITING_LIST,
)
DECLINED = (S.DECLINED, S.PANEL_DECLINED)
# Where an application is now, in the groups the CAP team talks about.
STAGES = [
    ("With CAP", (S.SUBMITTED, S.RETURNED)),
    ("With a panel", (S.AT_PANEL, S.PANEL_RETURNED)),
    ("On the waiting list", (S.WAITING_LIST,)),
    ("Approved, place being arranged", (S.ACCEPTED, S.PANEL_APPROVED)),
    (
        "With the provider",
        (S.PACK_SENT, S.INTERVIEW_ARRANGED, S.INTERVIEW_HELD, S.PROVIDER_ACCEPTED),
    ),
    ("Declined by the provider", (S.PROVIDER_DECLINED,)),
    ("Start confirmed or placed", (S.START_CONFIRMED, S.PLACED)),
    ("Declined by CAP", (S.DECLINED,)),
    ("Declined by the panel", (S.PANEL_DECLINED,)),
    ("Withdrawn by the school", (S.WITHDRAWN,)),
    ("Closed", (S.CLOSED,)),
]


def _local_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window as aware datetimes: from the start of `first` to the end of `last`."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def submitted_in(scope: Scope):
    start, end = _local_range(scope.first, scope.last)
    return scope.applications().filter(submitted_at__gte=start, submitted_at__lt=end)


def behind(scope: Scope, **criteria) -> str:
    """The link to the list of applications behind a figure."""
    return reverse(f"dashboards:{scope.area}_behind") + "?" + scope.query(**criteria)


def _month(value: str) -> tuple[dt.datetime, dt.datetime] | None:
    """A month written 2026-01 as its first and next month's first moments."""
    year, _, month = value.partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12 and len(year) == 4):
        return None
    first = dt.date(int(year), int(month), 1)
    return _local_range(
        first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    )


def applications_behind(scope: Scope, params) -> tuple[str, object]:
    """The applications counted by a figure, from the criteria its link carries, and those
    criteria in words. Unknown criteria count nothing rather than everything."""
    qs = scope.applications()
    said = []
    window = _local_range(scope.first, scope.last)
    for field, words in (
        ("started", "started"),
        ("submitted", "submitted"),
        ("decided", "decided"),
        ("withdrawn", "withdrawn"),
        ("pack", "pack sent"),
    ):
        value = params.get(field)
        if not value:
            continue
        column = {
            "started": "created_at",
            "withdrawn": "status_changed_at",
            "pack": "pack_sent_at",
        }.get(field, f"{field}_at")
        span = window if value == "window" else _month(value)
        if span is None:
            return "", qs.none()
        qs = qs.filter(**{f"{column}__gte": span[0], f"{column}__lt": span[1]})
        when = (
            "in the period"
            if value == "window"
            else f"in {dates.MONTHS[span[0].month - 1]} {span[0].year}"
        )
        said.append(f"{words} {when}")
        if field == "withdrawn":
            qs = qs.filter(status=S.WITHDRAWN)
    outcome = params.get("outcome")
    if outcome == "approved":
        qs = qs.exclude(status__in=DECLINED)
        said.append("approved")
    elif outcome == "declined":
        qs = qs.filter(status__in=DECLINED)
        said.append("declined")
    if params.get("status"):
        statuses = [s for s in params["status"].split(",") if s in S.values]
        qs = qs.filter(status__in=statuses)
        said.append("now " + " or ".join(S(s).label.lower() for s in statuses))
    if params.get("provider_reason") in ProviderDeclineReason.values:
        qs = qs.filter(provider_decline_reason=params["provider_reason"])
        reason = ProviderDeclineReason(params["provider_reason"]).label.lower()
        said.append(f"declined by the provider: {reason}")
    reached = params.get("reached")
    if reached:
        condition = {
            "interview": Q(interview_on__isnull=False),
            "offer": Q(proposed_start_on__isnull=False),
            "start": Q(placement__isnull=False),
            "declined": ~Q(provider_decline_reason=""),
        }.get(reached)
        qs = qs.filter(condition) if condition is not None else qs.none()
        said.append(
            {
                "interview": "with an interview",
                "offer": "offered a place",
                "start": "started",
                "declined": "declined by the provider",
            }.get(reached, "")
        )
    if params.get("cohort", "").isdigit():
        qs = qs.filter(
            cohort_id=int(params["cohort"]),
            status__in=(S.PANEL_APPROVED, S.START_CONFIRMED, S.PLACED),
        )
        said.append("holding a place in the cohort")
    return ", ".join(s for s in said if s), qs


def _month_key(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def referrals_by_month(scope: Scope) -> Table:
    start, end = _local_range(scope.first, scope.last)
    apps = scope.applications()

    def by_month(qs, field: str) -> Counter:
        rows = (
            qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(month=TruncMonth(field))
            .values("month")
            .annotate(n=Count("id"))
        )
        return Counter({_month_key(r["month"]): r["n"] for r in rows})

    started = by_month(apps, "created_at")
    submitted = by_month(apps.filter(submitted_at__isnull=False), "submitted_at")
    approved = by_month(apps.exclude(status__in=DECLINED), "decided_at")
    declined = by_month(apps.filter(status__in=DECLINED), "decided_at")
    withdrawn = by_month(apps.filter(status=S.WITHDRAWN), "status_changed_at")
    rows = []
    for month in _months(scope.first, scope.last):
        key = month.strftime("%Y-%m")
        rows.append(
            [
                f"{dates.MONTHS[month.month - 1]} {month.year}",
                Cell(started[month], behind(scope, started=key)),
                Cell(submitted[month], behind(scope, submitted=key)),
                Cell(approved[month], behind(scope, decided=key, outcome="approved")),
                Cell(declined[month], behind(scope, decided=key, outcome="declined")),
                Cell(withdrawn[month], behind(scope, withdrawn=key)),
            ]
        )
    total = sum(submitted.values())
    busiest = max(rows, key=lambda r: r[2].value) if total else None
    return Table(
        key="by-month",
        caption="Referrals by month",
        columns=[
            Column("Month", LABEL),
            Column("Drafts started"),
            Column("Submitted"),
            Column("Approved"),
            Column("Declined"),
            Column("Withdrawn"),
        ],
        rows=rows,
        chart="bar",
        chart_column=2,
        summary=(
            f"{total:,} {'referral was' if total == 1 else 'referrals were'} submitted; "
            f"the most in {busiest[0]} ({busiest[2].value:,})."
            if busiest
            else "No referral was submitted in this period."
        ),
        note="Each application is counted in the month it was started, submitted, decided "
        "or withdrawn. Approved: accepted by CAP or approved by the first panel.",
    )


def referrals_now(scope: Scope) -> Table:
    """Where the referrals submitted in the period are now."""
    counts = Counter(
        dict(submitted_in(scope).values_list("status").annotate(n=Count("id")).order_by())
    )
    total = sum(counts.values())
    rows = []
    for label, statuses in STAGES:
        n = sum(counts[s] for s in statuses)
        rows.append(
            [
                label,
                Cell(n, behind(scope, submitted="window", status=",".join(statuses))),
                share(n, total),
            ]
        )
    return Table(
        key="now",
        caption="Where the referrals are now",
        columns=[Column("Stage", LABEL), Column("Referrals"), Column("Share", RATE)],
        rows=rows,
        chart="bar",
        summary=f"Of {total:,} {'referral' if total == 1 else 'referrals'} submitted "
        "in the period.",
    )


def declines_by_reason(scope: Scope) -> Table:
    """Declines, by who declined and, for providers, the reason they gave."""
    apps = submitted_in(scope)
    cap = apps.filter(status=S.DECLINED).count()
    panel = apps.filter(status=S.PANEL_DECLINED).count()
    providers = Counter(
        dict(
            apps.exclude(provider_decline_reason="")
            .values_list("provider_decline_reason")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    rows = [
        ["Declined by CAP", Cell(cap, behind(scope, submitted="window", status=S.DECLINED))],
        [
            "Declined by the panel",
            Cell(panel, behind(scope, submitted="window", status=S.PANEL_DECLINED)),
        ],
    ] + [
        [
            f"Provider: {label[0].lower()}{label[1:]}",
            Cell(providers[value], behind(scope, submitted="window", provider_reason=value)),
        ]
        for value, label in ProviderDeclineReason.choices
    ]
    return Table(
        key="declines",
        caption="Declines by reason",
        columns=[Column("Reason", LABEL), Column("Referrals")],
        rows=rows,
        note="CAP and the panels give their reasons in words, on each application; providers "
        "choose one of four reasons. A provider's decline may be followed by a pack to another.",
    )


# --- Timeliness ---------------------------------------------------------------------------


def percentile(histogram: Counter, fraction: float) -> int | None:
    """The nearest-rank percentile of values given as value -> count."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover - rank never exceeds total


def _working_days(pairs) -> Counter:
    """Working days between each pair of dates, counted: value -> how many."""
    days: Counter = Counter()
    for first, last, n in pairs:
        if first is None or last is None:
            continue
        first = first.date() if isinstance(first, dt.datetime) else first
        last = last.date() if isinstance(last, dt.datetime) else last
        days[max(0, dates.working_days_between(first, last))] += n
    return days


def timeliness(scope: Scope) -> Table:
    """Working days from submission to decision (decided in the window) and from decision
    to the placement's start (started in the window), per route."""
    start, end = _local_range(scope.first, scope.last)
    decided = scope.applications().filter(
        decided_at__gte=start, decided_at__lt=end, submitted_at__isnull=False
    )
    to_decision: dict[str, Counter] = defaultdict(Counter)
    for row in (
        decided.annotate(a=TruncDate("submitted_at"), b=TruncDate("decided_at"))
        .values("programme__route", "a", "b")
        .annotate(n=Count("id"))
        .order_by()
    ):
        to_decision[row["programme__route"]] += _working_days([(row["a"], row["b"], row["n"])])
    started = scope.placements().filter(
        starts_on__gte=scope.first, starts_on__lte=scope.last, application__decided_at__isnull=False
    )
    to_start: dict[str, Counter] = defaultdict(Counter)
    for row in (
        started.annotate(a=TruncDate("application__decided_at"))
        .values("programme__route", "a", "starts_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        to_start[row["programme__route"]] += _working_days([(row["a"], row["starts_on"], row["n"])])
    rows = []
    for route, label in Route.choices:
        if scope.route and route != scope.route:
            continue
        d, s = to_decision[route], to_start[route]
        rows.append(
            [
                label,
                sum(d.values()),
                percentile(d, 0.5),
                percentile(d, 0.9),
                sum(s.values()),
                percentile(s, 0.5),
                percentile(s, 0.9),
            ]
        )
    return Table(
        key="timeliness",
        caption="Working days to a decision and to a start",
        columns=[
            Column("Route", LABEL),
            Column("Decided"),
            Column("Median days to decision", NUMBER),
            Column("90th percentile days to decision", NUMBER),
            Column("Started"),
            Column("Median days from decision to start", NUMBER),
            Column("90th percentile days from decision to start", NUMBER),
        ],
        rows=rows,
        note="Working days leave out weekends and England's bank holidays (GOV.UK's list). "
        "A decision is CAP's acceptance or decline, or the first panel's; it is counted in the "
        "period it was made, a start in the period it began.",
    )


def notices(scope: Scope) -> list[Table]:
    """Outcome notices due in the window: sent within 3 working days, and the late ones."""
    due = OutcomeNotice.objects.filter(
        application__in=scope.applications(), due_on__gte=scope.first, due_on__lte=scope.last
    )
    today = timezone.localdate()
    late_q = Q(sent_at__isnull=True, due_on__lt=today) | Q(
        sent_at__isnull=False, sent_at__date__gt=F("due_on")
    )
    # sent_at__date compares in the current time zone on both databases.
    totals = due.aggregate(
        all=Count("id"),
        on_time=Count("id", filter=Q(sent_at__isnull=False) & ~Q(sent_at__date__gt=F("due_on"))),
        late=Count("id", filter=late_q),
    )
    waiting = totals["all"] - totals["on_time"] - totals["late"]
    summary = Table(
        key="notices",
        caption="Outcome notices sent within 3 working days",
        columns=[Column("Notices", LABEL), Column("Number"), Column("Share", RATE)],
        rows=[
            ["Sent on time", totals["on_time"], share(totals["on_time"], totals["all"])],
            ["Late", totals["late"], share(totals["late"], totals["all"])],
            ["Not yet due", waiting, share(waiting, totals["all"])],
        ],
        chart="bar",
        summary=(
            f"{share(totals['on_time'], totals['all']):.1f}% of the {totals['all']:,} "
            f"{'notice' if totals['all'] == 1 else 'notices'} due in the period "
            f"{'was' if totals['on_time'] == 1 else 'were'} sent on time."
            if totals["all"]
            else "No outcome notice was due in the period."
        ),
        note="A notice is due 3 working days after the panel's decision.",
    )
    late = list(
        due.filter(late_q)
        .select_related("application", "decision__item__meeting__panel")
        .order_by("-due_on")[:20]
    )
    late_count = totals["late"]
    late_table = Table(
        key="late-notices",
        caption="Late outcome notices",
        columns=[
            Column("Application", LABEL),
            Column("Panel", TEXT),
            Column("Due", DATE),
            Column("Sent", DATE),
        ],
        rows=[
            [
                Cell(n.application.reference, application_url(scope, n.application)),
                n.decision.item.meeting.panel.name,
                n.due_on,
                timezone.localtime(n.sent_at).date() if n.sent_at else "Not sent",
            ]
            for n in late
        ],
        note=(f"The 20 most recent of {late_count:,}." if late_count > 20 else ""),
    )
    return [summary, late_table]


def application_url(scope: Scope, application: Application) -> str:
    if scope.area == Area.SCHOOLS:
        return reverse("applications:detail", args=[application.uuid])
    if scope.area == Area.PROVIDERS:
        return reverse("providers:pack", args=[application.uuid])
    return reverse("casework:application", args=[application.uuid])


@page(
    "referrals",
    "Referrals and decisions",
    areas=(Area.CASEWORK, Area.SCHOOLS),
    order=10,
    intro="Referrals submitted, decided and withdrawn in the period, and how long decisions "
    "and starts took.",
)
def referrals_page(scope: Scope) -> list[Table]:
    return [
        referrals_by_month(scope),
        referrals_now(scope),
        declines_by_reason(scope),
        timeliness(scope),
        *notices(scope),
    ]


# --- The provider route --------------------------------------------------------------------


def provider_funnel(scope: Scope) -> Table:
    """Packs sent in the window, and how far they went."""
    start, end = _local_range(scope.first, scope.last)
    packs = scope.applications().filter(pack_sent_at__gte=start, pack_sent_at__lt=end)
    counts = packs.aggregate(
        packs=Count("id"),
        interviews=Count("id", filter=Q(interview_on__isnull=False)),
        offers=Count("id", filter=Q(proposed_start_on__isnull=False)),
        declined=Count("id", filter=~Q(provider_decline_reason="")),
        starts=Count("id", filter=Q(placement__isnull=False)),
    )
    rows = [
        [
            "Packs sent",
            Cell(counts["packs"], behind(scope, pack="window")),
            100.0 if counts["packs"] else None,
        ],
        [
            "Interviews",
            Cell(counts["interviews"], behind(scope, pack="window", reached="interview")),
            share(counts["interviews"], counts["packs"]),
        ],
        [
            "Offers",
            Cell(counts["offers"], behind(scope, pack="window", reached="offer")),
            share(counts["offers"], counts["packs"]),
        ],
        [
            "Starts",
            Cell(counts["starts"], behind(scope, pack="window", reached="start")),
            share(counts["starts"], counts["packs"]),
        ],
        [
            "Declined by the provider",
            Cell(counts["declined"], behind(scope, pack="window", reached="declined")),
            share(counts["declined"], counts["packs"]),
        ],
    ]
    return Table(
        key="funnel",
        caption="Packs sent to providers and what followed",
        columns=[Column("Step", LABEL), Column("Applications"), Column("Share of packs", RATE)],
        rows=rows,
        chart="bar",
        chart_column=1,
        summary=(
            f"Of {counts['packs']:,} packs sent, {counts['starts']:,} led to a start "
            f"and {counts['declined']:,} were declined."
        ),
        note="Counted from the packs sent in the period, however long what followed took.",
    )


def provider_declines(scope: Scope) -> Table:
    start, end = _local_range(scope.first, scope.last)
    packs = scope.applications().filter(pack_sent_at__gte=start, pack_sent_at__lt=end)
    counts = Counter(
        dict(
            packs.exclude(provider_decline_reason="")
            .values_list("provider_decline_reason")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    total = sum(counts.values())
    return Table(
        key="provider-declines",
        caption="Providers' declines by reason",
        columns=[Column("Reason", LABEL), Column("Declines"), Column("Share", RATE)],
        rows=[
            [
                label,
                Cell(counts[value], behind(scope, pack="window", provider_reason=value)),
                share(counts[value], total),
            ]
            for value, label in ProviderDeclineReason.choices
        ],
    )


@page(
    "provider-route",
    "Provider route",
    areas=(Area.CASEWORK, Area.SCHOOLS),
    order=20,
    intro="Packs sent to training providers in the period: interviews, offers, starts and "
    "declines.",
)
def provider_route_page(scope: Scope) -> list[Table]:
    return [provider_funnel(scope), provider_declines(scope)]


# --- Panels ----------------------------------------------------------------------------------


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
    panel_table = Table(
        key="by-panel",
        caption="Panel outcomes by panel",
        columns=[Column("Panel", LABEL), *columns],
        rows=[[name, *cells(by_panel[name])] for name in sorted(by_panel)],
        chart="bar",
        chart_column=1,
        summary=f"{sum(sum(c[o] for o in outcomes) for c in by_panel.values()):,} items heard "
        "in the period.",
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


# --- Places --------------------------------------------------------------------------------


def cohort_places(scope: Scope) -> Table:
    cohorts = (
        scope.year.programmes.filter(cohorts__isnull=False)
        .values("name", "yearly_capacity", "cohorts__pk", "cohorts__name", "cohorts__capacity")
        .order_by("order", "cohorts__starts_on")
    )
    if scope.programme:
        cohorts = cohorts.filter(pk=scope.programme.pk)
    taken = Counter(
        dict(
            scope.applications()
            .filter(
                cohort__isnull=False, status__in=(S.PANEL_APPROVED, S.START_CONFIRMED, S.PLACED)
            )
            .values_list("cohort")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    rows = [
        [
            f"{c['name']}, {c['cohorts__name']}",
            Cell(taken[c["cohorts__pk"]], behind(scope, cohort=c["cohorts__pk"])),
            c["cohorts__capacity"],
            share(taken[c["cohorts__pk"]], c["cohorts__capacity"] or 0),
        ]
        for c in cohorts
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
        .values("programme__name")
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
                Cell(r["n"], behind(scope, status=S.WAITING_LIST)),
                (today - timezone.localtime(r["oldest"]).date()).days if r["oldest"] else None,
            ]
            for r in rows
        ],
        note="Everyone waiting now, whenever they joined the list.",
    )


def allowance(scope: Scope) -> Table:
    """Each school's Tier 1 placements started in the year against its allowance."""
    used = Counter(
        dict(
            scope.placements()
            .filter(
                programme__counts_against_allowance=True,
                starts_on__gte=scope.year.starts_on,
                starts_on__lte=scope.year.ends_on,
            )
            .values_list("home_school")
            .annotate(n=Count("id"))
            .order_by()
        )
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
