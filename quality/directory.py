"""Reads for the course directory: the courses of the current year whose providers are
approved, searched and filtered. Shared by the directory pages and the open feed."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from programmes.models import Course, Programme
from programmes.selectors import year_current
from quality.selectors import approved_providers

KEY_STAGES = {"ks3": (7, 8, 9), "ks4": (10, 11)}


@dataclass(frozen=True)
class Filters:
    query: str = ""
    category: Programme | None = None
    level: str = ""
    key_stage: str = ""
    year_group: int | None = None
    days: Decimal | None = None
    weeks: int | None = None
    location: str = ""
    max_fee: Decimal | None = None
    provider_id: int | None = None


def directory_programmes() -> QuerySet[Programme]:
    """The categories: this year's programmes that offer courses."""
    year = year_current()
    return Programme.objects.filter(year=year, offers_courses=True).order_by("order", "name")


def directory_courses(
    *, today: dt.date | None = None, approved: list[int] | None = None
) -> QuerySet[Course]:
    """Every course in the directory now: this year's, from approved providers. A page
    that has already asked which providers are approved passes their ids (`approved`:
    a list a provider, no longer than the providers) rather than have every query of the
    page work the approvals out again."""
    year = year_current(on=today)
    return (
        Course.objects.filter(
            programme__year=year,
            programme__offers_courses=True,
            provider__is_active=True,
            provider_id__in=approved_providers(today=today) if approved is None else approved,
        )
        .select_related("programme__tier", "provider__provider_record")
        .order_by("programme__order", "title", "id")
    )


def course_search(
    filters: Filters, *, today: dt.date | None = None, approved: list[int] | None = None
) -> QuerySet[Course]:
    """The directory's courses that match every filter given, as a query to page."""
    courses = directory_courses(today=today, approved=approved)
    for word in filters.query.split():
        courses = courses.filter(
            Q(title__icontains=word)
            | Q(qualification__icontains=word)
            | Q(level__icontains=word)
            | Q(programme__name__icontains=word)
            | Q(provider__name__icontains=word)
            | Q(venue__icontains=word)
        )
    if filters.category is not None:
        courses = courses.filter(programme=filters.category)
    if filters.level:
        courses = courses.filter(level=filters.level)
    if filters.days is not None:
        courses = courses.filter(days_per_week__lte=filters.days)
    if filters.weeks is not None:
        courses = courses.filter(weeks__lte=filters.weeks)
    if filters.location:
        courses = courses.filter(
            Q(venue__icontains=filters.location)
            | Q(provider__postcode__istartswith=filters.location)
            | Q(provider__address__icontains=filters.location)
        )
    if filters.max_fee is not None:
        courses = courses.filter(Q(fee__lte=filters.max_fee) | Q(fee__isnull=True))
    if filters.provider_id is not None:
        courses = courses.filter(provider_id=filters.provider_id)
    # Year groups are a JSON list of numbers: matched in its text, a year as a whole number,
    # which reads the same on SQLite and PostgreSQL.
    wanted: set[int] = set()
    if filters.key_stage:
        wanted = set(KEY_STAGES[filters.key_stage])
    if filters.year_group is not None:
        wanted = {filters.year_group} if not wanted else wanted & {filters.year_group}
        if not wanted:
            return courses.none()
    if wanted:
        years = "|".join(str(year) for year in sorted(wanted))
        courses = courses.annotate(year_groups_text=Cast("year_groups", TextField())).filter(
            year_groups_text__regex=rf"(^|[^0-9])({years})([^0-9]|$)"
        )
    return courses


def levels() -> list[str]:
    return sorted(
        set(
            Course.objects.filter(programme__year=year_current())
            .exclude(level="")
            .values_list("level", flat=True)
        )
    )


def key_stages_of(course: Course) -> list[str]:
    return [
        {"ks3": "Key stage 3", "ks4": "Key stage 4"}[ks]
        for ks, years in KEY_STAGES.items()
        if set(years) & set(course.year_groups)
    ]
