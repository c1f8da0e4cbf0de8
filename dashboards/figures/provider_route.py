"""The provider route: packs sent to training providers, and the interviews, offers, starts
and declines that followed."""

from django.db.models import Count, Q

from accounts.rules import Area
from applications.models import ProviderDeclineReason
from dashboards.figures.common import counted, local_range
from dashboards.figures.referrals import behind
from dashboards.pages import page
from dashboards.report import LABEL, RATE, Cell, Column, Table, plural, share
from dashboards.scope import Scope


def provider_funnel(scope: Scope) -> Table:
    """Packs sent in the window, and how far they went."""
    start, end = local_range(scope.first, scope.last)
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
            f"Of the {plural(counts['packs'], 'pack')} sent, {counts['starts']:,} "
            f"led to a start and {counts['declined']:,} "
            f"{'was' if counts['declined'] == 1 else 'were'} declined."
        ),
        note="Counted from the packs sent in the period, however long what followed took.",
    )


def provider_declines(scope: Scope) -> Table:
    start, end = local_range(scope.first, scope.last)
    packs = scope.applications().filter(pack_sent_at__gte=start, pack_sent_at__lt=end)
    counts = counted(packs.exclude(provider_decline_reason=""), "provider_decline_reason")
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
