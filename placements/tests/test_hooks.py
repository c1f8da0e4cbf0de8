"""What placements does when an application takes the step "set up the placement"
(placements/hooks.py): the placement is made at the application's setting."""

import datetime as dt

import pytest
from django.utils import timezone

from applications import services
from applications.effects import effects_of
from applications.models import Application
from applications.tests.factories import complete_application, early_help_done, load_model
from applications.workflow import Status
from lib.errors import Refused
from placements.hooks import placement_set_up
from placements.models import Placement
from programmes.models import Course, Programme
from quality.hooks import placement_gate
from students.tests.factories import StudentFactory


@pytest.fixture
def course(db, cast):
    year = load_model()
    return Course.objects.create(
        programme=Programme.objects.get(year=year, key="curriculum-support"),
        provider=cast.provider,
        title="Maths for life",
        weeks=6,
        days_per_week=1,
        year_groups=[10],
    )


def _start_confirmed(cast, course, start_on: dt.date) -> Application:
    student = StudentFactory(home_school=cast.school_a)
    early_help_done(student)
    application = complete_application(student=student, by=cast.alice, programme=course.programme)
    Application.objects.filter(pk=application.pk).update(
        course=course, status=Status.START_CONFIRMED, start_on=start_on
    )
    application.refresh_from_db()
    return application


def _next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def test_setting_up_makes_the_placement_at_the_course_s_provider(cast, course):
    start = dt.date(2026, 1, 12)
    application = _start_confirmed(cast, course, start)
    application = services.application_set_up_placement(
        application=application, version=application.version, by=cast.officer
    )
    assert application.status == Status.PLACED
    placement = Placement.objects.get(application=application)
    assert placement.student == application.student
    assert placement.provider == cast.provider and placement.home_school == cast.school_a
    assert placement.starts_on == start
    # Six school weeks, ending on the last school day of the sixth: the February half term
    # (16 to 20 February 2026) is not one of them.
    assert placement.planned_end_on == dt.date(2026, 2, 27)


def test_a_one_week_course_starting_on_a_friday_ends_that_day(cast, course):
    course.weeks = 1
    course.save()
    friday = _next_monday() + dt.timedelta(days=4)
    application = _start_confirmed(cast, course, friday)
    services.application_set_up_placement(
        application=application, version=application.version, by=cast.officer
    )
    assert Placement.objects.get(application=application).planned_end_on == friday


def test_a_placement_without_a_length_is_refused_and_nothing_is_kept(cast, course):
    course.weeks = 0
    course.save()
    application = _start_confirmed(cast, course, _next_monday())
    with pytest.raises(Refused, match="no length"):
        services.application_set_up_placement(
            application=application, version=application.version, by=cast.officer
        )
    application.refresh_from_db()
    assert application.status == Status.START_CONFIRMED
    assert not Placement.objects.filter(application=application).exists()


def test_quality_s_gate_runs_before_the_placement_is_made():
    """Effects run in the order their apps are installed: quality refuses a lapsed provider
    before placements makes anything."""
    assert effects_of("set_up_placement") == [placement_gate, placement_set_up]
