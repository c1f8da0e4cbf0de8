"""The attendance page's tables, for the CAP team, a school and a provider, against the
hand-counted placements of placements.tests.factories.make_attendance_scenario."""

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.rules import Area
from dashboards.figures import attendance
from dashboards.figures.attendance import attendance_tables
from dashboards.models import OversightSettings
from dashboards.pages import PAGES
from dashboards.report import SUPPRESSED, suppress
from dashboards.scope import scope_for
from placements.services import tallies_rebuild
from placements.tests.factories import (
    MONDAY,
    make_attendance_scenario,
    make_placement,
    make_programme,
    make_terms,
    record_marks,
    week_of_codes,
)
from programmes.models import AcademicYear


@pytest.fixture
def year(db):
    return make_terms()


@pytest.fixture
def scenario(cast, year):
    return make_attendance_scenario(cast, year)


@pytest.fixture
def no_threshold(db):
    """Nothing withheld, so the figures a school sees can be checked one by one."""
    OversightSettings.objects.create(suppress_below=1)


def tables_for(user, area, year, **filters):
    request = RequestFactory().get("/", {"year": year.name, **filters})
    request.user = user
    return {t.key: t for t in attendance_tables(scope_for(request, area))}


def spring(year) -> dict:
    return {"term": str(year.terms.get(name="Spring").pk)}


def values(table) -> list[list]:
    return [[c.value for c in row] for row in table.cells()]


def test_the_page_is_registered_for_three_areas():
    page = PAGES["attendance"]
    assert (page.title, page.order) == ("Attendance", 60)
    assert set(page.areas) == {Area.CASEWORK, Area.SCHOOLS, Area.PROVIDERS}


def test_the_cap_teams_spring_term(cast, year, scenario, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 6, 9, 5, tzinfo=dt.UTC))
    tables = tables_for(cast.manager, Area.CASEWORK, year, **spring(year))
    assert list(tables) == [
        "overall",
        "settings",
        "programmes",
        "schools",
        "weeks",
        "below",
        "hours",
        "registers",
    ]
    overall = tables["overall"]
    # Possible 28, attended 15 (14 present, 1 trip), authorised 4, unauthorised 9;
    # present 14, approved 1, not possible 4; unauthorised 9 of 28.
    assert values(overall) == [["2025-26, Spring", 28, 15, 4, 9, 53.6, 32.1, 14, 1, 4]]
    assert overall.note.startswith(
        "Figures include every mark saved up to 9:05am on 6 December 2026."
    )
    assert overall.summary == "Attendance was 53.6% over 28 possible sessions."

    settings = tables["settings"]
    assert values(settings) == [
        ["AP Academy", 8, 4, 4, 0, 50.0],
        ["Provider P", 20, 11, 0, 9, 55.0],
    ]
    assert (settings.chart, settings.chart_column) == ("bar", 5)
    assert settings.summary == (
        "Attendance was 53.6% over 28 possible sessions; lowest at AP Academy (50.0%), "
        "highest at Provider P (55.0%)."
    )
    assert settings.cells()[1][0].href == (
        f"?year=2025-26&term={spring(year)['term']}&provider={cast.provider.uuid}"
    )
    assert values(tables["programmes"]) == [
        ["Short course", 8, 4, 4, 0, 50.0],
        ["Work based learning", 20, 11, 0, 9, 55.0],
    ]
    assert values(tables["schools"]) == [
        ["School A", 18, 13, 4, 1, 72.2],
        ["School B", 10, 2, 0, 8, 20.0],
    ]

    weeks = tables["weeks"]
    assert values(weeks) == [
        [MONDAY, 20, 11, 0, 9, 55.0],
        [MONDAY + dt.timedelta(days=7), 8, 4, 4, 0, 50.0],
    ]
    assert (weeks.chart, weeks.chart_column) == ("line", 5)
    assert weeks.summary == (
        "Attendance was 50.0% in the latest week, beginning 19 January 2026; it was highest "
        "in the week beginning 12 January 2026 (55.0%) and lowest in the week beginning "
        "19 January 2026 (50.0%)."
    )

    below = tables["below"]
    assert values(below) == [
        ["All placements with possible sessions", 3, 100.0],
        ["Under 90%", 2, 66.7],
        ["Under 50%", 1, 33.3],
    ]
    assert below.summary == (
        "Of 3 placements with possible sessions, 2 (66.7%) attended under 90% of them and "
        "1 (33.3%) under 50%."
    )

    # Each placement as on its last day (20 February) before the term's end: p1 25 of 25
    # hours and p3 25 of 24 (full time), p4 13 of 24 (half or more), p2 10 of 24.
    hours = tables["hours"]
    assert values(hours) == [
        ["Full time or more", 2, 50.0, 25.0],
        ["Three quarters to under full time", 0, 0.0, None],
        ["Half to under three quarters", 1, 25.0, 13.0],
        ["Under half of full time", 1, 25.0, 10.0],
    ]
    assert hours.summary == (
        "Of 4 placements open in the period, 2 (50.0%) have full-time hours at the setting "
        "and 2 fewer."
    )
    assert "27 March 2026" in hours.note

    registers = tables["registers"]
    assert values(registers) == [
        ["AP Academy", 10, 0, 0.0, 1, 0],
        ["Provider P", 22, 4, 18.2, 3, 2],
    ]
    assert registers.summary == (
        "4 of 32 marks (12.5%) were entered after the register closed, and 4 sessions had "
        "no mark when it closed. The highest share entered late was at Provider P (18.2%)."
    )
    for table in tables.values():
        assert table.caption and table.note
        assert not table.chart or table.summary


def test_a_school_sees_only_its_own_students(cast, year, scenario, no_threshold):
    tables = tables_for(cast.alice, Area.SCHOOLS, year, **spring(year))
    # p1 and p2 only: School B's p3 and p4 are not counted anywhere.
    assert values(tables["overall"])[0][1:6] == [18, 13, 4, 1, 72.2]
    assert values(tables["settings"]) == [
        ["AP Academy", 8, 4, 4, 0, 50.0],
        ["Provider P", 10, 9, 0, 1, 90.0],
    ]
    assert [row[0] for row in values(tables["schools"])] == ["School A"]
    assert [row[1] for row in values(tables["below"])] == [2, 1, 0]
    assert values(tables["registers"]) == [
        ["AP Academy", 10, 0, 0.0, 1, 0],
        ["Provider P", 10, 3, 30.0, 2, 1],
    ]
    assert sum(row[1] for row in values(tables["hours"])) == 2


def test_a_provider_sees_its_own_placements_and_no_schools(cast, year, scenario, no_threshold):
    tables = tables_for(cast.provider_staff, Area.PROVIDERS, year, **spring(year))
    assert "schools" not in tables
    assert values(tables["overall"])[0][1:6] == [20, 11, 0, 9, 55.0]
    assert [row[0] for row in values(tables["settings"])] == ["Provider P"]
    assert [row[0] for row in values(tables["registers"])] == ["Provider P"]


def test_a_summary_never_says_what_the_table_withholds(cast, year, scenario):
    """Outside the CAP team counts under 5 are withheld with their row's rates."""
    tables = tables_for(cast.alice, Area.SCHOOLS, year, **spring(year))
    overall = tables["overall"]
    # School A's 4 authorised and 1 unauthorised absences hide the row's rates.
    assert suppress(overall, 5).cells()[0][5].value == SUPPRESSED
    assert overall.summary == "Some figures are withheld because they count very few students."
    # Present, approved and not possible are shown to the CAP team only, so that their
    # small counts do not withhold the headline.
    assert [c.heading for c in overall.columns][-1] == "Unauthorised absence rate"
    settings = tables["settings"]
    assert "90.0" not in settings.summary and "50.0" not in settings.summary
    assert "30.0" not in tables["registers"].summary
    assert tables["below"].summary == overall.summary
    assert tables["hours"].summary == overall.summary


@pytest.mark.parametrize(
    "who, area, school",
    [("alice", Area.SCHOOLS, "school_a"), ("manager", Area.CASEWORK, "school_b")],
)
def test_the_page_makes_the_same_queries_at_two_sizes(cast, year, scenario, who, area, school):
    """A school's page, and the CAP team's (which reads the settings' weekly sums)."""

    def count():
        request = RequestFactory().get("/", {"year": year.name})
        request.user = getattr(cast, who)
        scope = scope_for(request, area)
        with CaptureQueriesContext(connection) as context:
            attendance_tables(scope)
        return len(context.captured_queries)

    few = count()
    programme = make_programme(year)
    for n in range(10):
        placement = make_placement(
            programme=programme,
            provider=cast.academy if n % 2 else cast.provider,
            school=getattr(cast, school),
            by=cast.officer,
            starts_on=MONDAY + dt.timedelta(days=7),
        )
        record_marks(
            placement,
            week_of_codes(MONDAY + dt.timedelta(days=7), ["/", "\\", "N", "I", "/"] * 2),
            by=cast.provider_staff,
        )
    tallies_rebuild()
    assert few == count()


# --- The CAP team's whole service, from the settings' weekly sums -----------------------


def test_the_cap_teams_figures_from_the_settings_weeks_equal_the_tallies(
    cast, year, scenario, monkeypatch
):
    """The whole service counts the settings' weekly sums; the same tables counted from
    every placement's tallies are identical, for the year and for a term."""

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 6, 9, 5, tzinfo=dt.UTC))
    for filters in ({}, spring(year)):
        request = RequestFactory().get("/", {"year": year.name, **filters})
        request.user = cast.manager
        scope = scope_for(request, Area.CASEWORK)
        assert attendance.counts_every_placement(scope)
        summed = {t.key: values(t) for t in attendance_tables(scope)}
        monkeypatch.setattr(attendance, "counts_every_placement", lambda scope: False)
        tallied = {t.key: values(t) for t in attendance_tables(scope)}
        monkeypatch.undo()
        monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 6, 9, 5, tzinfo=dt.UTC))
        assert summed == tallied
    # A filter, a caseload, a school: the tallies of their placements, as before.
    for user, area, filters in (
        (cast.manager, Area.CASEWORK, {"provider": str(cast.provider.uuid)}),
        (cast.monitoring, Area.CASEWORK, {}),
        (cast.alice, Area.SCHOOLS, {}),
    ):
        request = RequestFactory().get("/", {"year": year.name, **filters})
        request.user = user
        assert not attendance.counts_every_placement(scope_for(request, area))


def test_a_placement_outside_the_year_with_a_mark_in_its_first_week_is_left_out(
    cast, year, scenario
):
    """A year that starts on a Wednesday counts its first week whole, from the Monday. A
    placement that ended the day before the year began, with a mark on that Monday, has a
    tally in that week but was never open in the year: the service's figures leave it out
    as they always did, so they are counted from the tallies, not the settings' sums."""
    midweek = AcademicYear.objects.create(
        name="2026-27", starts_on=dt.date(2026, 9, 2), ends_on=dt.date(2027, 8, 31)
    )
    before = make_placement(
        programme=make_programme(year),
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        starts_on=dt.date(2026, 8, 24),
        planned_end_on=dt.date(2026, 9, 1),
    )
    record_marks(before, {(dt.date(2026, 8, 31), "am"): "N"}, by=cast.provider_staff)
    tallies_rebuild()
    request = RequestFactory().get("/", {"year": midweek.name})
    request.user = cast.manager
    scope = scope_for(request, Area.CASEWORK)
    assert not attendance.counts_every_placement(scope)
    tables = {t.key: t for t in attendance_tables(scope)}
    assert values(tables["overall"])[0][1] == 0  # no possible session in the year
    assert values(tables["settings"]) == []
