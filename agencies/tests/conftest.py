import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from accounts.tests.factories import OrganisationFactory, member
from applications.models import Application
from placements.models import Placement, Review, SupportPlan
from placements.tests.factories import make_programme, make_terms
from students.models import ConsentMethod
from students.services import agency_link_create
from students.tests.factories import StudentFactory


@pytest.fixture
def programme(db):
    return make_programme(make_terms())


def place(student, *, provider, programme, by) -> Placement:
    """An open placement of the student, started a fortnight ago."""
    application = Application.objects.create(
        student=student, school=student.home_school, created_by=by, programme=programme
    )
    today = timezone.localdate()
    return Placement.objects.create(
        application=application,
        student=student,
        programme=programme,
        provider=provider,
        home_school=student.home_school,
        starts_on=today - dt.timedelta(days=14),
        planned_end_on=today + dt.timedelta(days=60),
        days_per_week=2,
        created_by=by,
    )


def add_records(placement, *, by, reviews=1, plans=1) -> list[Review]:
    today = timezone.localdate()
    for n in range(plans):
        SupportPlan.objects.create(
            placement=placement,
            kind="isp",
            starts_on=today,
            review_on=today + dt.timedelta(days=42),
            summary=f"Plan summary {n}",
            recorded_by=by,
        )
    return [
        Review.objects.create(
            placement=placement,
            held_on=today - dt.timedelta(days=n),
            attendees="Mum, tutor",
            notes=f"Review notes {n}",
            actions=[{"action": "Call home", "owner": "Tutor", "due_on": today.isoformat()}],
            recorded_by=by,
        )
        for n in range(reviews)
    ]


def link(student, professional, *, by):
    return agency_link_create(
        student=student,
        professional=professional,
        consent_given_by="Jane Smith, mother",
        consent_given_on=timezone.localdate(),
        consent_method=ConsentMethod.IN_WRITING,
        by=by,
    )


@pytest.fixture
def student(cast):
    return StudentFactory(
        home_school=cast.school_a, legal_first_name="Jayden", legal_last_name="Walker"
    )


@pytest.fixture
def placement(cast, student, programme):
    return place(student, provider=cast.provider, programme=programme, by=cast.officer)


@pytest.fixture
def review(cast, placement):
    return add_records(placement, by=cast.provider_staff)[0]


@pytest.fixture
def linked(cast, student, placement):
    """The cast's agency worker is linked to the student by school A."""
    return link(student, cast.agency_worker, by=cast.alice)


@pytest.fixture
def other_agency_worker(db):
    agency = OrganisationFactory(name="Youth Justice", kind=OrganisationKind.AGENCY)
    return member(agency, Role.AGENCY_PROFESSIONAL, full_name="Yusuf Youth")
