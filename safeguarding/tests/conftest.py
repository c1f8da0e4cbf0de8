import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application
from applications.tests.factories import load_model
from placements.models import Placement
from programmes.models import Programme
from safeguarding import db as safeguarding_db
from safeguarding.categories import categories_ensure
from safeguarding.models import Category, Concern
from safeguarding.services import concern_raise
from students.tests.factories import StudentFactory

ACCOUNT = "Said their stepfather hit them with a belt last night. Bruise on the upper arm."


@pytest.fixture(autouse=True)
def guards(db):
    """A browser test earlier in the same process may have lifted the triggers and flushed
    the categories the migration loaded."""
    safeguarding_db.install_guards(connection)
    categories_ensure(Category)


@pytest.fixture
def student(cast):
    return StudentFactory(home_school=cast.school_a, legal_first_name="Jayden")


def make_placement(student, provider, *, by) -> Placement:
    programme = Programme.objects.first() or (load_model() and Programme.objects.first())
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


@pytest.fixture
def placement(cast, student):
    """The student is placed with Provider P."""
    return make_placement(student, cast.provider, by=cast.officer)


def raise_concern(student, *, by, placement=None, urgent=False, account=ACCOUNT, **extra):
    return concern_raise(
        student=student,
        placement=placement,
        category=Category.objects.get(key=extra.pop("category", "physical_abuse")),
        happened_on=extra.pop("happened_on", timezone.localdate()),
        account=account,
        urgent=urgent,
        by=by,
        **extra,
    )


@pytest.fixture
def concern(cast, student, placement) -> Concern:
    """Raised by Provider P's staff on the placement they run."""
    return raise_concern(student, by=cast.provider_staff, placement=placement)
