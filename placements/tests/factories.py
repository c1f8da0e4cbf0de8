"""Placements for tests, made through placement_create as every route makes them."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.models import Application
from placements.services import placement_create
from programmes.models import AcademicYear, Programme, Term, Tier
from students.tests.factories import StudentFactory

# A fixed school week for tests that set the clock: Monday 12 to Friday 16 January 2026,
# in a spring term with a February half term.
MONDAY = dt.date(2026, 1, 12)
WEDNESDAY = dt.date(2026, 1, 14)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def make_terms() -> AcademicYear:
    """Spring 2026 (with half term), and a term around today so that pages at the real
    date have school days."""
    year = AcademicYear.objects.create(
        name="2025-26", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    Term.objects.create(
        year=year,
        name="Spring",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 3, 27),
        half_term_starts_on=dt.date(2026, 2, 16),
        half_term_ends_on=dt.date(2026, 2, 20),
    )
    today = timezone.localdate()
    if not (dt.date(2025, 9, 1) <= today <= dt.date(2026, 8, 31)):
        now_year = AcademicYear.objects.create(
            name="now",
            starts_on=today - dt.timedelta(days=200),
            ends_on=today + dt.timedelta(days=200),
        )
        Term.objects.create(
            year=now_year,
            name="This term",
            starts_on=today - dt.timedelta(days=100),
            ends_on=today + dt.timedelta(days=100),
        )
    return year


def make_programme(year, *, key="work-based-learning", registration="single", away_code="B"):
    tier, _ = Tier.objects.get_or_create(year=year, number=1, defaults={"name": "Universal"})
    programme, _ = Programme.objects.get_or_create(
        year=year,
        key=key,
        defaults={
            "tier": tier,
            "name": key.replace("-", " ").capitalize(),
            "route": "provider",
            "min_weeks": 1,
            "max_weeks": 39,
            "registration": registration,
            "away_code": away_code,
        },
    )
    return programme


def make_placement(
    *,
    programme,
    provider,
    school,
    by,
    starts_on=MONDAY,
    weeks=6,
    days_per_week=Decimal("5"),
    student=None,
    **extra,
):
    student = student or StudentFactory(home_school=school)
    application = Application.objects.create(
        student=student, school=school, programme=programme, created_by=by, status="placed"
    )
    return placement_create(
        application=application,
        provider=provider,
        starts_on=starts_on,
        planned_end_on=starts_on + dt.timedelta(weeks=weeks, days=-3),
        days_per_week=days_per_week,
        by=by,
        **extra,
    )
