"""The census lists: the data file's checks, and the placements each census collects, with
its items and problems, against hand-made placements."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OrganisationKind
from accounts.tests.factories import OrganisationFactory, ProviderFactory, SchoolFactory
from applications.models import Application
from placements.census import (
    CENSUS_FILE,
    CensusFileError,
    authority_placements,
    census_data,
    census_load,
    census_rows,
)
from placements.models import Placement
from placements.tests.factories import make_placement, make_programme
from students.tests.factories import StudentFactory

D = dt.date


@pytest.fixture
def data():
    return census_data()


@pytest.fixture
def spring_census(data):
    return next(c for c in data.censuses if c.key == "school-spring-2026")


@pytest.fixture
def ap_census(data):
    return next(c for c in data.censuses if c.key == "ap-2026")


def place(
    cast,
    programme,
    *,
    provider=None,
    school=None,
    starts_on,
    weeks=6,
    ended_on=None,
    reason="behaviour",
    days_per_week=Decimal("5"),
    student=None,
) -> Placement:
    """A placement as the routes make it, then ended and given a referral reason."""
    placement = make_placement(
        programme=programme,
        provider=provider or cast.provider,
        school=school or cast.school_a,
        by=cast.officer,
        starts_on=starts_on,
        weeks=weeks,
        days_per_week=days_per_week,
        student=student,
    )
    Application.objects.filter(pk=placement.application_id).update(referral_reason=reason)
    if ended_on:
        Placement.objects.filter(pk=placement.pk).update(ended_on=ended_on)
    return placement


def rows_by_placement(census, qs=None):
    rows = census_rows(census=census, placements=qs or Placement.objects.all())
    return {row.placement.pk: row for row in rows}


# --- The data file ------------------------------------------------------------------------


def test_the_census_file_gives_each_census_day_its_source_and_collection_period(data):
    days = {c.key: (c.day, c.period_starts, c.certainty) for c in data.censuses}
    assert days["school-autumn-2025"] == (D(2025, 10, 2), D(2025, 5, 16), "confirmed")
    assert days["school-spring-2026"] == (D(2026, 1, 15), D(2025, 10, 3), "confirmed")
    assert days["school-summer-2026"] == (D(2026, 5, 21), D(2026, 1, 16), "confirmed")
    assert days["school-autumn-2026"] == (D(2026, 10, 1), D(2026, 5, 22), "inferred")
    # The AP census collects on census day alone.
    assert days["ap-2026"] == (D(2026, 1, 15), D(2026, 1, 15), "inferred")
    assert all(c.day.weekday() == 3 for c in data.censuses)  # every census day is a Thursday
    assert all(c.source for c in data.censuses)
    assert data.setting_types.codes == {
        "NFE": "Non-maintained further education provision",
        "OOT": "One-on-one tuition",
        "OTH": "Other unregistered provider",
        "WBP": "Work-based placement",
    }
    assert data.placement_reasons.certainty == "not confirmed"


def test_the_first_census_of_a_kind_has_no_collection_period_before_it(data):
    first = data.censuses[0]
    assert first.key == "school-summer-2025"
    assert not first.period_known
    assert first.period_starts == first.day


@pytest.fixture
def broken(tmp_path):
    """The real file with one text replaced, written elsewhere."""

    def write(old: str, new: str) -> Path:
        text = CENSUS_FILE.read_text()
        assert old in text
        path = tmp_path / "census.yaml"
        path.write_text(text.replace(old, new, 1))
        return path

    return write


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "day: Thursday 2 October 2025",
            "day: Friday 2 October 2025",
            "census school-autumn-2025: 'Friday 2 October 2025' does not match its weekday: "
            "2 October 2025 is a Thursday.",
        ),
        (
            "day: Thursday 15 January 2026",
            "day: Thursday 31 February 2026",
            "census school-spring-2026: 'Thursday 31 February 2026' is not a real date.",
        ),
        (
            "day: Thursday 21 May 2026",
            "day: 21 May 2026",
            "census school-summer-2026: give the weekday of '21 May 2026'",
        ),
        (
            "day: Thursday 1 October 2026",
            "day: Thursday 2 October 2025",
            "census school-autumn-2026: Thursday 2 October 2025 is not in the academic year "
            "2026-27.",
        ),
        (
            "{code: OOT, meaning: One-on-one tuition}",
            "{code: NFE, meaning: One-on-one tuition}",
            "setting_types: the code 'NFE' is given twice.",
        ),
        (
            "{code: SUS, meaning: Suspension}",
            "{code: PEX, meaning: Suspension}",
            "placement_reasons: the code 'PEX' is given twice.",
        ),
        (
            "training_provider: OTH",
            "training_provider: XYZ",
            "setting_type_by_kind: 'training_provider' maps to 'XYZ', which is not a code.",
        ),
        (
            "    other: OTH\n",
            "",
            "reason_by_referral_reason: 'other' has no code.",
        ),
        (
            "  certainty: not confirmed\n  codes:\n    - {code: PEX",
            "  certainty: probably\n  codes:\n    - {code: PEX",
            "placement_reasons: certainty must be one of confirmed, inferred, not confirmed, "
            "not 'probably'.",
        ),
        (
            "key: school-spring-2026",
            "key: school-autumn-2025",
            "census 3: the key 'school-autumn-2025' is given twice.",
        ),
        (
            "      heading: Sessions per week\n",
            "      heading: Attendance pattern\n",
            "items: school, item 8: the heading 'Attendance pattern' is given twice.",
        ),
    ],
)
def test_a_wrong_census_file_is_refused_naming_the_problem(broken, old, new, problem):
    with pytest.raises(CensusFileError) as refused:
        census_load(broken(old, new))
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems
    assert problem.split(":")[0] in str(refused.value)


def test_an_unreadable_census_file_is_refused(tmp_path):
    path = tmp_path / "census.yaml"
    path.write_text("collection: [unclosed\n")
    with pytest.raises(CensusFileError):
        census_load(path)


# --- The school census list ---------------------------------------------------------------


def test_a_school_census_lists_the_placements_open_in_its_collection_period(
    cast, programme, spring_census
):
    # Spring 2026: from Friday 3 October 2025 to census day, Thursday 15 January 2026.
    ended_before = place(cast, programme, starts_on=D(2025, 9, 8), ended_on=D(2025, 10, 2))
    stale = place(cast, programme, starts_on=D(2025, 9, 8), weeks=2)  # planned end 19 Sep
    ended_during = place(cast, programme, starts_on=D(2025, 11, 3), ended_on=D(2025, 11, 28))
    first_day = place(cast, programme, starts_on=D(2025, 9, 1), ended_on=D(2025, 10, 3))
    open_on_the_day = place(cast, programme, starts_on=D(2026, 1, 12))
    ends_after = place(cast, programme, starts_on=D(2026, 1, 5), ended_on=D(2026, 1, 30))
    starts_on_the_day = place(cast, programme, starts_on=D(2026, 1, 15))
    after = place(cast, programme, starts_on=D(2026, 1, 19))

    rows = rows_by_placement(spring_census)

    assert set(rows) == {
        ended_during.pk,
        first_day.pk,
        open_on_the_day.pk,
        ends_after.pk,
        starts_on_the_day.pk,
    }
    assert ended_before.pk not in rows and stale.pk not in rows and after.pk not in rows
    assert rows[ended_during.pk].values["entry_date"] == D(2025, 11, 3)
    assert rows[ended_during.pk].values["leaving_date"] == D(2025, 11, 28)
    assert rows[open_on_the_day.pk].values["leaving_date"] is None
    # Left after census day: the census does not know it yet.
    assert rows[ends_after.pk].values["leaving_date"] is None


def test_a_row_carries_the_census_items_in_the_data_files_order(cast, programme, spring_census):
    placement = place(cast, programme, starts_on=D(2026, 1, 12))  # Provider P: a UKPRN only
    row = rows_by_placement(spring_census)[placement.pk]
    assert row.values == {
        "urn": "",
        "ukprn": cast.provider.ukprn,
        "setting_type": "",
        "entry_date": D(2026, 1, 12),
        "leaving_date": None,
        "reason": "BEH",
        "attendance_pattern": "FT",
        "sessions": 10,
        "enrolment_status": "C",
    }
    assert row.problems == []


def test_exactly_one_of_urn_ukprn_and_setting_type_is_given(cast, programme, spring_census):
    both = ProviderFactory(name="Both", urn="654321", ukprn="10012345")
    unregistered = OrganisationFactory(name="Farm", kind=OrganisationKind.TRAINING_PROVIDER)
    with_both = place(cast, programme, provider=both, starts_on=D(2026, 1, 12))
    with_neither = place(cast, programme, provider=unregistered, starts_on=D(2026, 1, 12))

    rows = rows_by_placement(spring_census)

    # A URN wins: the UKPRN is then not recorded.
    assert (rows[with_both.pk].values["urn"], rows[with_both.pk].values["ukprn"]) == ("654321", "")
    assert rows[with_both.pk].values["setting_type"] == ""
    # No URN or UKPRN: the setting type the data file gives a training provider.
    values = rows[with_neither.pk].values
    assert (values["urn"], values["ukprn"], values["setting_type"]) == ("", "", "OTH")
    for row in rows.values():
        given = [row.values[k] for k in ("urn", "ukprn", "setting_type") if row.values[k]]
        assert len(given) == 1
        assert not any("2364" in p for p in row.problems)


def test_rule_2364_when_the_setting_has_no_urn_ukprn_or_mapped_setting_type(
    cast, programme, spring_census
):
    # An agency's kind has no setting type in the data file.
    youth_service = OrganisationFactory(name="Youth service", kind=OrganisationKind.AGENCY)
    placement = place(cast, programme, provider=youth_service, starts_on=D(2026, 1, 12))

    row = rows_by_placement(spring_census)[placement.pk]

    assert (row.values["urn"], row.values["ukprn"], row.values["setting_type"]) == ("", "", "")
    assert row.problems == [
        "Rule 2364: Youth service has no URN or UKPRN, and no AP setting type for its kind: "
        "add its URN or UKPRN"
    ]


def test_dual_registration_at_the_academy_is_main_at_the_home_school(cast, year, spring_census):
    refocus = make_programme(year, key="refocus", registration="dual", away_code="D")
    cast.academy.urn = "149999"
    cast.academy.save()
    placement = place(
        cast,
        refocus,
        provider=cast.academy,
        starts_on=D(2026, 1, 5),
        weeks=10,
        days_per_week=Decimal("4"),
    )

    row = rows_by_placement(spring_census)[placement.pk]

    assert row.values["enrolment_status"] == "M"
    assert row.values["urn"] == "149999"
    # Refocus's phase on census day (week 2, assessment) is Tuesday to Friday: 8 sessions.
    assert (row.values["attendance_pattern"], row.values["sessions"]) == ("PT", 8)
    assert row.problems == []


def test_registration_that_contradicts_the_setting_is_a_problem(
    cast, year, programme, spring_census
):
    dual = make_programme(year, key="supported-transfer", registration="dual", away_code="D")
    receiving = SchoolFactory(name="Receiving school")
    single_at_a_school = place(cast, programme, provider=receiving, starts_on=D(2026, 1, 12))
    dual_at_a_provider = place(cast, dual, provider=cast.provider, starts_on=D(2026, 1, 12))

    rows = rows_by_placement(spring_census)

    assert rows[single_at_a_school.pk].problems == [
        "Error 2917: Receiving school is a school, so the student must be dual registered "
        "there (main here, subsidiary there)"
    ]
    assert rows[dual_at_a_provider.pk].values["enrolment_status"] == "M"
    assert rows[dual_at_a_provider.pk].problems == [
        "Dual registered, but Provider P is not a school: only a school, PRU or AP academy "
        "can hold a subsidiary registration"
    ]


def test_dates_reasons_and_upns_that_the_census_would_refuse_are_problems(
    cast, programme, spring_census
):
    backwards = place(cast, programme, starts_on=D(2025, 12, 8), ended_on=D(2025, 12, 1))
    overdue = place(cast, programme, starts_on=D(2025, 11, 3), weeks=2)  # planned 14 Nov
    no_reason = place(cast, programme, starts_on=D(2026, 1, 12), reason="")
    temporary = place(
        cast,
        programme,
        starts_on=D(2026, 1, 12),
        student=StudentFactory(upn="G80120000101A", home_school=cast.school_a),
    )
    part_time = place(
        cast, programme, starts_on=D(2026, 1, 12), days_per_week=Decimal("1"), reason="semh"
    )

    rows = rows_by_placement(spring_census)

    assert rows[backwards.pk].problems == [
        "The leaving date, 1 December 2025, is before the entry date, 8 December 2025"
    ]
    assert rows[overdue.pk].problems == [
        "Planned to end on 14 November 2025, but no leaving date is recorded"
    ]
    assert rows[no_reason.pk].values["reason"] == ""
    assert rows[no_reason.pk].problems == [
        "Rule 2361: no reason for the placement: the application gives none"
    ]
    assert rows[temporary.pk].problems == ["The UPN is temporary: use the student's permanent UPN"]
    assert rows[part_time.pk].values["reason"] == "OTH"
    assert (
        rows[part_time.pk].values["attendance_pattern"],
        rows[part_time.pk].values["sessions"],
    ) == ("PT", 2)
    assert rows[part_time.pk].problems == []


def test_the_list_is_limited_to_the_placements_given(cast, programme, spring_census):
    mine = place(cast, programme, starts_on=D(2026, 1, 12))
    place(cast, programme, school=cast.school_b, starts_on=D(2026, 1, 12))

    rows = rows_by_placement(spring_census, Placement.objects.filter(home_school=cast.school_a))

    assert list(rows) == [mine.pk]


# --- The AP census ------------------------------------------------------------------------


def test_the_ap_census_lists_the_authoritys_placements_open_on_census_day(
    cast, year, programme, ap_census
):
    arranged = make_programme(year, key="section-19", away_code="K")
    arranged_academy = make_programme(year, key="la-academy", registration="dual", away_code="K")
    tuition = OrganisationFactory(name="Tutors", kind=OrganisationKind.TRAINING_PROVIDER)
    at_provider = place(cast, arranged, provider=tuition, starts_on=D(2026, 1, 12))
    place(cast, arranged, provider=tuition, starts_on=D(2026, 1, 5), ended_on=D(2026, 1, 14))
    place(cast, arranged_academy, provider=cast.academy, starts_on=D(2026, 1, 12))
    place(cast, programme, starts_on=D(2026, 1, 12))  # arranged by the school (B)

    rows = rows_by_placement(ap_census)

    assert list(rows) == [at_provider.pk]
    # The authority arranges three; the AP academy returns its own in its school census.
    authority = authority_placements(Placement.objects.all())
    assert sorted(authority.values_list("provider__name", flat=True)) == ["Tutors", "Tutors"]
    assert rows[at_provider.pk].values == {
        "urn": "",
        "ukprn": "",
        "setting_type": "OTH",
        "entry_date": D(2026, 1, 12),
        "leaving_date": None,
        "reason": "BEH",
    }


# --- Speed --------------------------------------------------------------------------------


def test_a_census_list_takes_the_same_queries_at_any_size(cast, year, programme, spring_census):
    refocus = make_programme(year, key="refocus", registration="dual", away_code="D")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            census_rows(census=spring_census, placements=Placement.objects.all())
        return len(captured)

    place(cast, programme, starts_on=D(2026, 1, 12))
    place(cast, refocus, provider=cast.academy, starts_on=D(2026, 1, 5), weeks=10)
    small = queries()
    for n in range(6):
        place(cast, programme, starts_on=D(2025, 11, 3 + n))
        place(
            cast,
            refocus,
            provider=cast.academy,
            starts_on=D(2026, 1, 5),
            weeks=10,
            school=cast.school_b,
        )
    assert len(census_rows(census=spring_census, placements=Placement.objects.all())) == 14
    assert queries() == small == 2
