"""The equalities figures against hand-counted fixtures.

Six referrals in 2025-26 (five from School A, one from School B), a draft, one submitted
the minute before the year began, and three placements (two starting in the year). School A
unless B; LA is looked after; born gives the year group on 1 September 2025. Each referral
but S4 (waiting) and S6 (withdrawn first) was decided the day after it was submitted; S5,
accepted by CAP and then declined by the provider, counts as approved:

| who | sex | eth  | SEN | FSM | LA  | plan | born       | yr | submitted        | status            | starts     |
|-----|-----|------|-----|-----|-----|------|------------|----|------------------|-------------------|------------|
| S1  | F   | WBRI | N   | yes | no  | none | 2013-10-01 | 7  | 2026-01-06       | placed            | 2026-01-12 |
| S2  | F   | BCRB | K   | yes | yes | CIN  | 2012-01-15 | 9  | 2025-10-01       | declined          |            |
| S3  | M   | WBRI | E   | no  | no  | CP   | 2011-06-30 | 10 | 2025-11-05       | panel_approved    |            |
| S4  | M   | APKN | N   | no  | no  | none | 2010-09-01 | 10 | 2025-12-01       | submitted         |            |
| S5  | M   | WBRI | K   | yes | no  | none | 2014-09-01 | 6  | 2025-09-01 00:05 | provider_declined |            |
| S6 B| F   | WBRI | N   | no  | no  | none | 2009-12-01 | 11 | 2026-04-20       | withdrawn         |            |
| S7  | M   |      |     |     |     |      |            |    | (a draft)        | draft             |            |
| S8  | M   |      |     |     |     |      |            |    | 2025-08-31 23:30 | accepted          |            |
| S9  | M   | WBRI | N   | no  | no  | none | 2012-10-01 | 8  | (none)           | placed            | 2026-02-02 |
| S10 | F   |      |     |     |     |      |            |    | (none)           | placed            | 2026-09-07 |
"""  # noqa: E501

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.rules import Area
from applications.models import Application
from dashboards import report, selectors, services
from dashboards.figures.equalities import equalities_tables
from dashboards.models import PopulationCount, PopulationUpload
from dashboards.pages import PAGES
from dashboards.scope import Scope, scope_for
from placements.services import placement_create
from placements.tests.factories import at, make_placement, make_programme, make_terms
from students.tests.factories import StudentFactory

C = report.SUPPRESSED


def _student(school, **fields):
    return StudentFactory(home_school=school, **fields)


def _referral(cast, student, *, submitted, status, programme, starts_on=None):
    application = Application.objects.create(
        student=student,
        school=student.home_school,
        programme=programme,
        created_by=cast.alice,
        status=status,
        submitted_at=submitted,
        # Decided the day after submission, unless still waiting or withdrawn before.
        decided_at=submitted + dt.timedelta(days=1)
        if submitted and status not in ("submitted", "withdrawn", "draft")
        else None,
    )
    if starts_on:
        placement_create(
            application=application,
            provider=cast.provider,
            starts_on=starts_on,
            planned_end_on=starts_on + dt.timedelta(weeks=6),
            days_per_week=5,
            by=cast.officer,
        )
    return application


@pytest.fixture
def year(db):
    return make_terms()


@pytest.fixture
def cases(cast, year):
    programme = make_programme(year)
    a, b = cast.school_a, cast.school_b
    plain = {
        "sen_provision": "N",
        "free_school_meals": False,
        "looked_after": False,
        "care_plan": "none",
    }
    s1 = _student(
        a,
        sex="F",
        ethnicity="WBRI",
        **{**plain, "free_school_meals": True},
        date_of_birth=dt.date(2013, 10, 1),
    )
    s2 = _student(
        a,
        sex="F",
        ethnicity="BCRB",
        sen_provision="K",
        free_school_meals=True,
        looked_after=True,
        care_plan="child_in_need",
        date_of_birth=dt.date(2012, 1, 15),
    )
    s3 = _student(
        a,
        sex="M",
        ethnicity="WBRI",
        sen_provision="E",
        free_school_meals=False,
        looked_after=False,
        care_plan="child_protection",
        date_of_birth=dt.date(2011, 6, 30),
    )
    s4 = _student(a, sex="M", ethnicity="APKN", **plain, date_of_birth=dt.date(2010, 9, 1))
    s5 = _student(
        a,
        sex="M",
        ethnicity="WBRI",
        **{**plain, "sen_provision": "K", "free_school_meals": True},
        date_of_birth=dt.date(2014, 9, 1),
    )
    s6 = _student(b, sex="F", ethnicity="WBRI", **plain, date_of_birth=dt.date(2009, 12, 1))
    referral = {"programme": programme}
    _referral(
        cast,
        s1,
        submitted=at(dt.date(2026, 1, 6), 10),
        status="placed",
        starts_on=dt.date(2026, 1, 12),
        **referral,
    )
    _referral(cast, s2, submitted=at(dt.date(2025, 10, 1), 9), status="declined", **referral)
    _referral(cast, s3, submitted=at(dt.date(2025, 11, 5), 9), status="panel_approved", **referral)
    _referral(cast, s4, submitted=at(dt.date(2025, 12, 1), 9), status="submitted", **referral)
    _referral(
        cast, s5, submitted=at(dt.date(2025, 9, 1), 0, 5), status="provider_declined", **referral
    )
    _referral(cast, s6, submitted=at(dt.date(2026, 4, 20), 9), status="withdrawn", **referral)
    _referral(cast, _student(a, sex="M"), submitted=None, status="draft", **referral)
    _referral(
        cast,
        _student(a, sex="M"),
        submitted=at(dt.date(2025, 8, 31), 23, 30),
        status="accepted",
        **referral,
    )
    s9 = _student(a, sex="M", ethnicity="WBRI", **plain, date_of_birth=dt.date(2012, 10, 1))
    make_placement(
        programme=programme,
        provider=cast.provider,
        school=a,
        by=cast.officer,
        student=s9,
        starts_on=dt.date(2026, 2, 2),
    )
    make_placement(
        programme=programme,
        provider=cast.provider,
        school=a,
        by=cast.officer,
        student=_student(a, sex="F"),
        starts_on=dt.date(2026, 9, 7),
    )
    return programme


def load_population(cast, year, rows):
    """Counts as the CAP manager's upload leaves them: {(school, characteristic, value): n}."""
    upload = PopulationUpload.objects.create(
        year=year, filename="census.csv", rows=len(rows), schools=2, uploaded_by=cast.manager
    )
    PopulationCount.objects.bulk_create(
        PopulationCount(year=year, school=school, characteristic=c, value=v, count=n, upload=upload)
        for (school, c, v), n in rows.items()
    )


def service(cast, year, **filters) -> Scope:
    return Scope(area=Area.CASEWORK, user=cast.manager, year=year, **filters)


def school_scope(cast, year, user=None) -> Scope:
    user = user or cast.alice
    request = RequestFactory().get("/schools/figures/equalities/", {"year": year.name})
    request.user = user
    return scope_for(request, Area.SCHOOLS)


def tables(scope) -> dict[str, report.Table]:
    return {t.key: t for t in equalities_tables(scope)}


def rows(table: report.Table) -> dict[str, list]:
    """Each group's row without its label."""
    return {row[0].value: [c.value for c in row[1:]] for row in table.cells()}


#                 referrals, share, decisions, approved, placements, share, comparator share
def test_the_totals_count_the_window_s_submitted_referrals_and_started_placements(
    cast, year, cases
):
    t = tables(service(cast, year))["equalities-all"]
    # S1-S6; decided S1, S2, S3, S5; approved S1, S3; placements S1 and S9.
    assert rows(t) == {"All": [6, 4, 75.0, 2]}


def test_sex(cast, year, cases):
    assert rows(tables(service(cast, year))["equalities-sex"]) == {
        "Female": [3, 50.0, 2, 50.0, 1, 50.0, 50.0],
        "Male": [3, 50.0, 2, 100.0, 1, 50.0, 50.0],
        "Unknown": [0, 0.0, 0, None, 0, 0.0, 0.0],
    }


def test_ethnicity(cast, year, cases):
    found = rows(tables(service(cast, year))["equalities-ethnicity"])
    assert found["White British"] == [4, 66.7, 3, 100.0, 2, 100.0, 66.7]
    assert found["Black Caribbean"] == [1, 16.7, 1, 0.0, 0, 0.0, 16.7]
    assert found["Pakistani"] == [1, 16.7, 0, None, 0, 0.0, 16.7]
    # Every census group is listed, counted or not, in the census order.
    assert len(found) == 20 and next(iter(found)) == "White British"
    assert found["Chinese"] == [0, 0.0, 0, None, 0, 0.0, 0.0]


def test_sen_provision(cast, year, cases):
    assert rows(tables(service(cast, year))["equalities-sen-provision"]) == {
        "No special educational needs": [3, 50.0, 1, 100.0, 2, 100.0, 50.0],
        "SEN support": [2, 33.3, 2, 50.0, 0, 0.0, 33.3],
        "Education, health and care (EHC) plan": [1, 16.7, 1, 100.0, 0, 0.0, 16.7],
    }


def test_free_school_meals(cast, year, cases):
    assert rows(tables(service(cast, year))["equalities-free-school-meals"]) == {
        "Eligible for free school meals": [3, 50.0, 3, 66.7, 1, 50.0, 50.0],
        "Not eligible for free school meals": [3, 50.0, 1, 100.0, 1, 50.0, 50.0],
    }


def test_looked_after(cast, year, cases):
    assert rows(tables(service(cast, year))["equalities-looked-after"]) == {
        "Looked after": [1, 16.7, 1, 0.0, 0, 0.0, 16.7],
        "Not looked after": [5, 83.3, 3, 100.0, 2, 100.0, 83.3],
    }


def test_child_protection_or_child_in_need_plan(cast, year, cases):
    assert rows(tables(service(cast, year))["equalities-care-plan"]) == {
        "No plan": [4, 66.7, 2, 100.0, 2, 100.0, 66.7],
        "Child in need plan": [1, 16.7, 1, 0.0, 0, 0.0, 16.7],
        "Child protection plan": [1, 16.7, 1, 100.0, 0, 0.0, 16.7],
    }


def test_year_group_is_the_student_s_on_the_window_s_first_day(cast, year, cases):
    assert rows(tables(service(cast, year))["equalities-year-group"]) == {
        "Year 7": [1, 16.7, 1, 100.0, 1, 50.0, 16.7],
        "Year 8": [0, 0.0, 0, None, 1, 50.0, 0.0],
        "Year 9": [1, 16.7, 1, 0.0, 0, 0.0, 16.7],
        "Year 10": [2, 33.3, 1, 100.0, 0, 0.0, 33.3],
        "Year 11": [1, 16.7, 0, None, 0, 0.0, 16.7],
        # S5, born 1 September 2014, was in Year 6 on 1 September 2025.
        "Other year group": [1, 16.7, 1, 100.0, 0, 0.0, 16.7],
    }


def test_a_term_counts_only_what_happened_in_it(cast, year, cases):
    spring = year.terms.get(name="Spring")
    found = tables(service(cast, year, term=spring))
    # Only S1 was submitted in spring; S1 and S9 started in it.
    assert rows(found["equalities-all"]) == {"All": [1, 1, 100.0, 2]}
    assert rows(found["equalities-sex"])["Male"] == [0, 0.0, 0, None, 1, 50.0, 0.0]


def test_without_a_population_the_comparator_is_all_referrals(cast, year, cases):
    for table in equalities_tables(service(cast, year))[1:]:
        assert table.column("Comparator share") == table.column("Share of referrals")
        assert "Comparator: all referrals in the period" in table.note
        assert "2025-26" in table.note


def test_a_loaded_population_is_the_comparator_characteristic_by_characteristic(cast, year, cases):
    a, b = cast.school_a, cast.school_b
    load_population(
        cast,
        year,
        {
            (a, "sex", "F"): 100,
            (a, "sex", "M"): 100,
            (b, "sex", "F"): 50,
            (b, "sex", "M"): 150,
            (a, "ethnicity", "WBRI"): 150,
            (a, "ethnicity", "BCRB"): 30,
            (a, "ethnicity", "APKN"): 20,
        },
    )
    found = tables(service(cast, year))
    # Both schools: 150 girls and 250 boys of 400.
    assert found["equalities-sex"].column("Comparator share") == [37.5, 62.5, 0.0]
    assert "secondary population of 2 schools" in found["equalities-sex"].note
    ethnicity = rows(found["equalities-ethnicity"])
    assert ethnicity["White British"][-1] == 75.0
    assert ethnicity["Black Caribbean"][-1] == 15.0
    assert ethnicity["Pakistani"][-1] == 10.0
    assert ethnicity["Chinese"][-1] == 0.0
    # Nothing loaded for SEN provision: compared with referrals, and the note says so.
    sen = found["equalities-sen-provision"]
    assert sen.column("Comparator share") == sen.column("Share of referrals")
    assert "no secondary population by SEN provision is loaded" in sen.note


def test_a_population_loaded_for_another_year_is_not_the_comparator(cast, year, cases):
    other = year.__class__.objects.create(
        name="2024-25", starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31)
    )
    load_population(cast, other, {(cast.school_a, "sex", "F"): 10})
    sex = tables(service(cast, year))["equalities-sex"]
    assert sex.column("Comparator share") == sex.column("Share of referrals")


def test_a_school_counts_its_own_referrals_against_its_own_population(cast, year, cases):
    a, b = cast.school_a, cast.school_b
    load_population(
        cast,
        year,
        {(a, "sex", "F"): 30, (a, "sex", "M"): 70, (b, "sex", "F"): 500, (b, "sex", "M"): 0},
    )
    found = tables(school_scope(cast, year))
    # S1-S5 are School A's; S6 is School B's.
    assert rows(found["equalities-all"]) == {"All": [5, 4, 75.0, 2]}
    sex = rows(found["equalities-sex"])
    assert sex["Female"] == [2, 40.0, 2, 50.0, 1, 50.0, 30.0]
    assert sex["Male"] == [3, 60.0, 2, 100.0, 1, 50.0, 70.0]
    assert "secondary population of 1 school," in found["equalities-sex"].note
    # And Bob sees School B's single referral only.
    assert rows(tables(school_scope(cast, year, cast.bob))["equalities-all"]) == {
        "All": [1, 0, None, 0]
    }


def test_a_monitoring_officer_s_caseload_is_compared_with_its_referrals(cast, year, cases):
    load_population(cast, year, {(cast.school_a, "sex", "F"): 30})
    caseload = Scope(
        area=Area.CASEWORK, user=cast.monitoring, year=year, caseload_of=cast.monitoring
    )
    sex = tables(caseload)["equalities-sex"]
    assert sex.column("Comparator share") == sex.column("Share of referrals")
    assert "Comparator: all referrals in the period" in sex.note


def test_a_school_user_cannot_ask_for_another_school_s_figures(cast, year, cases):
    request = RequestFactory().get(
        "/schools/figures/equalities/", {"year": year.name, "school": str(cast.school_b.uuid)}
    )
    request.user = cast.alice
    with pytest.raises(Http404):
        scope_for(request, Area.SCHOOLS)


def test_a_school_s_page_withholds_counts_under_the_manager_s_threshold(cast, year, cases):
    assert selectors.threshold() == 5  # Nothing set: the default.
    services.oversight_threshold_set(suppress_below=3, by=cast.manager)
    assert selectors.threshold() == 3
    scope = school_scope(cast, year)
    assert scope.suppress
    sex = report.suppress(tables(scope)["equalities-sex"], selectors.threshold())
    shown = {row[0].value: [c.value for c in row[1:]] for row in sex.cells()}
    # Female: 2 referrals, 2 decisions, 1 placement: all under 3, with the row's rates.
    assert shown["Female"] == [C, C, C, C, C, C, C]
    # Male: 2 decisions and 1 placement are under 3, so the row is withheld whole: its 3
    # referrals less the total would give them away.
    assert shown["Male"] == [C, C, C, C, C, C, C]
    # Zero is not withheld.
    assert shown["Unknown"][0] == 0


def test_the_page_is_registered_for_the_cap_team_and_schools(cast, year, cases):
    equalities = PAGES["equalities"]
    assert equalities.areas == (Area.CASEWORK, Area.SCHOOLS)
    assert equalities.order == 80
    assert [t.key for t in equalities.tables(service(cast, year))][:2] == [
        "equalities-all",
        "equalities-sex",
    ]


def _more(cast, year, programme, n):
    for i in range(n):
        student = _student(cast.school_a, sex="F" if i % 2 else "M", ethnicity="AIND")
        _referral(
            cast,
            student,
            submitted=at(dt.date(2025, 10, 6), 9),
            status="accepted",
            programme=programme,
            starts_on=dt.date(2025, 11, 3) if i % 3 else None,
        )


def test_the_number_of_queries_does_not_grow_with_the_data(cast, year, cases):
    load_population(cast, year, {(cast.school_a, "sex", "F"): 10})
    scope = service(cast, year)
    _more(cast, year, cases, 3)
    with CaptureQueriesContext(connection) as small:
        before = equalities_tables(scope)
    _more(cast, year, cases, 30)
    with CaptureQueriesContext(connection) as large:
        after = equalities_tables(scope)
    assert rows(before[0])["All"][0] == 9 and rows(after[0])["All"][0] == 39
    # One GROUP BY of applications and one of placements, by every characteristic at once,
    # and two of the population.
    assert len(small) == len(large) == 4
