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

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
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
STATUS_OF_ORDER = {order: status for status, order in STATUS_ORDER.items()}
RATINGS = [Rating.GREEN, Rating.AMBER, Rating.RED]


# Each provider's rating in each area and its status, worked out over every provider at
# once: the latest approved evidence of each item (the newest issued, then the newest
# entered), its items' ratings per area, the area's rating at the provider's latest review,
# and then the status from the areas, the review's date and the site visits. The same
# rules as _standing(); a test holds the two equal in every case the rules name.
# `rated` has a row for every provider and area (code: 0 green, 1 amber, 2 red) and
# `statuses` one for every provider (attention: its status's place in STATUS_ORDER).
_STANDINGS_SQL = """
WITH ranked AS (
    SELECT e.provider_id, e.item_id, e.expires_on,
        ROW_NUMBER() OVER (
            PARTITION BY e.provider_id, e.item_id ORDER BY e.issued_on DESC, e.id DESC
        ) AS nth
    FROM {evidence} e
    WHERE e.status = %(approved)s
),
sizes AS (
    SELECT area_id, COUNT(*) AS n FROM {item} GROUP BY area_id
),
items AS (
    SELECT ranked.provider_id, item.area_id,
        CASE
            WHEN COUNT(CASE WHEN ranked.expires_on IS NULL
                OR ranked.expires_on >= %(today)s THEN 1 END) < sizes.n THEN 2
            WHEN COUNT(CASE WHEN ranked.expires_on IS NULL
                OR ranked.expires_on > %(notice_ends)s THEN 1 END) < sizes.n THEN 1
            ELSE 0
        END AS code
    FROM ranked
    JOIN {item} item ON item.id = ranked.item_id
    JOIN sizes ON sizes.area_id = item.area_id
    WHERE ranked.nth = 1
    GROUP BY ranked.provider_id, item.area_id, sizes.n
),
latest_review AS (
    SELECT id, provider_id, held_on FROM (
        SELECT r.id, r.provider_id, r.held_on,
            ROW_NUMBER() OVER (
                PARTITION BY r.provider_id ORDER BY r.held_on DESC, r.id DESC
            ) AS nth
        FROM {review} r
    ) reviews
    WHERE nth = 1
),
rated AS (
    SELECT p.id AS provider_id, area.id AS area_id,
        CASE
            -- An area with items and no approved evidence for any of them is red.
            WHEN (sizes.n IS NOT NULL AND items.code IS NULL) OR items.code = 2
                OR rating.rating = %(red)s THEN 2
            WHEN items.code = 1 OR rating.rating = %(amber)s THEN 1
            ELSE 0
        END AS code
    FROM {record} p
    CROSS JOIN {area} area
    LEFT JOIN sizes ON sizes.area_id = area.id
    LEFT JOIN items ON items.provider_id = p.id AND items.area_id = area.id
    LEFT JOIN latest_review ON latest_review.provider_id = p.id
    LEFT JOIN {rating} rating
        ON rating.review_id = latest_review.id AND rating.area_id = area.id
),
worst AS (
    SELECT provider_id, MAX(code) AS code FROM rated GROUP BY provider_id
),
last_visit AS (
    SELECT provider_id, rating FROM (
        SELECT v.provider_id, v.rating,
            ROW_NUMBER() OVER (
                PARTITION BY v.provider_id ORDER BY v.visited_on DESC, v.id DESC
            ) AS nth
        FROM {visit} v
        WHERE v.visited_on IS NOT NULL
    ) visits
    WHERE nth = 1
),
statuses AS (
    SELECT p.id AS provider_id,
        CASE
            WHEN latest_review.id IS NULL THEN %(not_assessed)s
            WHEN worst.code = 2 OR last_visit.rating = %(red)s THEN %(suspended)s
            WHEN worst.code = 1
                OR last_visit.rating = %(amber)s
                OR latest_review.held_on < %(review_due)s
                OR EXISTS (
                    SELECT 1 FROM {visit} planned
                    WHERE planned.provider_id = p.id
                        AND planned.visited_on IS NULL
                        AND planned.scheduled_on < %(today)s
                )
                THEN %(conditions)s
            ELSE %(approved_order)s
        END AS attention
    FROM {record} p
    LEFT JOIN worst ON worst.provider_id = p.id
    LEFT JOIN latest_review ON latest_review.provider_id = p.id
    LEFT JOIN last_visit ON last_visit.provider_id = p.id
)
"""
_RATING_OF_CODE = {0: Rating.GREEN, 1: Rating.AMBER, 2: Rating.RED}
_CODE_OF_RATING = {rating: code for code, rating in _RATING_OF_CODE.items()}


def _standings_sql(select: str, *, today: dt.date, **more) -> tuple[str, dict]:
    """`select` from `rated` and `statuses`, and its parameters."""
    tables = {
        "evidence": Evidence._meta.db_table,
        "item": EvidenceItem._meta.db_table,
        "review": Review._meta.db_table,
        "rating": ReviewRating._meta.db_table,
        "visit": Visit._meta.db_table,
        "record": ProviderRecord._meta.db_table,
        "area": ComplianceArea._meta.db_table,
        "organisation": Organisation._meta.db_table,
    }
    config = settings_current()
    params = {
        "approved": EvidenceStatus.APPROVED,
        "today": today,
        "notice_ends": today + dt.timedelta(days=config.reminder_notice_days),
        "review_due": today - dt.timedelta(days=config.review_due_days),
        "red": Rating.RED,
        "amber": Rating.AMBER,
        "not_assessed": STATUS_ORDER[ProviderStatus.NOT_ASSESSED],
        "suspended": STATUS_ORDER[ProviderStatus.SUSPENDED],
        "conditions": STATUS_ORDER[ProviderStatus.CONDITIONS],
        "approved_order": STATUS_ORDER[ProviderStatus.APPROVED],
    } | more
    # Only table names are put in the text; every value is a parameter.
    return (_STANDINGS_SQL + select).format(**tables), params


def _rows(select: str, *, today: dt.date, **params) -> list[tuple]:
    sql, params = _standings_sql(select, today=today, **params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def statuses_in_sql(*, today: dt.date | None = None) -> dict[int, str]:
    """Every provider's status as the overview works it out in SQL, keyed by record id:
    reads a row a provider, so for tests and checks only."""
    rows = _rows("SELECT provider_id, attention FROM statuses", today=today or timezone.localdate())
    return {p: STATUS_OF_ORDER[order] for p, order in rows}


def area_ratings_in_sql(*, today: dt.date | None = None) -> dict[tuple[int, int], str]:
    """Every provider's rating in every area as the overview works it out in SQL, keyed by
    (record id, area id): reads a row a provider and area, so for tests and checks only."""
    rows = _rows(
        "SELECT provider_id, area_id, code FROM rated", today=today or timezone.localdate()
    )
    return {(p, a): _RATING_OF_CODE[code] for p, a, code in rows}


@dataclass
class AreaSummary:
    area: ComplianceArea
    counts: dict[str, int]  # how many providers have each rating in this area


_PAGE_SQL = """
SELECT statuses.provider_id FROM statuses
JOIN {record} p ON p.id = statuses.provider_id
JOIN {organisation} o ON o.id = p.organisation_id
%s
ORDER BY statuses.attention, o.name, p.id
LIMIT %%(limit)s OFFSET %%(offset)s
"""
# The overview's filters: every provider, by status, or by one area's rating.
_PAGE_SQLS = {
    "": _PAGE_SQL % "",
    "status": _PAGE_SQL % "WHERE statuses.attention = %(attention)s",
    "area": _PAGE_SQL
    % (
        "JOIN rated ON rated.provider_id = p.id"
        " WHERE rated.area_id = %(area)s AND rated.code = %(code)s"
    ),
}


class ProviderRows:
    """The providers a filter of the overview picks, those that need attention first (then
    by name), for a Paginator: how many is known from the counts, and a page is one query
    for its records' ids in order and one for the records."""

    def __init__(self, *, count: int, today: dt.date, by: str = "", **params):
        self._count, self._today, self._sql, self._params = count, today, _PAGE_SQLS[by], params

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, shown: slice) -> list[ProviderRecord]:
        start = shown.start or 0
        stop = self._count if shown.stop is None else shown.stop
        ids = [
            row[0]
            for row in _rows(
                self._sql,
                today=self._today,
                limit=max(stop - start, 0),
                offset=start,
                **self._params,
            )
        ]
        found = ProviderRecord.objects.select_related("organisation").in_bulk(ids)
        return [found[pk] for pk in ids]


@dataclass
class Overview:
    """Every provider summed up by overall status and by each area's rating, with the
    providers a filter picks (those that need attention first) to page: their standings
    are worked out only for the page shown (see standings())."""

    total: int
    by_status: dict[str, int]
    by_area: list[AreaSummary]
    rows: ProviderRows


def compliance_overview(
    *, status: str = "", area: str = "", rating: str = "", today: dt.date | None = None
) -> Overview:
    """The numbers for the providers' compliance overview, in one query over every
    provider's evidence, reviews and visits in SQL, and the providers a filter picks (by
    overall status, or by one area's rating) to page, sorted in the database: no
    provider's evidence is read into Python, however many providers there are."""
    today = today or timezone.localdate()
    areas = framework()
    counts = {
        (kind, key, code): n
        for kind, key, code, n in _rows(
            "SELECT 'area', area_id, code, COUNT(*) FROM rated GROUP BY area_id, code"
            " UNION ALL"
            " SELECT 'status', attention, 0, COUNT(*) FROM statuses GROUP BY attention",
            today=today,
        )
    }
    by_status = {s: counts.get(("status", order, 0), 0) for s, order in STATUS_ORDER.items()}
    by_area = [
        AreaSummary(a, {r: counts.get(("area", a.pk, _CODE_OF_RATING[r]), 0) for r in RATINGS})
        for a in areas
    ]
    total = sum(by_status.values())
    if status:
        rows = ProviderRows(
            count=by_status[status],
            today=today,
            by="status",
            attention=STATUS_ORDER[status],
        )
    elif area:
        chosen = next(s for s in by_area if s.area.key == area)
        rows = ProviderRows(
            count=chosen.counts[rating],
            today=today,
            by="area",
            area=chosen.area.pk,
            code=_CODE_OF_RATING[rating],
        )
    else:
        rows = ProviderRows(count=total, today=today)
    return Overview(total=total, by_status=by_status, by_area=by_area, rows=rows)
