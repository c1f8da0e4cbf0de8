"""A placement's pages: who sees them, the CAP team's edits, monitoring records and exits."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from placements import services
from placements.models import BehaviourEntry, Placement, Review, Target, TargetReview
from placements.schedule import pattern_on
from placements.tests.factories import (
    MONDAY,
    at,
    make_placement,
    make_programme,
    record_marks,
    week_of_codes,
)
from programmes.models import AcademicYear, Term


def detail(area, placement):
    return reverse(f"placements:{area}_detail", args=[placement.uuid])


@pytest.mark.parametrize(
    ("who", "area"),
    [
        ("officer", "casework"),
        ("monitoring", "casework"),
        ("manager", "casework"),
        ("alice", "schools"),
        ("headteacher", "schools"),
        ("provider_staff", "providers"),
    ],
)
def test_the_placement_page_is_seen_by_cap_the_school_and_the_setting(
    client, cast, placement, who, area
):
    client.force_login(getattr(cast, who))
    response = client.get(detail(area, placement))
    assert response.status_code == 200
    assert placement.student.legal_last_name in response.content.decode()
    # The reference the school, CAP and the setting quote to each other.
    assert placement.application.reference.startswith("CAP-")
    assert placement.application.reference in response.content.decode()
    listing = client.get(reverse(f"placements:{area}_list")).content.decode()
    assert placement.student.legal_first_name in listing


@pytest.mark.parametrize(
    ("who", "area", "status"),
    [
        ("bob", "schools", 404),
        ("academy_staff", "providers", 404),
        ("outsider", "casework", 403),
        ("agency_worker", "casework", 403),
        ("provider_staff", "casework", 403),
        ("alice", "providers", 403),
    ],
)
def test_anyone_else_is_refused(client, cast, placement, who, area, status):
    client.force_login(getattr(cast, who))
    assert client.get(detail(area, placement)).status_code == status


def test_other_schools_lists_do_not_show_it(client, cast, placement):
    client.force_login(cast.bob)
    assert (
        placement.student.legal_first_name
        not in client.get(reverse("placements:schools_list")).content.decode()
    )


def test_the_list_flags_what_needs_attention(client, cast, placement, clock):
    clock(at(placement.planned_end_on + dt.timedelta(days=3), 10))
    client.force_login(cast.officer)
    page = client.get(reverse("placements:casework_list") + "?show=overdue").content.decode()
    assert "Past its planned end with no review: record a review and the exit" in page
    assert "No safeguarding confirmation" in page
    assert "No monitoring officer" in page


def _add_open(cast, programme, n, *, reviewed=False):
    for _ in range(n):
        placement = make_placement(
            programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
        )
        if reviewed:
            Review.objects.create(
                placement=placement,
                held_on=MONDAY,
                attendees="Jo",
                notes="Going well",
                recorded_by=cast.officer,
            )


def test_the_list_counts_reviews_only_for_the_placements_it_shows(client, cast, programme, clock):
    clock(at(MONDAY + dt.timedelta(weeks=5), 10))  # within two weeks of the end
    _add_open(cast, programme, 2, reviewed=True)
    _add_open(cast, programme, 1)
    client.force_login(cast.officer)
    response = client.get(reverse("placements:casework_list"))
    flags = sorted(tuple(p.flags[:1]) for p in response.context["page"].object_list)
    assert flags == [
        ("Ends within two weeks",),
        ("Ends within two weeks",),
        ("Ends within two weeks: no review yet",),
    ]
    assert response.context["counts"] == {"open": 3, "ending": 3, "overdue": 0, "ended": 0}

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("placements:casework_list"))
        assert response.status_code == 200
        reviews = [q["sql"] for q in context.captured_queries if "placements_review" in q["sql"]]
        return len(context.captured_queries), len(response.context["page"].object_list), reviews

    few, shown, reviews = count()
    assert shown == 3
    _add_open(cast, programme, 55, reviewed=True)
    many, shown, reviews = count()
    assert shown == 50
    assert few == many
    # One grouped query, for the page's placements by id.
    assert len(reviews) == 1 and " IN (" in reviews[0]
    assert response.context["page"].paginator.count == 3


def test_open_placements_have_an_index_by_planned_end(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "placements_placement")
    index = constraints["placement_open_by_end"]
    assert index["index"] and index["columns"] == ["planned_end_on", "id"]


@pytest.fixture
def last_year(db):
    year = AcademicYear.objects.create(
        name="2024-25", starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31)
    )
    Term.objects.create(
        year=year, name="Summer", starts_on=dt.date(2025, 4, 22), ends_on=dt.date(2025, 7, 22)
    )
    return year


def test_the_students_attendance_counts_only_the_year_shown(
    client, cast, placement, year, last_year
):
    """Marks of an earlier year's placement, and of the placement outside the year, are
    left out of the year's figures; the placement's own figures cover its own dates."""
    earlier = make_placement(
        programme=make_programme(last_year),
        provider=cast.academy,
        school=cast.school_a,
        by=cast.officer,
        student=placement.student,
        starts_on=dt.date(2025, 5, 5),
    )
    by = cast.provider_staff
    record_marks(placement, week_of_codes(MONDAY, ["/", "\\", "N", "N"] + [""] * 6), by=by)
    record_marks(earlier, week_of_codes(dt.date(2025, 5, 5), ["N"] * 10), by=by)
    services.tallies_rebuild()
    another = make_placement(
        programme=make_programme(year, key="short-course"),
        provider=cast.academy,
        school=cast.school_a,
        by=cast.officer,
        student=placement.student,
        starts_on=MONDAY + dt.timedelta(weeks=8),
    )
    client.force_login(cast.officer)
    response = client.get(detail("casework", placement))
    attendance = response.context["attendance"]
    assert (attendance.figures.attended, attendance.figures.possible) == (2, 4)
    assert attendance.year.name == "2025-26"
    assert attendance.placements_in_year == 2  # this one and `another`, not `earlier`
    assert (attendance.student_figures.attended, attendance.student_figures.possible) == (2, 4)
    assert [(week, f.possible) for week, f in attendance.trend] == [(MONDAY, 4)]
    assert "Across the 2 placements of" in response.content.decode()
    assert another.pk


def test_the_placement_page_makes_the_same_queries_for_one_week_of_marks_as_for_six(
    client, cast, placement
):
    client.force_login(cast.officer)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(detail("casework", placement))
        assert response.status_code == 200
        return len(context.captured_queries), response.context["figures"].possible

    by = cast.provider_staff
    record_marks(placement, week_of_codes(MONDAY, ["/"] * 10), by=by)
    services.tallies_rebuild()
    few, possible = count()
    assert possible == 10
    for week in range(1, 6):
        record_marks(placement, week_of_codes(MONDAY + dt.timedelta(weeks=week), ["/"] * 10), by=by)
    services.tallies_rebuild()
    many, possible = count()
    assert possible == 60
    assert few == many


def edit_data(placement, **changes):
    return {
        "pattern": ["mon_am", "mon_pm"],
        "pattern_from_day": "19",
        "pattern_from_month": "1",
        "pattern_from_year": "2026",
        "monitoring_officer": str(changes.pop("officer").pk) if "officer" in changes else "",
        "safeguarding_confirmed_on_day": "5",
        "safeguarding_confirmed_on_month": "1",
        "safeguarding_confirmed_on_year": "2026",
        "safeguarding_confirmed_by": "Jo Bloggs, DSL",
        "version": placement.version,
        **changes,
    }


def test_the_cap_team_changes_the_pattern_officer_and_confirmation(client, cast, placement, clock):
    clock(at(MONDAY, 10))
    client.force_login(cast.officer)
    url = reverse("placements:edit", args=[placement.uuid])
    response = client.post(url, edit_data(placement, officer=cast.monitoring))
    assert response.status_code == 302
    placement = Placement.objects.get(pk=placement.pk)
    # From Monday 19 January, Mondays only; the week before keeps its five days.
    assert pattern_on(placement, MONDAY + dt.timedelta(days=8)) == ["mon_am", "mon_pm"]
    assert len(pattern_on(placement, MONDAY + dt.timedelta(days=1))) == 10
    assert placement.monitoring_officer == cast.monitoring
    assert placement.safeguarding_confirmed_on == dt.date(2026, 1, 5)
    assert Event.objects.filter(action="placement.updated").exists()


def test_a_confirmation_without_who_or_in_the_future_is_refused(client, cast, placement, clock):
    clock(at(MONDAY, 10))
    client.force_login(cast.officer)
    url = reverse("placements:edit", args=[placement.uuid])
    response = client.post(url, edit_data(placement, safeguarding_confirmed_by=""))
    assert "Enter who at the provider confirmed it" in response.content.decode()
    response = client.post(url, edit_data(placement, safeguarding_confirmed_on_year="2027"))
    assert "must be today or in the past" in response.content.decode()
    placement.refresh_from_db()
    assert placement.safeguarding_confirmed_on is None


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, cast, placement, clock):
    clock(at(MONDAY, 10))
    client.force_login(cast.officer)
    Placement.objects.filter(pk=placement.pk).update(version=5)
    response = client.post(reverse("placements:edit", args=[placement.uuid]), edit_data(placement))
    assert response.status_code == 200
    assert "Someone else changed this placement" in response.content.decode()
    assert 'value="Jo Bloggs, DSL"' in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "provider_staff"])
def test_schools_and_settings_cannot_edit(client, cast, placement, who):
    client.force_login(getattr(cast, who))
    url = reverse("placements:edit", args=[placement.uuid])
    assert client.post(url, edit_data(placement)).status_code == 403


def test_a_setting_adds_a_behaviour_entry(client, cast, placement, clock):
    clock(at(MONDAY, 15))
    client.force_login(cast.provider_staff)
    url = reverse("placements:providers_add", args=[placement.uuid, "behaviour"])
    response = client.post(
        url,
        {
            "happened_on_day": "12",
            "happened_on_month": "1",
            "happened_on_year": "2026",
            "kind": "positive",
            "category": "engagement",
            "note": "Led the workshop tidy-up.",
        },
    )
    assert response.status_code == 302
    entry = BehaviourEntry.objects.get()
    assert (entry.placement, entry.recorded_by) == (placement, cast.provider_staff)
    assert Event.objects.filter(action="placement.behaviour_added").exists()


def test_a_record_dated_in_the_future_is_refused_next_to_the_field(client, cast, placement, clock):
    clock(at(MONDAY, 15))
    client.force_login(cast.provider_staff)
    url = reverse("placements:providers_add", args=[placement.uuid, "behaviour"])
    response = client.post(
        url,
        {
            "happened_on_day": "13",
            "happened_on_month": "1",
            "happened_on_year": "2026",
            "kind": "negative",
            "category": "other",
            "note": "Typed ahead",
        },
    )
    assert response.status_code == 200
    assert "The date must be today or in the past" in response.content.decode()
    assert "Typed ahead" in response.content.decode()
    assert not BehaviourEntry.objects.exists()


def test_a_target_and_its_review(client, cast, placement, clock):
    clock(at(MONDAY, 15))
    client.force_login(cast.monitoring)
    client.post(
        reverse("placements:casework_add", args=[placement.uuid, "target"]),
        {"text": "Arrive on time", "set_on_day": "12", "set_on_month": "1", "set_on_year": "2026"},
    )
    target = Target.objects.get()
    response = client.post(
        reverse("placements:casework_add", args=[placement.uuid, "target-review"]),
        {
            "target": target.pk,
            "reviewed_on_day": "12",
            "reviewed_on_month": "1",
            "reviewed_on_year": "2026",
            "status": "working",
            "note": "On time 3 days of 5",
        },
    )
    assert response.status_code == 302
    assert TargetReview.objects.get().status == "working"
    page = client.get(detail("casework", placement)).content.decode()
    assert "Arrive on time" in page and "Working towards" in page


def test_a_review_meeting_needs_an_owner_and_due_date_for_each_action(
    client, cast, placement, clock
):
    clock(at(MONDAY, 15))
    client.force_login(cast.monitoring)
    url = reverse("placements:casework_add", args=[placement.uuid, "review"])
    base = {
        "held_on_day": "12",
        "held_on_month": "1",
        "held_on_year": "2026",
        "attendees": "Student, parent, provider, monitoring officer",
        "notes": "Settling in well.",
        "action_1": "Share the timetable",
    }
    response = client.post(url, base)
    assert "Enter who owns the action" in response.content.decode()
    response = client.post(
        url,
        {
            **base,
            "owner_1": "Provider",
            "due_1_day": "19",
            "due_1_month": "1",
            "due_1_year": "2026",
        },
    )
    assert response.status_code == 302
    review = placement.reviews.get()
    assert review.actions == [
        {"action": "Share the timetable", "owner": "Provider", "due_on": "2026-01-19"}
    ]


def test_an_unknown_kind_is_not_found_and_a_school_cannot_add(client, cast, placement):
    client.force_login(cast.officer)
    assert (
        client.get(reverse("placements:casework_add", args=[placement.uuid, "nope"])).status_code
        == 404
    )
    client.force_login(cast.alice)
    assert (
        client.get(reverse("placements:providers_add", args=[placement.uuid, "target"])).status_code
        == 403
    )


def test_the_exit_is_recorded_once(client, cast, placement, clock):
    clock(at(placement.planned_end_on + dt.timedelta(days=3), 10))
    client.force_login(cast.officer)
    url = reverse("placements:exit", args=[placement.uuid])
    end = placement.planned_end_on
    data = {
        "ended_on_day": end.day,
        "ended_on_month": end.month,
        "ended_on_year": end.year,
        "outcome": "post_16",
        "detail": "City College, bricklaying",
        "version": placement.version,
    }
    assert client.post(url, data).status_code == 302
    placement.refresh_from_db()
    assert (placement.ended_on, placement.exit_outcome) == (end, "post_16")
    response = client.post(url, {**data, "version": placement.version})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.version == 2  # the second post changed nothing


def test_an_exit_before_the_start_is_refused(client, cast, placement, clock):
    clock(at(placement.planned_end_on, 10))
    client.force_login(cast.officer)
    before = placement.starts_on - dt.timedelta(days=1)
    response = client.post(
        reverse("placements:exit", args=[placement.uuid]),
        {
            "ended_on_day": before.day,
            "ended_on_month": before.month,
            "ended_on_year": before.year,
            "outcome": "returned",
            "version": placement.version,
        },
    )
    assert "on or after the placement started" in response.content.decode()
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_an_ended_post_16_placement_is_flagged_until_followed_up(client, cast, placement, clock):
    from placements.models import ExitFollowUp

    clock(at(placement.planned_end_on + dt.timedelta(days=30), 10))
    Placement.objects.filter(pk=placement.pk).update(
        ended_on=placement.planned_end_on, exit_outcome="post_16"
    )
    client.force_login(cast.officer)
    url = reverse("placements:casework_list") + "?show=ended"
    assert "Post-16 destination not followed up" in client.get(url).content.decode()
    ExitFollowUp.objects.create(
        placement=placement,
        checked_on=placement.planned_end_on + dt.timedelta(days=28),
        still_there=True,
        recorded_by=cast.monitoring,
    )
    assert "Post-16 destination not followed up" not in client.get(url).content.decode()


def test_a_new_pattern_cannot_start_in_the_past_or_without_a_date(client, cast, placement, clock):
    clock(at(MONDAY + dt.timedelta(days=2), 10))
    client.force_login(cast.officer)
    url = reverse("placements:edit", args=[placement.uuid])
    response = client.post(url, edit_data(placement, pattern_from_day="13"))
    assert "must start today or later" in response.content.decode()
    response = client.post(
        url,
        edit_data(placement, pattern_from_day="", pattern_from_month="", pattern_from_year=""),
    )
    assert "Enter the date the new sessions start" in response.content.decode()
    assert not placement.phases.exists()


def test_an_unchanged_pattern_needs_no_date(client, cast, placement, clock):
    clock(at(MONDAY, 10))
    client.force_login(cast.officer)
    data = edit_data(placement, pattern_from_day="", pattern_from_month="", pattern_from_year="")
    data["pattern"] = placement.pattern
    assert client.post(reverse("placements:edit", args=[placement.uuid]), data).status_code == 302
    assert not placement.phases.exists()


def test_the_setting_raises_a_safeguarding_concern_from_the_placement_page(client, cast, placement):
    client.force_login(cast.provider_staff)
    page = client.get(detail("providers", placement)).content.decode()
    raise_url = reverse("safeguarding:raise", args=[placement.student.uuid])
    assert raise_url in page
    assert client.get(raise_url).status_code == 200


def test_an_exit_sent_after_someone_else_changed_the_placement_keeps_what_was_typed(
    client, cast, placement, clock
):
    clock(at(placement.planned_end_on + dt.timedelta(days=3), 10))
    client.force_login(cast.officer)
    end = placement.planned_end_on
    stale = placement.version
    Placement.objects.filter(pk=placement.pk).update(version=stale + 1)
    response = client.post(
        reverse("placements:exit", args=[placement.uuid]),
        {
            "ended_on_day": end.day,
            "ended_on_month": end.month,
            "ended_on_year": end.year,
            "outcome": "post_16",
            "detail": "City College, bricklaying",
            "version": stale,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "City College, bricklaying" in page
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_the_cap_safeguarding_lead_cannot_change_a_placement(client, cast, placement):
    """A DSL at the local authority enters casework but is not CAP staff."""
    client.force_login(cast.safeguarding)
    for name in ("placements:edit", "placements:exit"):
        assert client.get(reverse(name, args=[placement.uuid])).status_code == 404
    assert client.get(reverse("placements:report_runs")).status_code == 403
