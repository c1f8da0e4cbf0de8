"""Where a student is expected: the pattern, the phases and the school calendar."""

import datetime as dt
from decimal import Decimal

from placements import schedule, selectors
from placements.models import Phase, Placement
from placements.schedule import HOME, SETTING
from placements.tests.factories import MONDAY, make_placement, make_programme


def test_the_default_pattern_is_whole_days_from_the_start():
    wednesday = MONDAY + dt.timedelta(days=2)
    assert schedule.default_pattern(wednesday, Decimal("2")) == [
        "wed_am",
        "wed_pm",
        "thu_am",
        "thu_pm",
    ]
    assert schedule.default_pattern(MONDAY, Decimal("1.5")) == ["mon_am", "mon_pm", "tue_am"]
    assert schedule.default_pattern(MONDAY + dt.timedelta(days=4), Decimal("2")) == [
        "mon_am",
        "mon_pm",
        "fri_am",
        "fri_pm",
    ]
    assert len(schedule.default_pattern(MONDAY, Decimal("5"))) == 10


def test_refocus_has_its_phases_from_the_rules_file_in_school_weeks(cast, year):
    refocus = make_programme(year, key="refocus", registration="dual", away_code="D")
    # Ten school weeks from Monday 12 January 2026: the February half term is no week.
    placement = make_placement(
        programme=refocus,
        provider=cast.academy,
        school=cast.school_a,
        by=cast.officer,
        planned_end_on=dt.date(2026, 3, 27),
        days_per_week=Decimal("4"),
    )
    assert placement.registration == "dual" and placement.away_code == "D"
    phases = list(placement.phases.all())
    assert [(p.name, p.starts_on, p.ends_on, p.planned) for p in phases] == [
        ("Assessment", MONDAY, dt.date(2026, 1, 23), True),
        # Weeks 3 to 7: 26 January to 13 February, then 23 February to 6 March.
        ("Intervention", dt.date(2026, 1, 26), dt.date(2026, 3, 6), True),
        ("Graduated return", dt.date(2026, 3, 9), dt.date(2026, 3, 27), True),
    ]
    calendar = selectors.calendar_for(MONDAY, dt.date(2026, 3, 27))
    # Mondays at the home school; Tuesday to Friday at the academy; then Thursday and Friday.
    assert schedule.expected_at(placement, MONDAY, "am", calendar) == HOME
    assert schedule.expected_at(placement, MONDAY + dt.timedelta(days=1), "pm", calendar) == SETTING
    # Either side of half term, still the intervention.
    assert schedule.expected_at(placement, dt.date(2026, 2, 13), "pm", calendar) == SETTING
    assert schedule.expected_at(placement, dt.date(2026, 2, 17), "am", calendar) is None
    assert schedule.expected_at(placement, dt.date(2026, 2, 23), "am", calendar) == HOME
    assert schedule.expected_at(placement, dt.date(2026, 2, 24), "am", calendar) == SETTING
    # Week 7's Tuesday at the academy, week 8's at the home school.
    assert schedule.expected_at(placement, dt.date(2026, 3, 3), "am", calendar) == SETTING
    assert schedule.expected_at(placement, dt.date(2026, 3, 10), "am", calendar) == HOME
    assert schedule.expected_at(placement, dt.date(2026, 3, 12), "am", calendar) == SETTING
    assert schedule.expected_at(placement, dt.date(2026, 3, 27), "pm", calendar) == SETTING
    assert Phase.objects.count() == 3


def test_no_session_on_weekends_half_term_or_outside_the_dates(cast, programme):
    placement = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer, weeks=8
    )
    calendar = selectors.calendar_for(MONDAY - dt.timedelta(days=7), MONDAY + dt.timedelta(weeks=8))
    assert schedule.expected_at(placement, MONDAY - dt.timedelta(days=1), "am", calendar) is None
    assert schedule.expected_at(placement, MONDAY + dt.timedelta(days=5), "am", calendar) is None
    half_term_monday = dt.date(2026, 2, 16)
    assert schedule.expected_at(placement, half_term_monday, "am", calendar) is None
    assert (
        schedule.expected_at(placement, half_term_monday + dt.timedelta(days=7), "am", calendar)
        == SETTING
    )
    assert (
        schedule.expected_at(
            placement, placement.planned_end_on + dt.timedelta(days=3), "am", calendar
        )
        is None
    )


def test_hours_of_ap_against_full_time_for_the_year_group(cast, programme):
    placement = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        days_per_week=Decimal("2"),
    )
    hours = selectors.hours(placement, MONDAY)
    assert hours.at_setting == 10  # two days of a 3-hour morning and a 2-hour afternoon
    assert hours.year_group == 9  # born March 2012
    assert hours.full_time == 24


def test_a_change_lasts_until_the_next_planned_phase_begins(cast, year):
    refocus = make_programme(year, key="refocus", registration="dual", away_code="D")
    placement = make_placement(
        programme=refocus,
        provider=cast.academy,
        school=cast.school_a,
        by=cast.officer,
        planned_end_on=dt.date(2026, 3, 27),
    )
    week_4 = MONDAY + dt.timedelta(weeks=3)
    Phase.objects.create(
        placement=placement,
        name="Changed",
        starts_on=week_4,
        ends_on=placement.planned_end_on,
        pattern=["wed_am", "wed_pm"],
    )
    placement = Placement.objects.prefetch_related("phases").get(pk=placement.pk)
    assert schedule.pattern_on(placement, week_4 - dt.timedelta(days=7))[0] == "tue_am"
    assert schedule.pattern_on(placement, week_4) == ["wed_am", "wed_pm"]
    week_8 = dt.date(2026, 3, 9)  # eight school weeks on, past the February half term
    assert schedule.pattern_on(placement, week_8 - dt.timedelta(days=7)) == ["wed_am", "wed_pm"]
    assert schedule.pattern_on(placement, week_8)[0] == "thu_am"  # the graduated return
