"""Reads for quality assurance. A provider's status is derived here, from its evidence, its
latest termly review and its site visits, at the moment of asking: nothing goes stale when
a certificate passes its expiry date overnight.

Every function takes the providers it is asked about and answers in a fixed number of
queries, however many providers, items or reviews there are.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Organisation
from lib.dates import long_date as _long_date
from quality.models import (
    APPROVED_STATUSES,
    RATING_ORDER,
    ComplianceArea,
    Evidence,
    EvidenceItem,
    EvidenceStatus,
    ProviderRecord,
    ProviderStatus,
    QualitySettings,
    Rating,
    Review,
    ReviewRating,
    Visit,
)


def on_day(day: dt.date) -> str:
    return _long_date(day, weekday=False)


def settings_current() -> QualitySettings:
    """The CAP manager's settings; the defaults (unsaved) until they set their own in the
    admin. A read never writes."""
    return QualitySettings.objects.filter(pk=1).first() or QualitySettings(pk=1)


@dataclass
class ItemState:
    item: EvidenceItem
    current: Evidence | None  # the approved evidence in force
    pending: Evidence | None  # a submission waiting for CAP
    rating: str
    reason: str = ""


@dataclass
class AreaState:
    area: ComplianceArea
    rating: str
    reasons: list[str] = field(default_factory=list)
    items: list[ItemState] = field(default_factory=list)
    review_rating: ReviewRating | None = None


@dataclass
class Standing:
    status: str
    reasons: list[str]
    areas: list[AreaState]
    latest_review: Review | None = None
    next_visit: Visit | None = None
    last_visit: Visit | None = None
    waiting: int = 0  # submissions waiting for CAP

    @property
    def status_label(self) -> str:
        return ProviderStatus(self.status).label

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATUSES


def _worst(*ratings: str) -> str:
    return max(ratings, key=lambda r: RATING_ORDER[r])


def framework() -> list[ComplianceArea]:
    return list(
        ComplianceArea.objects.prefetch_related(
            Prefetch("items", queryset=EvidenceItem.objects.order_by("order", "name"))
        )
    )


def standings(
    records: Iterable[ProviderRecord], *, today: dt.date | None = None
) -> dict[int, Standing]:
    """Each record's standing, keyed by record id: five queries for any number."""
    records = list(records)
    today = today or timezone.localdate()
    config = settings_current()
    areas = framework()
    ids = [r.pk for r in records]
    evidence: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
    for e in Evidence.objects.filter(
        provider_id__in=ids, status__in=[EvidenceStatus.APPROVED, EvidenceStatus.SUBMITTED]
    ).order_by("-issued_on", "-id"):
        evidence[(e.provider_id, e.item_id)].append(e)
    latest_reviews: dict[int, Review] = {}
    for review in (
        Review.objects.filter(provider_id__in=ids)
        .prefetch_related("ratings")
        .order_by("provider_id", "-held_on", "-id")
    ):
        latest_reviews.setdefault(review.provider_id, review)
    visits: dict[int, list[Visit]] = defaultdict(list)
    for visit in Visit.objects.filter(provider_id__in=ids).order_by("-scheduled_on", "-id"):
        visits[visit.provider_id].append(visit)
    return {
        record.pk: _standing(
            record,
            areas=areas,
            evidence=evidence,
            review=latest_reviews.get(record.pk),
            visits=visits[record.pk],
            config=config,
            today=today,
        )
        for record in records
    }


def _item_state(item, found: list[Evidence], *, notice: int, today: dt.date) -> ItemState:
    approved = [e for e in found if e.status == EvidenceStatus.APPROVED]
    pending = next((e for e in found if e.status == EvidenceStatus.SUBMITTED), None)
    current = approved[0] if approved else None
    if current is None:
        return ItemState(item, None, pending, Rating.RED, f"No approved {item.name.lower()}")
    if current.expires_on and current.expires_on < today:
        return ItemState(
            item,
            current,
            pending,
            Rating.RED,
            f"{item.name} expired on {on_day(current.expires_on)}",
        )
    if current.expires_on and current.expires_on <= today + dt.timedelta(days=notice):
        return ItemState(
            item,
            current,
            pending,
            Rating.AMBER,
            f"{item.name} expires on {on_day(current.expires_on)}",
        )
    return ItemState(item, current, pending, Rating.GREEN)


def _standing(record, *, areas, evidence, review, visits, config, today) -> Standing:
    area_states = []
    review_ratings = {r.area_id: r for r in review.ratings.all()} if review else {}
    waiting = 0
    for area in areas:
        items = [
            _item_state(
                item,
                evidence[(record.pk, item.pk)],
                notice=config.reminder_notice_days,
                today=today,
            )
            for item in area.items.all()
        ]
        waiting += sum(1 for i in items if i.pending)
        rating = _worst(Rating.GREEN, *(i.rating for i in items))
        reasons = [i.reason for i in items if i.reason]
        rated = review_ratings.get(area.pk)
        if rated and rated.rating != Rating.GREEN:
            rating = _worst(rating, rated.rating)
            reasons.append(
                f"Rated {rated.get_rating_display().lower()} at the review on "
                f"{on_day(review.held_on)}"
            )
        area_states.append(AreaState(area, rating, reasons, items, rated))

    done = [v for v in visits if v.visited_on]
    last_visit = max(done, key=lambda v: (v.visited_on, v.pk)) if done else None
    planned = [v for v in visits if not v.visited_on]
    next_visit = min(planned, key=lambda v: (v.scheduled_on, v.pk)) if planned else None

    reasons: list[str] = []
    red = [a for a in area_states if a.rating == Rating.RED]
    amber = [a for a in area_states if a.rating == Rating.AMBER]
    for a in red + amber:
        reasons.extend(f"{a.area.name}: {reason}" for reason in a.reasons)
    if review is None:
        status = ProviderStatus.NOT_ASSESSED
        reasons.insert(0, "CAP has not yet held a compliance review with this provider")
    elif red or (last_visit and last_visit.rating == Rating.RED):
        status = ProviderStatus.SUSPENDED
        if last_visit and last_visit.rating == Rating.RED:
            reasons.append(f"The site visit on {on_day(last_visit.visited_on)} was rated red")
    else:
        overdue_review = review.held_on + dt.timedelta(days=config.review_due_days) < today
        overdue_visit = next_visit is not None and next_visit.scheduled_on < today
        amber_visit = last_visit is not None and last_visit.rating == Rating.AMBER
        if overdue_review:
            reasons.append(
                f"The termly review is overdue: the last was on {on_day(review.held_on)}"
            )
        if overdue_visit:
            reasons.append(
                f"The site visit planned for {on_day(next_visit.scheduled_on)} "
                "has not been recorded"
            )
        if amber_visit:
            reasons.append(f"The site visit on {on_day(last_visit.visited_on)} was rated amber")
        status = (
            ProviderStatus.CONDITIONS
            if amber or overdue_review or overdue_visit or amber_visit
            else ProviderStatus.APPROVED
        )
    return Standing(
        status=status,
        reasons=reasons,
        areas=area_states,
        latest_review=review,
        next_visit=next_visit,
        last_visit=last_visit,
        waiting=waiting,
    )


def provider_standing(provider: Organisation, *, today: dt.date | None = None):
    """(status, reasons) for one provider organisation: what applications ask before a pack
    is sent or a placement set up. A provider CAP keeps no record for is not approved."""
    record = ProviderRecord.objects.filter(organisation=provider).first()
    if record is None:
        return (
            ProviderStatus.NOT_ASSESSED,
            ["CAP keeps no quality-assurance record for this provider"],
        )
    standing = standings([record], today=today)[record.pk]
    return standing.status, standing.reasons


def approved_providers(*, today: dt.date | None = None) -> QuerySet:
    """The organisations whose courses schools may see (approved, with or without
    conditions), as a query of their ids to use inside another query.

    The same rules as standings(), asked in one query so that the directory does not build
    every provider's standing: a provider is approved when it has had a review, the latest
    approved evidence of every item is in force, its latest review rated no area red and
    its last recorded site visit was not red. (Amber, an overdue review or an overdue
    visit only put conditions, which still count as approved.)"""
    today = today or timezone.localdate()
    later = Evidence.objects.filter(
        provider_id=OuterRef("provider_id"),
        item_id=OuterRef("item_id"),
        status=EvidenceStatus.APPROVED,
    ).filter(
        Q(issued_on__gt=OuterRef("issued_on"))
        | Q(issued_on=OuterRef("issued_on"), id__gt=OuterRef("id"))
    )
    in_force = (
        Evidence.objects.filter(provider_id=OuterRef("pk"), status=EvidenceStatus.APPROVED)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exclude(Exists(later))
        .order_by()
        .values("provider_id")
        .annotate(n=Count("item_id", distinct=True))
        .values("n")
    )
    latest_review = (
        Review.objects.filter(provider_id=OuterRef("pk")).order_by("-held_on", "-id").values("id")
    )
    last_visit = (
        Visit.objects.filter(provider_id=OuterRef("pk"), visited_on__isnull=False)
        .order_by("-visited_on", "-id")
        .values("rating")
    )
    red_rating = ReviewRating.objects.filter(review_id=OuterRef("latest_review"), rating=Rating.RED)
    return (
        ProviderRecord.objects.filter(organisation__is_active=True)
        .annotate(
            latest_review=Subquery(latest_review[:1]),
            in_force=Coalesce(Subquery(in_force), 0),
            last_visit=Coalesce(Subquery(last_visit[:1]), Value("")),
        )
        .filter(latest_review__isnull=False, in_force__gte=EvidenceItem.objects.count())
        .exclude(Exists(red_rating))
        .exclude(last_visit=Rating.RED)
        .values_list("organisation_id", flat=True)
    )


def evidence_due_reminder(*, today: dt.date | None = None):
    """Approved evidence that expires within the notice period (or has expired) and has not
    been reminded about since it was approved."""
    today = today or timezone.localdate()
    notice = settings_current().reminder_notice_days
    return (
        Evidence.objects.filter(
            status=EvidenceStatus.APPROVED,
            expires_on__isnull=False,
            expires_on__lte=today + dt.timedelta(days=notice),
            reminded_at__isnull=True,
        )
        .select_related("item", "provider__organisation")
        .order_by("expires_on", "id")
    )


# The order the overview lists providers in: those that need attention first.
STATUS_ORDER = {
    ProviderStatus.SUSPENDED: 0,
    ProviderStatus.NOT_ASSESSED: 1,
    ProviderStatus.CONDITIONS: 2,
    ProviderStatus.APPROVED: 3,
}
RATINGS = [Rating.GREEN, Rating.AMBER, Rating.RED]


@dataclass
class AreaSummary:
    area: ComplianceArea
    counts: dict[str, int]  # how many providers have each rating in this area


@dataclass
class Overview:
    """Every provider's standing, summed up by overall status and by each area's rating,
    with the providers a filter picks (those that need attention first)."""

    total: int
    by_status: dict[str, int]
    by_area: list[AreaSummary]
    rows: list[tuple[ProviderRecord, Standing]]


def compliance_overview(
    *, status: str = "", area: str = "", rating: str = "", today: dt.date | None = None
) -> Overview:
    """The numbers for the providers' compliance overview and the providers a filter
    picks: by overall status, or by one area's rating. A fixed number of queries (the
    standings are derived in memory), however many providers there are."""
    records = list(ProviderRecord.objects.select_related("organisation"))
    found = standings(records, today=today)
    areas = framework()
    by_status = dict.fromkeys(STATUS_ORDER, 0)
    by_area = {a.key: AreaSummary(a, dict.fromkeys(RATINGS, 0)) for a in areas}
    for standing in found.values():
        by_status[standing.status] += 1
        for state in standing.areas:
            by_area[state.area.key].counts[state.rating] += 1

    def picked(standing: Standing) -> bool:
        if status and standing.status != status:
            return False
        if area:
            return any(s.area.key == area and s.rating == rating for s in standing.areas)
        return True

    rows = sorted(
        ((r, found[r.pk]) for r in records if picked(found[r.pk])),
        key=lambda row: (STATUS_ORDER[row[1].status], row[0].organisation.name),
    )
    return Overview(
        total=len(records),
        by_status=by_status,
        by_area=list(by_area.values()),
        rows=rows,
    )
