"""Changing a placement's dates (services.placement_dates_change and its page): the
planned phases follow the new dates in school weeks; a change of sessions a person made
stays."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import Event
from lib.dates import long_date
from lib.errors import Refused
from placements import schedule, selectors, services
from placements.models import Phase, Placement
from placements.schedule import HOME, SETTING
from placements.tests.factories import MONDAY, at, make_placement, make_programme, record_marks
from programmes.models import Term

# Ten school weeks from Monday 12 January 2026 end on Friday 27 March: the February half
# term is not one of them. Counted in calendar weeks, they ended on Friday 20 March.
SCHOOL_WEEKS_END = dt.date(2026, 3, 27)
CALENDAR_WEEKS_END = dt.date(2026, 3, 20)


@pytest.fixture
def refocus(cast, year):
    Term.objects.create(
        year=year,
        name="Summer",
        starts_on=dt.date(2026, 4, 13),
        ends_on=dt.date(2026, 7, 21),
        half_term_starts_on=dt.date(2026, 5, 25),
        half_term_ends_on=dt.date(2026, 5, 29),
    )
    programme = make_programme(year, key="refocus", registration="dual", away_code="D")
    return make_placement(
        programme=programme,
        provider=cast.academy,
        school=cast.school_a,
        by=cast.officer,
        planned_end_on=CALENDAR_WEEKS_END,
        days_per_week=Decimal("4"),
    )


def _phases(placement):
    return [(p.name, p.starts_on, p.ends_on, p.planned) for p in placement.phases.all()]


def _where(placement, day, session="am"):
    placement = Placement.objects.prefetch_related("phases").get(pk=placement.pk)
    calendar = selectors.calendar_for(placement.starts_on, placement.last_day)
    return schedule.expected_at(placement, day, session, calendar)


def test_a_corrected_end_keeps_the_back_to_school_phase_to_the_end(cast, refocus, clock):
    clock(at(MONDAY - dt.timedelta(days=7), 10))
    # The last week, 23 to 27 March, is outside the calendar-week dates.
    assert _where(refocus, dt.date(2026, 3, 26)) is None
    placement = services.placement_dates_change(
        placement=refocus,
        starts_on=refocus.starts_on,
        planned_end_on=SCHOOL_WEEKS_END,
        version=refocus.version,
        by=cast.officer,
    )
    assert placement.planned_end_on == SCHOOL_WEEKS_END
    assert _phases(placement)[-1] == (
        "Graduated return",
        dt.date(2026, 3, 9),
        SCHOOL_WEEKS_END,
        True,
    )
    # The last week: Monday to Wednesday at home school, Thursday and Friday at the academy,
    # not the default pattern of four days from Monday.
    assert [_where(placement, dt.date(2026, 3, d)) for d in range(23, 28)] == [
        HOME,
        HOME,
        HOME,
        SETTING,
        SETTING,
    ]
    assert Phase.objects.filter(placement=placement).count() == 3
    event = Event.objects.get(action="placement.dates_changed")
    assert event.detail == {"starts_on": "2026-01-12", "planned_end_on": "2026-03-27"}


def test_an_end_moved_past_the_last_phase_s_weeks_still_ends_in_it(cast, refocus, clock):
    clock(at(MONDAY, 10))
    # Eleven school weeks: Easter holidays, then the week of 13 April 2026.
    placement = services.placement_dates_change(
        placement=refocus,
        starts_on=refocus.starts_on,
        planned_end_on=dt.date(2026, 4, 17),
        version=refocus.version,
        by=cast.officer,
    )
    assert _phases(placement)[-1][1:3] == (dt.date(2026, 3, 9), dt.date(2026, 4, 17))
    assert _where(placement, dt.date(2026, 4, 14)) == HOME
    assert _where(placement, dt.date(2026, 4, 16)) == SETTING


def test_a_shorter_placement_loses_the_phases_past_its_end(cast, refocus, clock):
    clock(at(MONDAY, 10))
    placement = services.placement_dates_change(
        placement=refocus,
        starts_on=refocus.starts_on,
        planned_end_on=dt.date(2026, 3, 6),  # seven school weeks
        version=refocus.version,
        by=cast.officer,
    )
    assert [p[0] for p in _phases(placement)] == ["Assessment", "Intervention"]
    assert _phases(placement)[-1][2] == dt.date(2026, 3, 6)


def test_a_change_of_sessions_made_by_hand_is_kept_and_runs_to_the_new_end(cast, refocus, clock):
    clock(at(dt.date(2026, 2, 2), 10))
    services.placement_update(
        placement=refocus,
        pattern=["wed_am", "wed_pm"],
        pattern_from=dt.date(2026, 2, 2),
        monitoring_officer=None,
        safeguarding_confirmed_on=None,
        safeguarding_confirmed_by="",
        version=refocus.version,
        by=cast.officer,
    )
    refocus.refresh_from_db()
    placement = services.placement_dates_change(
        placement=refocus,
        starts_on=refocus.starts_on,
        planned_end_on=SCHOOL_WEEKS_END,
        version=refocus.version,
        by=cast.officer,
    )
    by_hand = placement.phases.get(planned=False)
    assert (by_hand.starts_on, by_hand.ends_on, by_hand.pattern) == (
        dt.date(2026, 2, 2),
        SCHOOL_WEEKS_END,
        ["wed_am", "wed_pm"],
    )
    assert placement.phases.filter(planned=True).count() == 3
    assert _where(placement, dt.date(2026, 2, 4)) == SETTING  # Wednesday, by hand
    assert _where(placement, dt.date(2026, 3, 26)) == SETTING  # Thursday, back to school


def test_dates_that_are_not_school_days_or_leave_marks_outside_are_refused(cast, refocus, clock):
    clock(at(MONDAY, 10))

    def change(**dates):
        return services.placement_dates_change(
            placement=refocus,
            **{"starts_on": refocus.starts_on, "planned_end_on": SCHOOL_WEEKS_END, **dates},
            version=refocus.version,
            by=cast.officer,
        )

    with pytest.raises(Refused, match="Friday 3 April 2026 is not a school day"):
        change(planned_end_on=dt.date(2026, 4, 3))
    far = dt.date(2077, 7, 16)  # long after the last term loaded
    with pytest.raises(Refused, match=f"does not have the term dates for {long_date(far)}"):
        change(planned_end_on=far)
    with pytest.raises(Refused, match="on or after the start"):
        change(planned_end_on=MONDAY - dt.timedelta(days=3))
    with pytest.raises(Refused, match="has started: only its planned end can change"):
        change(starts_on=MONDAY + dt.timedelta(days=7))
    record_marks(refocus, {(dt.date(2026, 3, 17), "am"): "/"}, by=cast.academy_staff)
    with pytest.raises(Refused, match="marks outside these dates"):
        change(planned_end_on=dt.date(2026, 3, 13))
    refocus.refresh_from_db()
    assert (refocus.planned_end_on, refocus.version) == (CALENDAR_WEEKS_END, 1)
    assert not Event.objects.filter(action="placement.dates_changed").exists()


def test_a_start_not_yet_reached_moves_with_its_phases(cast, refocus, clock):
    clock(at(MONDAY - dt.timedelta(days=7), 10))
    placement = services.placement_dates_change(
        placement=refocus,
        starts_on=dt.date(2026, 1, 19),
        planned_end_on=dt.date(2026, 4, 17),
        version=refocus.version,
        by=cast.officer,
    )
    assert _phases(placement)[0][1:3] == (dt.date(2026, 1, 19), dt.date(2026, 1, 30))
    assert _phases(placement)[-1][1:3] == (dt.date(2026, 3, 16), dt.date(2026, 4, 17))


# --- The page ----------------------------------------------------------------------------


def _data(placement, end=SCHOOL_WEEKS_END, **changes):
    return {
        "starts_on_day": placement.starts_on.day,
        "starts_on_month": placement.starts_on.month,
        "starts_on_year": placement.starts_on.year,
        "planned_end_on_day": end.day,
        "planned_end_on_month": end.month,
        "planned_end_on_year": end.year,
        "version": placement.version,
        **changes,
    }


def test_the_cap_team_changes_the_dates_on_their_page(client, cast, refocus, clock):
    clock(at(MONDAY, 10))
    client.force_login(cast.officer)
    detail = client.get(reverse("placements:casework_detail", args=[refocus.uuid]))
    url = reverse("placements:dates", args=[refocus.uuid])
    assert url in detail.content.decode()
    page = client.get(url).content.decode()
    # 12 January to 20 March 2026 holds nine school weeks, half term left out.
    assert "Monday 12 January 2026 to Friday 20 March 2026: 9 school weeks" in page
    assert "phases are worked out again from the new dates" in page
    response = client.post(url, _data(refocus))
    assert response.status_code == 302
    refocus.refresh_from_db()
    assert refocus.planned_end_on == SCHOOL_WEEKS_END


def test_a_bad_date_is_shown_beside_its_field_and_kept(client, cast, refocus, clock):
    clock(at(MONDAY, 10))
    client.force_login(cast.officer)
    url = reverse("placements:dates", args=[refocus.uuid])
    response = client.post(url, _data(refocus, end=dt.date(2026, 2, 17)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Tuesday 17 February 2026 is not a school day" in page
    assert 'value="17"' in page
    response = client.post(url, _data(refocus, planned_end_on_month="13"))
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    refocus.refresh_from_db()
    assert refocus.planned_end_on == CALENDAR_WEEKS_END


def test_a_stale_change_is_refused_and_keeps_what_was_typed(client, cast, refocus, clock):
    clock(at(MONDAY, 10))
    client.force_login(cast.officer)
    Placement.objects.filter(pk=refocus.pk).update(version=4)
    response = client.post(reverse("placements:dates", args=[refocus.uuid]), _data(refocus))
    page = response.content.decode()
    assert "Someone else changed this placement" in page
    assert "<title>Error: " in page  # the error summary, not a banner
    assert 'value="27"' in page
    refocus.refresh_from_db()
    assert refocus.planned_end_on == CALENDAR_WEEKS_END


@pytest.mark.parametrize("who", ["alice", "provider_staff", "bob", "outsider"])
def test_only_the_cap_team_changes_the_dates(client, cast, refocus, who):
    client.force_login(getattr(cast, who))
    url = reverse("placements:dates", args=[refocus.uuid])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, _data(refocus)).status_code in (403, 404)
    refocus.refresh_from_db()
    assert refocus.planned_end_on == CALENDAR_WEEKS_END


def test_an_ended_placement_s_dates_stay(client, cast, refocus, clock):
    clock(at(dt.date(2026, 3, 30), 10))
    Placement.objects.filter(pk=refocus.pk).update(ended_on=CALENDAR_WEEKS_END)
    client.force_login(cast.officer)
    url = reverse("placements:dates", args=[refocus.uuid])
    assert client.post(url, _data(refocus)).status_code == 302
    refocus.refresh_from_db()
    assert refocus.planned_end_on == CALENDAR_WEEKS_END


def test_a_placement_without_phases_is_not_told_of_them(client, cast, placement):
    client.force_login(cast.officer)
    page = client.get(reverse("placements:dates", args=[placement.uuid])).content.decode()
    assert "Change the dates" in page
    assert "phases are worked out again" not in page


def test_the_page_answers_only_get_and_post(client, cast, refocus):
    client.force_login(cast.officer)
    assert client.put(reverse("placements:dates", args=[refocus.uuid])).status_code == 405
