"""A year with three terms, its charging rules, and places with fees, for money's tests."""

import datetime as dt
from decimal import Decimal

from applications.models import Application
from applications.workflow import Status
from finance import services
from finance.models import Fee
from placements.services import placement_create
from programmes.models import (
    AcademicYear,
    ChargingRules,
    Course,
    EarlyExitCharge,
    Programme,
    Rounding,
    Term,
    Tier,
    WithdrawalCharge,
)
from students.tests.factories import StudentFactory


def make_year(**rules) -> AcademicYear:
    """2025-26 with Coventry's terms: autumn (half term 27 to 31 October), spring (half
    term 16 to 20 February) and summer (half term 25 to 29 May)."""
    year = AcademicYear.objects.create(
        name="2025-26", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    for name, starts, ends, half in (
        ("Autumn term", (2025, 9, 2), (2025, 12, 19), ((2025, 10, 27), (2025, 10, 31))),
        ("Spring term", (2026, 1, 5), (2026, 3, 27), ((2026, 2, 16), (2026, 2, 20))),
        ("Summer term", (2026, 4, 13), (2026, 7, 21), ((2026, 5, 25), (2026, 5, 29))),
    ):
        Term.objects.create(
            year=year,
            name=name,
            starts_on=dt.date(*starts),
            ends_on=dt.date(*ends),
            half_term_starts_on=dt.date(*half[0]),
            half_term_ends_on=dt.date(*half[1]),
        )
    ChargingRules.objects.create(
        year=year,
        **{
            "early_exit": EarlyExitCharge.WEEKS_DELIVERED,
            "rounding": Rounding.NEAREST,
            "withdrawn_before_start": WithdrawalCharge.FIXED,
            "withdrawal_charge_pence": 5000,
            "over_allowance_charge_pence": 25000,
            **rules,
        },
    )
    return year


def term(year: AcademicYear, name: str) -> Term:
    return Term.objects.get(year=year, name=name)


def make_tier1(year: AcademicYear) -> Programme:
    tier, _ = Tier.objects.get_or_create(year=year, number=1, defaults={"name": "Universal"})
    return Programme.objects.create(
        year=year,
        tier=tier,
        key="curriculum-support",
        name="Curriculum support",
        route="provider",
        min_weeks=1,
        max_weeks=39,
        registration="single",
        away_code="B",
        offers_courses=True,
        counts_against_allowance=True,
    )


def make_course(programme: Programme, provider, *, fee="1200.00", title="Motor vehicle") -> Course:
    return Course.objects.create(
        programme=programme,
        provider=provider,
        title=title,
        weeks=12,
        days_per_week=Decimal("2"),
        year_groups=[10, 11],
        fee=Decimal(fee) if fee is not None else None,
    )


def placed(*, course: Course, school, by, starts_on, planned_end_on, fee_pence=None):
    """A placement on the course, with its fee (the course's unless given)."""
    student = StudentFactory(home_school=school)
    application = Application.objects.create(
        student=student,
        school=school,
        programme=course.programme,
        course=course,
        created_by=by,
        status=Status.PLACED,
        start_on=starts_on,
    )
    Fee.objects.create(
        application=application,
        amount_pence=fee_pence if fee_pence is not None else int(course.fee * 100),
        set_at=dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
    )
    return placement_create(
        application=application,
        provider=course.provider,
        course=course,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        days_per_week=course.days_per_week,
        by=by,
    )


def withdrawn(*, course: Course, school, by, on: dt.date) -> Fee:
    """A place offered on the course and withdrawn by the school before it started."""
    application = Application.objects.create(
        student=StudentFactory(home_school=school),
        school=school,
        programme=course.programme,
        course=course,
        created_by=by,
        status=Status.WITHDRAWN,
    )
    return Fee.objects.create(
        application=application,
        amount_pence=int(course.fee * 100),
        set_at=dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
        withdrawn_on=on,
    )


def code(cast):
    """The finance system's codes for the authority, school A (a reference that looks like a
    formula) and Provider P."""
    services.finance_codes_save(
        organisation=cast.la,
        by=cast.finance,
        cost_centre="CC100",
        income_account="4100",
        expenditure_account="5100",
        customer_reference="",
        supplier_reference="",
    )
    services.finance_codes_save(
        organisation=cast.school_a,
        by=cast.finance,
        cost_centre="",
        income_account="",
        expenditure_account="",
        customer_reference="=CUST-A",
        supplier_reference="",
    )
    services.finance_codes_save(
        organisation=cast.provider,
        by=cast.finance,
        cost_centre="",
        income_account="",
        expenditure_account="",
        customer_reference="",
        supplier_reference="SUP-P",
    )
