"""Referrals, decisions and their timeliness: by month, where they are now, declines,
working days to a decision and a start, and outcome notices sent on time.

Every count is made in the database from the scope's querysets and bounded by its window
(the year or the chosen term); medians and percentiles are worked out from counts of
distinct pairs of dates, so their cost follows the number of days, not of applications.
"""

import datetime as dt
import math
from collections import Counter, defaultdict

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone

from accounts.rules import Area
from applications.models import Application, ProviderDeclineReason
from applications.workflow import Status
from dashboards.figures.common import APPROVED, DECLINED, counted, local_range
from dashboards.pages import page
from dashboards.report import DATE, LABEL, NUMBER, RATE, TEXT, Cell, Column, Table, plural, share
from dashboards.scope import Scope
from lib import dates
from lib.forms import is_number
from panels.models import OutcomeNotice
from programmes.models import Route

S = Status
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


def submitted_in(scope: Scope):
    start, end = local_range(scope.first, scope.last)
    return scope.applications().filter(submitted_at__gte=start, submitted_at__lt=end)


def behind(scope: Scope, **criteria) -> str:
    """The link to the list of applications behind a figure."""
    return reverse(f"dashboards:{scope.area}_behind") + "?" + scope.query(**criteria)


def _month(value: str) -> tuple[dt.datetime, dt.datetime] | None:
    """A month written 2026-01 as its first and next month's first moments."""
    year, _, month = value.partition("-")
    if not (is_number(year) and is_number(month) and 2000 <= int(year) <= 2100):
        return None
    if not 1 <= int(month) <= 12:
        return None
    first = dt.date(int(year), int(month), 1)
    return local_range(first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))


def applications_behind(scope: Scope, params) -> tuple[str, object]:
    """The applications counted by a figure, from the criteria its link carries, and those
    criteria in words. Unknown criteria count nothing rather than everything."""
    qs = scope.applications()
    said = []
    window = local_range(scope.first, scope.last)
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
        qs = qs.filter(APPROVED)
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
    if "cohort" in params and not is_number(params["cohort"]):
        return "", qs.none()
    if is_number(params.get("cohort", "")):
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
    start, end = local_range(scope.first, scope.last)
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
    approved = by_month(apps.filter(APPROVED), "decided_at")
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
    counts = counted(submitted_in(scope), "status")
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
    providers = counted(apps.exclude(provider_decline_reason=""), "provider_decline_reason")
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
    """Working days after the first date of each pair up to and including its second
    (lib.dates.working_days_between), counted: value -> how many. Worked out from a running
    count over the days the pairs span, so the cost follows the days, not the pairs."""
    pairs = [
        (
            a.date() if isinstance(a, dt.datetime) else a,
            b.date() if isinstance(b, dt.datetime) else b,
            n,
        )
        for a, b, n in pairs
        if a is not None and b is not None
    ]
    if not pairs:
        return Counter()
    day = min(min(a, b) for a, b, _ in pairs)
    last = max(max(a, b) for a, b, _ in pairs)
    running, count = {}, 0
    while day <= last:
        count += dates.is_working_day(day)
        running[day] = count
        day += dt.timedelta(days=1)
    days: Counter = Counter()
    for a, b, n in pairs:
        days[max(0, running[b] - running[a])] += n
    return days


def timeliness(scope: Scope) -> Table:
    """Working days from submission to decision (decided in the window) and from decision
    to the placement's start (started in the window), per route."""
    start, end = local_range(scope.first, scope.last)
    decided = scope.applications().filter(
        decided_at__gte=start, decided_at__lt=end, submitted_at__isnull=False
    )
    pairs: dict[str, list] = defaultdict(list)
    for row in (
        decided.annotate(a=TruncDate("submitted_at"), b=TruncDate("decided_at"))
        .values("programme__route", "a", "b")
        .annotate(n=Count("id"))
        .order_by()
    ):
        pairs[row["programme__route"]].append((row["a"], row["b"], row["n"]))
    to_decision = {route: _working_days(found) for route, found in pairs.items()}
    started = scope.placements().filter(
        starts_on__gte=scope.first, starts_on__lte=scope.last, application__decided_at__isnull=False
    )
    pairs = defaultdict(list)
    for row in (
        started.annotate(a=TruncDate("application__decided_at"))
        .values("programme__route", "a", "starts_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        pairs[row["programme__route"]].append((row["a"], row["starts_on"], row["n"]))
    to_start = {route: _working_days(found) for route, found in pairs.items()}
    rows = []
    for route, label in Route.choices:
        if scope.route and route != scope.route:
            continue
        d, s = to_decision.get(route, Counter()), to_start.get(route, Counter())
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
            f"{share(totals['on_time'], totals['all']):.1f}% of the "
            f"{plural(totals['all'], 'notice')} due in the period "
            f"{'was' if totals['all'] == 1 else 'were'} sent on time."
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
