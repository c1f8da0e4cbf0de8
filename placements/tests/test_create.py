"""placement_create: the one place a placement is made, whichever route led to it."""

import datetime as dt
from decimal import Decimal

from applications import services as application_services
from applications.models import Application
from audit.models import Event
from placements.models import Placement
from placements.tests.factories import MONDAY, make_placement, make_programme
from programmes.models import Course
from students.tests.factories import StudentFactory


def test_the_provider_route_sets_up_the_placement_through_it(cast, programme):
    course = Course.objects.create(
        programme=programme,
        provider=cast.provider,
        title="Bricklaying",
        weeks=6,
        days_per_week=Decimal("1"),
    )
    wednesday = MONDAY + dt.timedelta(days=2)
    application = Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        programme=programme,
        course=course,
        created_by=cast.alice,
        status="start_confirmed",
        start_on=wednesday,
        submitted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    application_services.application_set_up_placement(
        application=application, version=application.version, by=cast.officer
    )
    placement = Placement.objects.get(application=application)
    assert (placement.provider, placement.home_school, placement.course) == (
        cast.provider,
        cast.school_a,
        course,
    )
    assert placement.starts_on == wednesday
    # Six school weeks from Wednesday 14 January 2026 (its own week the first), the
    # February half term no week at all: the last is the week of 23 February.
    assert placement.planned_end_on == dt.date(2026, 2, 27)
    assert placement.pattern == ["wed_am", "wed_pm"]  # one day, on the start's weekday
    assert (placement.registration, placement.away_code) == ("single", "B")
    assert placement.monitoring_officer is None
    assert Event.objects.filter(action="placement.created", object_id=str(placement.uuid)).exists()


def test_the_arrangement_comes_from_the_programme(cast, year):
    la_arranged = make_programme(year, key="la-arranged", away_code="K")
    transfer = make_programme(year, key="supported-transfer", registration="dual", away_code="D")
    single = make_placement(
        programme=la_arranged, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    dual = make_placement(
        programme=transfer,
        provider=cast.school_b,
        school=cast.school_a,
        by=cast.officer,
        monitoring_officer=cast.monitoring,
    )
    assert (single.registration, single.away_code) == ("single", "K")
    assert (dual.registration, dual.away_code, dual.is_dual) == ("dual", "D", True)
    assert dual.monitoring_officer == cast.monitoring
    assert not dual.phases.exists()  # only programmes with phases in the rules file
