"""Lengths in school weeks, through the app's own route: an application whose start is
confirmed takes the step "set up the placement", and the placement it makes ends on the
last school day of its last school week, with its phases in school weeks. The dates are the
authority's document's (reference/cap-graduated-model-2025-26.txt) and its term dates
(programmes/data/coventry-2025-26.yaml)."""

import datetime as dt

import pytest

from applications import services
from applications.models import Application
from applications.tests.factories import complete_application, early_help_done, load_model
from applications.workflow import Status
from lib.errors import Refused
from placements import schedule, selectors
from placements.models import Placement
from placements.schedule import HOME, SETTING
from programmes.models import Cohort, Course, Programme
from students.tests.factories import StudentFactory


@pytest.fixture
def model(db):
    return load_model()


def _place(cast, programme, start_on, *, cohort=None, course=None) -> Placement:
    student = StudentFactory(home_school=cast.school_a)
    early_help_done(student)
    application = complete_application(student=student, by=cast.alice, programme=programme)
    Application.objects.filter(pk=application.pk).update(
        status=Status.START_CONFIRMED, start_on=start_on, cohort=cohort, course=course
    )
    application.refresh_from_db()
    services.application_set_up_placement(
        application=application, version=application.version, by=cast.officer
    )
    return Placement.objects.prefetch_related("phases").get(application=application)


def _refocus() -> Programme:
    return Programme.objects.get(year__name="2025-26", key="refocus")


@pytest.mark.parametrize(
    ("cohort", "starts_on", "ends_on"),
    [
        # "Monday 6 October to Friday 19 December 2025": half term is not one of the 10.
        ("Cohort 1", dt.date(2025, 10, 6), dt.date(2025, 12, 19)),
        # "Monday 12 January to Friday 27 March 2026", across the February half term.
        ("Cohort 2", dt.date(2026, 1, 12), dt.date(2026, 3, 27)),
        # "Monday 27 April to Friday 10 July 2026", across the May half term; the early May
        # bank holiday's week still has four school days and counts.
        ("Cohort 3", dt.date(2026, 4, 27), dt.date(2026, 7, 10)),
    ],
)
def test_a_refocus_cohort_ends_when_the_document_says(cast, model, cohort, starts_on, ends_on):
    cohort = Cohort.objects.get(programme=_refocus(), name=cohort)
    assert (cohort.starts_on, cohort.ends_on, cohort.flags) == (starts_on, ends_on, [])
    placement = _place(cast, _refocus(), starts_on, cohort=cohort)
    assert (placement.starts_on, placement.planned_end_on) == (starts_on, ends_on)
    assert placement.provider.name == cohort.programme.delivered_by.name
    assert placement.phases.last().ends_on == ends_on  # back to school to the very end


def test_refocus_cohort_1_s_phases_skip_the_october_half_term(cast, model):
    cohort = Cohort.objects.get(programme=_refocus(), name="Cohort 1")
    placement = _place(cast, _refocus(), cohort.starts_on, cohort=cohort)
    assert [(p.name, p.starts_on, p.ends_on) for p in placement.phases.all()] == [
        ("Assessment", dt.date(2025, 10, 6), dt.date(2025, 10, 17)),
        # Weeks 3 to 7: the week of 20 October, then 3 to 28 November.
        ("Intervention", dt.date(2025, 10, 20), dt.date(2025, 11, 28)),
        # Weeks 8 to 10: 1 to 19 December.
        ("Graduated return", dt.date(2025, 12, 1), dt.date(2025, 12, 19)),
    ]
    calendar = selectors.calendar_for(cohort.starts_on, cohort.ends_on)

    def where(day, session="am"):
        return schedule.expected_at(placement, day, session, calendar)

    assert where(dt.date(2025, 10, 24)) == SETTING  # the Friday before half term
    assert where(dt.date(2025, 10, 27)) is None  # half term
    assert where(dt.date(2025, 10, 31), "pm") is None
    assert where(dt.date(2025, 11, 3)) == HOME  # a Monday of the intervention
    assert where(dt.date(2025, 11, 4)) == SETTING
    assert where(dt.date(2025, 11, 28)) == SETTING  # the last day of week 7
    assert where(dt.date(2025, 12, 2)) == HOME  # back to school: Tuesday at home
    assert where(dt.date(2025, 12, 4)) == SETTING  # Thursday at the academy
    # The last week of the document's dates: the student is expected every day of it.
    assert [where(dt.date(2025, 12, d)) for d in range(15, 20)] == [
        HOME,
        HOME,
        HOME,
        SETTING,
        SETTING,
    ]
    assert where(dt.date(2025, 12, 22)) is None


def test_a_refocus_placement_over_christmas_returns_to_school_after_the_holidays(cast, model):
    # No cohort: the programme's 10 weeks, from Monday 3 November 2025. Weeks 1 to 7 run to
    # Friday 19 December; the Christmas holidays are no weeks; weeks 8 to 10 from 5 January.
    placement = _place(cast, _refocus(), dt.date(2025, 11, 3))
    assert placement.planned_end_on == dt.date(2026, 1, 23)
    assert [(p.name, p.starts_on, p.ends_on) for p in placement.phases.all()][1:] == [
        ("Intervention", dt.date(2025, 11, 17), dt.date(2025, 12, 19)),
        ("Graduated return", dt.date(2026, 1, 5), dt.date(2026, 1, 23)),
    ]
    calendar = selectors.calendar_for(placement.starts_on, placement.planned_end_on)

    def where(day, session="am"):
        return schedule.expected_at(placement, day, session, calendar)

    assert where(dt.date(2025, 12, 16)) == SETTING  # the last Tuesday before Christmas
    assert where(dt.date(2025, 12, 19), "pm") == SETTING
    assert where(dt.date(2025, 12, 22)) is None
    assert where(dt.date(2026, 1, 2)) is None
    assert where(dt.date(2026, 1, 6)) == HOME  # the first Tuesday back: at home school
    assert where(dt.date(2026, 1, 8)) == SETTING
    assert where(dt.date(2026, 1, 23)) == SETTING
    assert where(dt.date(2026, 1, 26)) is None


def test_a_flourish_course_from_12_january_2026_runs_12_school_weeks(cast, model):
    flourish = Programme.objects.get(year__name="2025-26", key="flourish")
    course = Course.objects.filter(programme=flourish).first()
    assert course.weeks == 12
    cohort = Cohort.objects.get(programme=flourish, name="Spring 2026")
    placement = _place(cast, flourish, cohort.starts_on, cohort=cohort, course=course)
    # 10 school weeks to Friday 27 March (half term left out), the Easter holidays left
    # out, then the weeks of 13 and 20 April.
    assert placement.planned_end_on == dt.date(2026, 4, 24)


def test_a_course_to_the_end_of_the_summer_term_ends_on_its_last_day(cast, model):
    flourish = Programme.objects.get(year__name="2025-26", key="flourish")
    course = Course.objects.filter(programme=flourish).first()
    cohort = Cohort.objects.get(programme=flourish, name="Summer 2026")
    placement = _place(cast, flourish, cohort.starts_on, cohort=cohort, course=course)
    assert placement.planned_end_on == dt.date(2026, 7, 21)  # a Tuesday: the term's last day


def test_a_placement_past_the_loaded_term_dates_is_refused_and_nothing_is_kept(cast, model):
    # 2026-27 is the last year loaded; its summer term ends in July 2027.
    student = StudentFactory(home_school=cast.school_a)
    early_help_done(student)
    refocus = Programme.objects.get(year=model, key="refocus")
    application = complete_application(student=student, by=cast.alice, programme=refocus)
    Application.objects.filter(pk=application.pk).update(
        status=Status.START_CONFIRMED, start_on=dt.date(2027, 6, 28)
    )
    application.refresh_from_db()
    with pytest.raises(Refused, match="term dates for those weeks are not loaded") as refused:
        services.application_set_up_placement(
            application=application, version=application.version, by=cast.officer
        )
    assert "10 school weeks from Monday 28 June 2027" in str(refused.value)
    application.refresh_from_db()
    assert application.status == Status.START_CONFIRMED
    assert not Placement.objects.filter(application=application).exists()
