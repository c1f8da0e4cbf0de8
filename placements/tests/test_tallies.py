"""Weekly tallies of marks: kept equal to a recount as registers are saved and corrected,
rebuilt for marks written any other way, and the oversight figures counted from them,
against examples worked by hand."""

import datetime as dt
import importlib
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.rules import provider_ids
from placements import selectors, services
from placements.models import (
    Alert,
    Category,
    Mark,
    MarkChange,
    MarkTally,
    Phase,
    Placement,
)
from placements.selectors import Figures
from placements.tests.factories import (
    MONDAY,
    WEDNESDAY,
    at,
    make_attendance_scenario,
    make_placement,
    record_marks,
    week_of_codes,
)

SPRING = (dt.date(2026, 1, 5), dt.date(2026, 3, 27))
TALLIED = ["present", "approved", "authorised", "unauthorised", "not_possible", "entered_late"]


def tallies() -> dict:
    """Every tally as {(placement id, week): (present, approved, ..., entered_late)}."""
    return {
        (t.placement_id, t.week): tuple(getattr(t, name) for name in TALLIED)
        for t in MarkTally.objects.all()
    }


def recount() -> dict:
    """The same, counted by hand in Python from every mark and its first change."""
    categories = selectors.code_categories()
    counts: dict = {}
    for mark in Mark.objects.prefetch_related("changes"):
        key = (mark.placement_id, mark.date - dt.timedelta(days=mark.date.weekday()))
        row = counts.setdefault(key, dict.fromkeys(TALLIED, 0))
        row[categories[mark.code_id]] += 1
        first = min(mark.changes.all(), key=lambda c: (c.changed_at, c.pk))
        row["entered_late"] += first.late
    return {key: tuple(row[name] for name in TALLIED) for key, row in counts.items()}


def loaded(*placements) -> list[Placement]:
    """Placements as the register page loads them (student, setting and phases at once)."""
    return list(selectors.with_related(Placement.objects.filter(pk__in=[p.pk for p in placements])))


def entries(placements, codes: dict, shown: dict | None = None) -> list[services.Entry]:
    shown = shown or {}
    return [
        services.Entry(p, day, session, code, shown.get((day, session), ""))
        for p in placements
        for (day, session), code in codes.items()
    ]


# --- Kept by register_save --------------------------------------------------------------


def test_a_saved_register_is_tallied_the_dfe_way(cast, placement):
    # Present 4 (/, \, \, L), approved 2 (V, W), authorised 1 (I), unauthorised 2 (N, U),
    # not possible 1 (Y1): attended 6 of 9 possible sessions.
    codes = week_of_codes(MONDAY, ["/", "\\", "V", "W", "I", "N", "Y1", "\\", "L", "U"])
    calendar = selectors.calendar_for(MONDAY, MONDAY + dt.timedelta(days=4))
    [p] = loaded(placement)
    # Monday's sessions on time (before 9:15am and 1:45pm), the rest the Monday after.
    services.register_save(
        entries=entries([p], {(MONDAY, "am"): "/"}),
        calendar=calendar,
        by=cast.provider_staff,
        now=at(MONDAY, 9),
    )
    services.register_save(
        entries=entries([p], {k: v for k, v in codes.items() if k != (MONDAY, "am")}),
        calendar=calendar,
        by=cast.provider_staff,
        now=at(MONDAY + dt.timedelta(days=7), 9),
    )
    assert tallies() == {(placement.pk, MONDAY): (4, 2, 1, 2, 1, 9)} == recount()
    figures = selectors.attendance_totals(Placement.objects.all(), *SPRING)
    assert (figures.attended, figures.possible, figures.rate) == (6, 9, 66.7)


def test_a_correction_moves_one_session_between_categories(cast, placement):
    codes = week_of_codes(MONDAY, ["/", "\\", "/", "\\", "/", "", "", "", "", ""])
    calendar = selectors.calendar_for(MONDAY, MONDAY + dt.timedelta(days=4))
    [p] = loaded(placement)
    later = at(MONDAY + dt.timedelta(days=7), 9)
    services.register_save(
        entries=entries([p], codes), calendar=calendar, by=cast.provider_staff, now=later
    )
    assert tallies() == {(placement.pk, MONDAY): (5, 0, 0, 0, 0, 5)}
    # Monday morning was not present after all: unexplained.
    saved = services.register_save(
        entries=[services.Entry(p, MONDAY, "am", "N", "/")],
        calendar=calendar,
        by=cast.provider_staff,
        now=later + dt.timedelta(hours=1),
    )
    assert saved == 1
    # One session from present to unauthorised; still five marks, and the correction is
    # not a late entry.
    assert tallies() == {(placement.pk, MONDAY): (4, 0, 0, 1, 0, 5)} == recount()
    assert MarkChange.objects.count() == 6


def test_new_marks_add_to_a_weeks_tally_and_a_correction_recounts_its_own_week(cast, placement):
    """New marks are added to their week's tally without reading the week's other marks;
    a week with a correction is recounted. One save may do both, in different weeks."""
    next_monday = MONDAY + dt.timedelta(days=7)
    calendar = selectors.calendar_for(MONDAY, next_monday + dt.timedelta(days=4))
    [p] = loaded(placement)
    by = cast.provider_staff
    services.register_save(
        entries=entries([p], {(MONDAY, "am"): "/"}), calendar=calendar, by=by, now=at(MONDAY, 9)
    )
    services.register_save(
        entries=entries([p], {(MONDAY, "pm"): "N", (WEDNESDAY, "am"): "I"}),
        calendar=calendar,
        by=by,
        now=at(WEDNESDAY, 16),
    )
    # Both entered on Wednesday afternoon, after their registers closed.
    assert tallies() == {(placement.pk, MONDAY): (1, 0, 1, 1, 0, 2)} == recount()
    # Monday morning corrected, and the next week's Monday entered, in one save.
    later = at(next_monday, 16)
    saved = services.register_save(
        entries=[
            services.Entry(p, MONDAY, "am", "I", "/"),
            services.Entry(p, next_monday, "am", "/", ""),
            services.Entry(p, next_monday, "pm", "L", ""),
        ],
        calendar=calendar,
        by=by,
        now=later,
    )
    assert saved == 3
    assert tallies() == {
        (placement.pk, MONDAY): (0, 0, 2, 1, 0, 2),  # a correction is not a late entry
        (placement.pk, next_monday): (2, 0, 0, 0, 0, 2),
    }
    assert tallies() == recount()


def test_a_register_saved_again_unchanged_writes_nothing(cast, placement):
    calendar = selectors.calendar_for(MONDAY, MONDAY)
    [p] = loaded(placement)
    later = at(MONDAY + dt.timedelta(days=7), 9)
    cells = {(MONDAY, "am"): "/"}
    services.register_save(
        entries=entries([p], cells), calendar=calendar, by=cast.provider_staff, now=later
    )
    with CaptureQueriesContext(connection) as context:
        saved = services.register_save(
            entries=entries([p], cells, shown=cells),
            calendar=calendar,
            by=cast.provider_staff,
            now=later,
        )
    assert saved == 0
    assert not [q for q in context.captured_queries if "marktally" in q["sql"].lower()]


def test_a_mark_that_arrives_resolves_only_its_own_missing_alert(cast, placement):
    [p] = loaded(placement)
    for session in ("am", "pm"):
        Alert.objects.create(
            placement=placement,
            date=MONDAY,
            session=session,
            kind="missing",
            raised_at=at(MONDAY, 10),
        )
    services.register_save(
        entries=entries([p], {(MONDAY, "am"): "/"}),
        calendar=selectors.calendar_for(MONDAY, MONDAY),
        by=cast.provider_staff,
        now=at(MONDAY, 16),
    )
    resolved = dict(Alert.objects.values_list("session", "resolved_at"))
    assert resolved["am"] == at(MONDAY, 16)
    assert resolved["pm"] is None


def test_register_save_makes_the_same_queries_for_2_students_as_for_20(cast, programme):
    """Each save corrects Monday and enters Tuesday for every student."""
    by = cast.provider_staff
    provider_ids(by)  # who they are is read once a request, before either count

    def students(n):
        return loaded(
            *[
                make_placement(
                    programme=programme,
                    provider=cast.provider,
                    school=cast.school_a,
                    by=cast.officer,
                )
                for _ in range(n)
            ]
        )

    def save(placements, monday):
        calendar = selectors.calendar_for(monday, monday + dt.timedelta(days=1))
        tuesday = monday + dt.timedelta(days=1)
        monday_codes = {(monday, "am"): "/", (monday, "pm"): "\\"}
        later = at(monday + dt.timedelta(days=7), 9)
        services.register_save(
            entries=entries(placements, monday_codes), calendar=calendar, by=by, now=later
        )
        corrected = {(monday, "am"): "N", (tuesday, "am"): "/", (tuesday, "pm"): "I"}
        with CaptureQueriesContext(connection) as context:
            saved = services.register_save(
                entries=entries(placements, corrected, shown=monday_codes),
                calendar=calendar,
                by=by,
                now=later,
            )
        assert saved == 3 * len(placements)
        return len(context.captured_queries)

    few = save(students(2), MONDAY)
    many = save(students(20), MONDAY + dt.timedelta(days=7))
    assert few == many
    assert tallies() == recount()
    assert MarkTally.objects.filter(week=MONDAY + dt.timedelta(days=7)).count() == 20


# --- Rebuilt for marks written any other way --------------------------------------------


def test_a_rebuild_counts_marks_written_directly_and_mends_a_wrong_tally(cast, placement):
    week3 = MONDAY + dt.timedelta(days=14)
    record_marks(
        placement,
        {(MONDAY, "am"): "/", (MONDAY, "pm"): "N", (week3, "am"): "Y2"},
        by=cast.provider_staff,
        late=[(MONDAY, "pm")],
    )
    assert not MarkTally.objects.exists()
    assert services.tallies_rebuild() == 2
    assert (
        tallies()
        == {
            (placement.pk, MONDAY): (1, 0, 0, 1, 0, 1),
            (placement.pk, week3): (0, 0, 0, 0, 1, 0),
        }
        == recount()
    )
    # A tally gone wrong, and one for a week with no marks, mended by a bounded rebuild
    # of the first week only.
    MarkTally.objects.filter(week=MONDAY).update(present=40)
    MarkTally.objects.create(placement=placement, week=MONDAY + dt.timedelta(days=7), present=3)
    MarkTally.objects.filter(week=week3).update(present=7)
    assert (
        services.tallies_rebuild(
            first=MONDAY + dt.timedelta(days=2), last=MONDAY + dt.timedelta(days=9)
        )
        == 1
    )
    assert tallies()[(placement.pk, MONDAY)] == (1, 0, 0, 1, 0, 1)
    assert (placement.pk, MONDAY + dt.timedelta(days=7)) not in tallies()
    assert tallies()[(placement.pk, week3)][0] == 7  # outside the weeks asked for


def test_the_command_rebuilds_and_refuses_a_bad_date(cast, placement):
    record_marks(placement, {(MONDAY, "am"): "/"}, by=cast.provider_staff)
    out = StringIO()
    call_command("rebuild_mark_tallies", stdout=out)
    assert out.getvalue().strip() == "Counted 1 weekly tally."
    assert tallies() == recount()
    with pytest.raises(CommandError, match="is not a date"):
        call_command("rebuild_mark_tallies", "--from", "12/01/2026")
    with pytest.raises(CommandError, match="on or before"):
        call_command("rebuild_mark_tallies", "--from", "2026-02-01", "--to", "2026-01-01")


def test_the_data_migration_counts_existing_marks(cast, placement):
    record_marks(
        placement,
        week_of_codes(MONDAY, ["/", "\\", "I", "", "", "", "", "", "", "U"]),
        by=cast.provider_staff,
        late=[(MONDAY, "am")],
    )
    migration = importlib.import_module("placements.migrations.0005_mark_tallies_build")
    migration.build(apps, None)
    assert tallies() == {(placement.pk, MONDAY): (2, 0, 1, 1, 0, 1)} == recount()


# --- Figures from the tallies -----------------------------------------------------------


@pytest.fixture
def scenario(cast, year):
    return make_attendance_scenario(cast, year)


def figures_of(f: Figures) -> tuple:
    return (f.attended, f.possible, f.rate)


def test_totals_and_groups_against_hand_counts(scenario):
    everyone = Placement.objects.all()
    totals = selectors.attendance_totals(everyone, *SPRING)
    # present 14, approved 1, authorised 4, unauthorised 9, not possible 4 (p5's summer
    # mark is outside the term).
    assert totals.counts == Counter(
        {
            Category.PRESENT: 14,
            Category.APPROVED: 1,
            Category.AUTHORISED: 4,
            Category.UNAUTHORISED: 9,
            Category.NOT_POSSIBLE: 4,
        }
    )
    assert figures_of(totals) == (15, 28, 53.6)
    by = {
        grouping: [
            (g.name, figures_of(g.figures))
            for g in selectors.attendance_by(everyone, *SPRING, by=grouping)
        ]
        for grouping in selectors.GROUPINGS
    }
    assert by["setting"] == [("AP Academy", (4, 8, 50.0)), ("Provider P", (11, 20, 55.0))]
    assert by["programme"] == [
        ("Short course", (4, 8, 50.0)),
        ("Work based learning", (11, 20, 55.0)),
    ]
    assert by["school"] == [("School A", (13, 18, 72.2)), ("School B", (2, 10, 20.0))]
    assert [
        (week, figures_of(f)) for week, f in selectors.attendance_by_week(everyone, *SPRING)
    ] == [
        (scenario.week1, (11, 20, 55.0)),
        (scenario.week2, (4, 8, 50.0)),
    ]
    # The summer term holds only p5's mark.
    summer = selectors.attendance_totals(everyone, dt.date(2026, 4, 13), dt.date(2026, 7, 22))
    assert summer.unauthorised == 1 and summer.possible == 1


def test_placements_under_90_and_50_percent(scenario):
    # p1 90.0% (not under 90), p2 50.0% (under 90, not under 50), p3 20.0% (under both),
    # p4 no possible sessions (left out), p5 outside the term.
    below = selectors.attendance_below(Placement.objects.all(), *SPRING)
    assert below == selectors.Below(counted=3, below_90=2, below_50=1)
    school_a = selectors.attendance_below(
        Placement.objects.filter(home_school__name="School A"), *SPRING
    )
    assert school_a == selectors.Below(counted=2, below_90=1, below_50=0)


def test_registers_late_and_missing_by_setting(scenario):
    rows = [
        (t.name, t.marks, t.entered_late, t.missing, t.still_missing)
        for t in selectors.register_timeliness(Placement.objects.all(), *SPRING)
    ]
    # Provider P: 22 marks (p1 10, p3 10, p4 2), 4 first entered late (p1 3, p3 1; p3's
    # late correction is not counted); missing-mark alerts p1 2 and p3 1, two never
    # resolved (p1's absence alert and p5's summer alert are not counted).
    assert rows == [("AP Academy", 10, 0, 1, 0), ("Provider P", 22, 4, 3, 2)]


def test_hours_at_the_setting_against_full_time(scenario):
    # p3 spends Wednesday's week in a phase of Monday mornings only: 3 hours.
    Phase.objects.create(
        placement=scenario.p3,
        name="Part time",
        starts_on=MONDAY,
        ends_on=MONDAY + dt.timedelta(days=4),
        pattern=["mon_am"],
    )
    groups = selectors.hours_at_setting(Placement.objects.all(), *SPRING, on=WEDNESDAY)
    assert [(g.hours, g.year_group, g.full_time, g.placements) for g in groups] == [
        (3.0, 9, 24.0, 1),  # p3 in its phase
        (10.0, 9, 24.0, 1),  # p2: Monday and Tuesday
        (13.0, 9, 24.0, 1),  # p4: Monday, Tuesday and Wednesday morning
        (25.0, 11, 25.0, 1),  # p1: every session, year 11
    ]
    # After the phase, p3 is back to every session; p5 (summer) was never open in spring.
    later = selectors.hours_at_setting(
        Placement.objects.all(), *SPRING, on=MONDAY + dt.timedelta(days=7)
    )
    assert [(g.hours, g.year_group) for g in later] == [(10.0, 9), (13.0, 9), (25.0, 9), (25.0, 11)]


def test_the_figures_make_the_same_queries_at_two_sizes(cast, scenario, programme):
    def count_queries():
        everyone = Placement.objects.all()
        with CaptureQueriesContext(connection) as context:
            selectors.attendance_totals(everyone, *SPRING)
            for grouping in selectors.GROUPINGS:
                selectors.attendance_by(everyone, *SPRING, by=grouping)
            selectors.attendance_by_week(everyone, *SPRING)
            selectors.attendance_below(everyone, *SPRING)
            selectors.register_timeliness(everyone, *SPRING)
            selectors.hours_at_setting(everyone, *SPRING, on=WEDNESDAY)
        return len(context.captured_queries)

    few = count_queries()
    for n in range(12):
        p = make_placement(
            programme=programme,
            provider=cast.academy if n % 2 else cast.provider,
            school=cast.school_a,
            by=cast.officer,
            days_per_week=Decimal(n % 5 + 1),
        )
        record_marks(
            p,
            week_of_codes(MONDAY, ["/", "\\", "N", "I", "/", "\\", "", "", "", "U"]),
            by=cast.provider_staff,
        )
        Alert.objects.create(
            placement=p, date=MONDAY, session="pm", kind="missing", raised_at=at(MONDAY, 14)
        )
    services.tallies_rebuild()
    assert few == count_queries()


def test_the_casework_page_counts_a_years_tallies(client, cast, scenario):
    from django.urls import reverse

    client.force_login(cast.manager)
    response = client.get(reverse("placements:attendance") + "?year=2025-26")
    assert response.status_code == 200
    # The spring term's figures and p5's unexplained absence in the summer term.
    assert figures_of(response.context["figures"]) == (15, 29, 51.7)
    assert [(g.name, figures_of(g.figures)) for g in response.context["page"]] == [
        ("AP Academy", (4, 8, 50.0)),
        ("Provider P", (11, 21, 52.4)),
    ]
    assert [week for week, _ in response.context["trend"]] == [
        scenario.week1,
        scenario.week2,
        dt.date(2026, 4, 20),
    ]
    # The current year (from May 2026 in these tests) has no marks.
    current = client.get(reverse("placements:attendance"))
    assert current.context["figures"].possible == 0 and not current.context["page"].object_list
