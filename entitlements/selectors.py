"""Reads about entitlements, each in a fixed number of queries whatever the amount of data.

A weekly allocation expects one delivery each school week from its start: on its day, in a
term and out of half term, on a working day. A past week with nothing logged for it
(neither a delivery nor a cancellation) is missed. Missed weeks are worked out here from the
terms and the logged dates, never stored, so a delivery logged late clears its week.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from entitlements.models import Allocation, Delivery, DeliveryStatus
from entitlements.rules import allocations_visible_to, benefits_visible_to
from programmes.calendar import Calendar
from programmes.models import AcademicYear, Benefit, Subscription, Term

PAGE_SIZE = 50
# The most deliveries a school's page lists (the latest of the year), and the most
# allocations it shows: a school has a handful, so this only bounds the page.
LATEST_DELIVERIES = 50
MOST_ALLOCATIONS = 200


def missed_days(
    allocation: Allocation, logged: list[dt.date], calendar: Calendar, today: dt.date
) -> list[dt.date]:
    """The days a weekly allocation expected a delivery, before today and up to its end, in
    weeks with nothing logged. Bounded by the year: at most one day a week."""
    if allocation.weekday is None or not allocation.benefit.weekly:
        return []
    year = allocation.benefit.year
    weeks_logged = {day - dt.timedelta(days=day.weekday()) for day in logged}
    monday = allocation.starts_on - dt.timedelta(days=allocation.starts_on.weekday())
    last = min(today - dt.timedelta(days=1), year.ends_on, allocation.ends_on or year.ends_on)
    missed = []
    while monday <= last:
        day = monday + dt.timedelta(days=allocation.weekday)
        if (
            allocation.starts_on <= day <= last
            and monday not in weeks_logged
            and calendar.is_school_day(day)
        ):
            missed.append(day)
        monday += dt.timedelta(days=7)
    return missed


@dataclass
class AllocationRow:
    allocation: Allocation
    delivered: int = 0
    cancelled: int = 0
    last_delivered: dt.date | None = None
    missed: list[dt.date] = field(default_factory=list)


def _calendars_by_year(year_ids: set[int]) -> dict[int, Calendar]:
    terms: dict[int, list[Term]] = defaultdict(list)
    for term in Term.objects.filter(year_id__in=year_ids):
        terms[term.year_id].append(term)
    return {year_id: Calendar(year_terms) for year_id, year_terms in terms.items()}


def rows_for(allocations: list[Allocation], *, today: dt.date | None = None) -> list[AllocationRow]:
    """Each allocation with its deliveries counted and its missed days: two queries for any
    number of allocations (their logged days and their years' terms)."""
    today = today or timezone.localdate()
    if not allocations:
        return []
    logged: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for allocation_id, on, status in Delivery.objects.filter(
        allocation__in=allocations
    ).values_list("allocation_id", "on", "status"):
        logged[allocation_id].append((on, status))
    calendars = _calendars_by_year({a.benefit.year_id for a in allocations})
    rows = []
    for allocation in allocations:
        days = logged[allocation.pk]
        delivered = [on for on, status in days if status == DeliveryStatus.DELIVERED]
        rows.append(
            AllocationRow(
                allocation=allocation,
                delivered=len(delivered),
                cancelled=len(days) - len(delivered),
                last_delivered=max(delivered, default=None),
                missed=missed_days(
                    allocation,
                    [on for on, _ in days],
                    calendars.get(allocation.benefit.year_id, Calendar([])),
                    today,
                ),
            )
        )
    return rows


def _allocations() -> QuerySet[Allocation]:
    return Allocation.objects.select_related(
        "subscription__school", "benefit__year", "student"
    ).order_by("subscription__school__name", "benefit__order", "starts_on", "pk")


def allocations_page(
    *, user: User, year: AcademicYear, page_number=None
) -> tuple[Page, list[AllocationRow]]:
    """The CAP team's list: a page of the year's allocations the user may see, by school and
    benefit, with their missed days."""
    queryset = allocations_visible_to(user, _allocations().filter(subscription__year=year))
    page = Paginator(queryset, PAGE_SIZE).get_page(page_number)
    return page, rows_for(list(page.object_list))


def allocation_deliveries(allocation: Allocation, page_number=None) -> Page:
    """The allocation's deliveries and cancellations, latest first, a page at a time."""
    queryset = allocation.deliveries.select_related("recorded_by").prefetch_related(
        Prefetch("students", to_attr="students_listed")
    )
    return Paginator(queryset, PAGE_SIZE).get_page(page_number)


@dataclass
class BenefitReceived:
    benefit: Benefit
    rows: list[AllocationRow]


@dataclass
class SchoolYear:
    subscription: Subscription | None
    benefits: list[BenefitReceived]
    latest: list[Delivery]


def school_received(*, user: User, school: Organisation, year: AcademicYear) -> SchoolYear:
    """What the school has been given this year, benefit by benefit, and its latest
    deliveries: only what the user may see (a confidential benefit for the headteacher)."""
    subscription = Subscription.objects.filter(school=school, year=year).first()
    if subscription is None:
        return SchoolYear(subscription=None, benefits=[], latest=[])
    benefits = list(benefits_visible_to(user, school, Benefit.objects.filter(year=year)))
    allocations = list(
        allocations_visible_to(user, _allocations().filter(subscription=subscription))[
            :MOST_ALLOCATIONS
        ]
    )
    rows = rows_for(allocations)
    by_benefit: dict[int, list[AllocationRow]] = defaultdict(list)
    for row in rows:
        by_benefit[row.allocation.benefit_id].append(row)
    latest = list(
        Delivery.objects.filter(allocation__in=allocations)
        .select_related("allocation__benefit")
        .prefetch_related(Prefetch("students", to_attr="students_listed"))
        .order_by("-on", "-pk")[:LATEST_DELIVERIES]
    )
    return SchoolYear(
        subscription=subscription,
        benefits=[BenefitReceived(benefit=b, rows=by_benefit[b.pk]) for b in benefits],
        latest=latest,
    )
