"""The oversight pages: figures counted by hand, who sees what, downloads and charts."""

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from applications.models import Application, ProviderDeclineReason
from applications.workflow import Status
from dashboards import report
from dashboards.figures import referrals
from dashboards.models import OversightSettings
from dashboards.pages import PAGES
from lib import dates
from placements.models import ExitOutcome, Placement
from placements.tests.factories import at, make_placement, make_programme, make_terms
from programmes.models import Cohort, Programme
from students.tests.factories import StudentFactory

YEAR = "2025-26"


@pytest.fixture
def year(db):
    return make_terms()


@pytest.fixture
def programme(year):
    return make_programme(year)


def referral(cast, programme, *, school=None, status=Status.SUBMITTED, created=None, **fields):
    school = school or cast.school_a
    application = Application.objects.create(
        student=StudentFactory(home_school=school),
        school=school,
        programme=programme,
        created_by=cast.alice,
        status=status,
        **fields,
    )
    if created:
        Application.objects.filter(pk=application.pk).update(created_at=created)
    return application


def figures(client, user, area, key, **query):
    client.force_login(user)
    return client.get(reverse(f"dashboards:{area}_oversight", args=[key]), {"year": YEAR, **query})


def table(response, key) -> report.Table:
    return next(t for t, _ in response.context["tables"] if t.key == key)


def row(t: report.Table, label: str) -> list:
    return next([c.value for c in r] for r in t.cells() if r[0].value == label)


# --- Figures counted by hand ---------------------------------------------------------------


def test_referrals_by_month_count_each_step_in_its_own_month(client, cast, programme):
    referral(cast, programme, status=Status.DRAFT, created=at(dt.date(2025, 11, 3), 10))
    referral(
        cast,
        programme,
        created=at(dt.date(2025, 11, 4), 10),
        submitted_at=at(dt.date(2025, 11, 5), 10),
    )
    referral(
        cast,
        programme,
        status=Status.ACCEPTED,
        created=at(dt.date(2025, 11, 6), 10),
        submitted_at=at(dt.date(2025, 11, 7), 10),
        decided_at=at(dt.date(2025, 12, 1), 10),
    )
    referral(
        cast,
        programme,
        status=Status.DECLINED,
        created=at(dt.date(2025, 12, 2), 10),
        submitted_at=at(dt.date(2025, 12, 3), 10),
        decided_at=at(dt.date(2025, 12, 4), 10),
    )
    referral(
        cast,
        programme,
        status=Status.WITHDRAWN,
        created=at(dt.date(2025, 12, 2), 10),
        submitted_at=at(dt.date(2025, 12, 3), 10),
        status_changed_at=at(dt.date(2026, 1, 8), 10),
    )
    # Outside the year: counted nowhere.
    referral(cast, programme, created=at(dt.date(2025, 8, 1), 10))

    response = figures(client, cast.officer, "casework", "referrals")

    by_month = table(response, "by-month")
    assert row(by_month, "November 2025")[1:] == [3, 2, 0, 0, 0]
    assert row(by_month, "December 2025")[1:] == [2, 2, 1, 1, 0]
    assert row(by_month, "January 2026")[1:] == [0, 0, 0, 0, 1]
    assert by_month.summary == "4 referrals were submitted; the most in November 2025 (2)."
    now = table(response, "now")
    assert row(now, "With CAP")[1:] == [1, 25.0]
    assert row(now, "Declined by CAP")[1:] == [1, 25.0]
    assert row(now, "Withdrawn by the school")[1:] == [1, 25.0]


def test_working_days_to_a_decision_leave_out_christmas(client, cast, programme):
    # Friday 19 December 2025 to Monday 5 January 2026: 22, 23, 24, 29, 30, 31 December and
    # 2 and 5 January, because 25 and 26 December and 1 January are bank holidays.
    for submitted, decided in [
        (dt.date(2025, 12, 19), dt.date(2026, 1, 5)),  # 8
        (dt.date(2025, 12, 1), dt.date(2025, 12, 3)),  # 2
        (dt.date(2025, 12, 10), dt.date(2025, 12, 17)),  # 5
    ]:
        referral(
            cast,
            programme,
            status=Status.ACCEPTED,
            submitted_at=at(submitted, 9),
            decided_at=at(decided, 16),
        )
    placement = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    # Decided Monday 5 January, starting Monday 12 January: 6, 7, 8, 9 and 12 January.
    Application.objects.filter(pk=placement.application_id).update(
        decided_at=at(dt.date(2026, 1, 5), 11), submitted_at=at(dt.date(2026, 1, 2), 9)
    )

    response = figures(client, cast.officer, "casework", "referrals")

    # Decided: 8, 2, 5 and 1 (2 to 5 January); median 2 by nearest rank of four; 90th: 8.
    assert row(table(response, "timeliness"), "Provider route")[1:] == [4, 2, 8, 1, 5, 5]


def test_percentile_is_the_nearest_rank():
    assert referrals.percentile(Counter({2: 1, 5: 1, 8: 1}), 0.5) == 5
    assert referrals.percentile(Counter({2: 1, 5: 1, 8: 1}), 0.9) == 8
    assert referrals.percentile(Counter({1: 9, 30: 1}), 0.9) == 1
    assert referrals.percentile(Counter(), 0.5) is None


def test_the_provider_route_from_packs_to_starts(client, cast, programme):
    sent = at(dt.date(2025, 10, 6), 10)
    referral(cast, programme, status=Status.PACK_SENT, pack_sent_at=sent)
    referral(
        cast, programme, status=Status.INTERVIEW_HELD, pack_sent_at=sent, interview_on=sent.date()
    )
    referral(
        cast,
        programme,
        status=Status.PROVIDER_DECLINED,
        pack_sent_at=sent,
        interview_on=sent.date(),
        provider_decline_reason=ProviderDeclineReason.CAPACITY,
    )
    placement = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    Application.objects.filter(pk=placement.application_id).update(
        pack_sent_at=sent, interview_on=sent.date(), proposed_start_on=placement.starts_on
    )

    response = figures(client, cast.officer, "casework", "provider-route")

    funnel = table(response, "funnel")
    assert [
        r[1] for r in (row(funnel, s) for s in ["Packs sent", "Interviews", "Offers", "Starts"])
    ] == [4, 3, 1, 1]
    assert row(funnel, "Declined by the provider")[1:] == [1, 25.0]
    assert row(table(response, "provider-declines"), "No place is free")[1:] == [1, 100.0]


def test_placements_open_started_ended_and_exits(client, cast, programme):
    open_one = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    ended = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    Placement.objects.filter(pk=ended.pk).update(
        ended_on=dt.date(2026, 2, 6), exit_outcome=ExitOutcome.POST_16
    )
    neet = make_placement(
        programme=programme, provider=cast.academy, school=cast.school_b, by=cast.officer
    )
    Placement.objects.filter(pk=neet.pk).update(
        ended_on=dt.date(2026, 2, 6), exit_outcome=ExitOutcome.NEET
    )
    Placement.objects.filter(pk=open_one.pk).update(planned_end_on=dt.date(2026, 12, 18))

    response = figures(client, cast.officer, "casework", "placements")

    assert row(table(response, "by-programme"), programme.name)[1:] == [1, 3, 2]
    assert row(table(response, "by-setting"), "Provider P")[1:] == [1, 2, 1]
    assert row(table(response, "by-setting"), "AP Academy")[1:] == [0, 1, 1]
    exits = table(response, "exits")
    assert row(exits, ExitOutcome.POST_16.label)[1:] == [1, 50.0]
    assert exits.summary.startswith("Of the 2 placements that ended, 50.0% went on to a post-16")


# --- Who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["referrals", "provider-route", "panels", "places", "placements", "compliance"]
)
def test_the_cap_team_sees_every_casework_page(client, cast, programme, key):
    response = figures(client, cast.manager, "casework", key)
    assert response.status_code == 200
    assert response.context["page"].key == key
    assert response.context["scope"].is_service


def test_the_safeguarding_lead_and_agencies_see_no_figures(client, cast, year):
    assert figures(client, cast.safeguarding, "casework", "referrals").status_code == 404
    assert figures(client, cast.agency_worker, "casework", "referrals").status_code == 403
    assert figures(client, cast.alice, "casework", "referrals").status_code == 403
    assert figures(client, cast.provider_staff, "schools", "referrals").status_code == 403


def test_a_school_that_names_another_school_gets_404_on_pages_and_downloads(
    client, cast, programme
):
    other = str(cast.school_b.uuid)
    assert figures(client, cast.alice, "schools", "referrals", school=other).status_code == 404
    assert (
        figures(
            client, cast.alice, "schools", "referrals", school=other, download="now", format="csv"
        ).status_code
        == 404
    )
    assert figures(client, cast.alice, "schools", "referrals", school="nonsense").status_code == 404
    assert (
        figures(
            client, cast.alice, "schools", "referrals", school=str(cast.school_a.uuid)
        ).status_code
        == 200
    )


def test_a_provider_that_names_another_setting_gets_404(client, cast, programme):
    other = str(cast.academy.uuid)
    response = figures(client, cast.provider_staff, "providers", "placements", provider=other)
    assert response.status_code == 404
    # Pages a provider has no business with are not there at all.
    assert figures(client, cast.provider_staff, "providers", "referrals").status_code == 404


def test_a_school_counts_only_its_own_students_with_small_numbers_withheld(client, cast, programme):
    for _ in range(6):
        referral(cast, programme, submitted_at=at(dt.date(2025, 11, 5), 10))
    referral(cast, programme, school=cast.school_b, submitted_at=at(dt.date(2025, 11, 5), 10))
    referral(
        cast,
        programme,
        status=Status.DECLINED,
        submitted_at=at(dt.date(2025, 11, 5), 10),
        decided_at=at(dt.date(2025, 11, 6), 10),
    )

    response = figures(client, cast.alice, "schools", "referrals")

    now = table(response, "now")
    # One decline: below the threshold of 5, so it and its share are withheld; and so is
    # the only other row with any referral, which with the total would give it away.
    assert row(now, "Declined by CAP") == ["Declined by CAP", "c", "c"]
    assert row(now, "With CAP") == ["With CAP", "c", "c"]
    assert row(now, "With a panel") == ["With a panel", 0, 0.0]
    assert "shown as “c”" in response.content.decode()

    OversightSettings.objects.create(suppress_below=1)
    response = figures(client, cast.alice, "schools", "referrals")
    assert row(table(response, "now"), "Declined by CAP") == ["Declined by CAP", 1, 14.3]

    # The CAP team sees every number, and school B's referral too.
    response = figures(client, cast.officer, "casework", "referrals")
    assert row(table(response, "now"), "With CAP")[1] == 7


def test_a_monitoring_officer_counts_their_caseload(client, cast, programme):
    mine = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
    )
    Placement.objects.filter(pk=mine.pk).update(monitoring_officer=cast.monitoring)
    make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )

    response = figures(client, cast.monitoring, "casework", "placements")

    assert response.status_code == 200
    assert row(table(response, "by-programme"), programme.name)[2] == 1
    assert "caseload of" in response.context["scope"].described()


# --- Lists behind the figures ----------------------------------------------------------------


def test_a_figure_links_to_the_applications_it_counts(client, cast, programme):
    counted = referral(cast, programme, submitted_at=at(dt.date(2025, 11, 5), 10))
    referral(cast, programme, submitted_at=at(dt.date(2025, 12, 5), 10))
    response = figures(client, cast.officer, "casework", "referrals")
    link = row(table(response, "by-month"), "November 2025")
    href = next(c.href for c in table(response, "by-month").cells()[2] if c.value == 1)
    assert "submitted=2025-11" in href
    assert link[2] == 1

    listing = client.get(href)

    assert [i["object"] for i in listing.context["items"]] == [counted]
    assert "submitted in November 2025" in listing.content.decode()
    assert client.get(href.replace("2025-11", "2025-13")).context["items"] == []


def test_a_school_cannot_list_another_schools_placements(client, cast, programme):
    make_placement(
        programme=programme, provider=cast.provider, school=cast.school_b, by=cast.officer
    )
    client.force_login(cast.alice)
    url = reverse("dashboards:schools_placements_behind")
    assert client.get(url, {"year": YEAR, "state": "started"}).context["items"] == []
    assert client.get(url, {"year": YEAR, "school": str(cast.school_b.uuid)}).status_code == 404


# --- Downloads and charts ------------------------------------------------------------------


def test_downloads_carry_what_they_are_when_made_and_the_filters(client, cast, programme):
    referral(cast, programme, submitted_at=at(dt.date(2025, 11, 5), 10))
    response = figures(
        client,
        cast.officer,
        "casework",
        "referrals",
        school=str(cast.school_a.uuid),
        download="now",
        format="csv",
    )
    assert response["Content-Disposition"] == 'attachment; filename="cap-referrals-now-2025-26.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Where the referrals are now – 2025-26, School A"]
    assert lines[1][0].startswith(f"Made {timezone.localdate().day} ")
    header = lines.index(["Stage", "Referrals", "Share"])
    assert lines[header + 1] == ["With CAP", "1", "100.0"]

    response = figures(client, cast.officer, "casework", "referrals", download="now", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Where the referrals are now – 2025-26"
    assert ("With CAP", 1, 100.0) in values
    assert (
        figures(
            client, cast.officer, "casework", "referrals", download="now", format="pdf"
        ).status_code
        == 404
    )
    assert (
        figures(
            client, cast.officer, "casework", "referrals", download="nothing", format="csv"
        ).status_code
        == 404
    )


def test_a_chart_is_inline_svg_with_no_script_or_style_and_a_name():
    t = report.Table(
        key="k",
        caption="Things <by> kind",
        columns=[report.Column("Kind", report.LABEL), report.Column("Number")],
        rows=[["<script>alert(1)</script>", 3], ["B", 5]],
        chart="bar",
        summary="B has most.",
    )
    svg = str(report.chart_svg(t))
    assert svg.startswith("<svg")
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    assert 'role="img"' in svg
    assert 'aria-label="Things &lt;by&gt; kind"' in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


# --- Speed ---------------------------------------------------------------------------------


def _queries(client, user, area, key) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert figures(client, user, area, key).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "key", sorted(k for k in PAGES if k not in ("census", "equalities", "attendance"))
)
def test_a_page_makes_as_many_queries_for_many_as_for_few(client, cast, programme, key):
    def add(n):
        for i in range(n):
            referral(
                cast,
                programme,
                status=Status.ACCEPTED,
                submitted_at=at(dt.date(2025, 11, 3 + i), 10),
                decided_at=at(dt.date(2025, 11, 20 + i), 10),
                pack_sent_at=at(dt.date(2025, 11, 21 + i), 10),
            )
            make_placement(
                programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
            )

    add(1)
    _queries(client, cast.officer, "casework", key)  # settings made on first use
    few = _queries(client, cast.officer, "casework", key)
    add(6)
    assert _queries(client, cast.officer, "casework", key) == few


def test_a_placement_still_open_from_last_years_programme_counts_this_year(client, cast, programme):
    placement = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    Placement.objects.filter(pk=placement.pk).update(planned_end_on=dt.date(2026, 12, 18))
    client.force_login(cast.officer)
    response = client.get(
        reverse("dashboards:casework_oversight", args=["placements"]), {"year": "now"}
    )
    assert row(table(response, "by-setting"), "Provider P")[1:] == [1, 0, 0]


def test_places_taken_in_each_cohort_and_the_year_and_the_waiting_list(client, cast, programme):
    Programme.objects.filter(pk=programme.pk).update(yearly_capacity=75)
    first = Cohort.objects.create(
        programme=programme, name="Cohort 1", starts_on=dt.date(2025, 10, 6), capacity=25
    )
    second = Cohort.objects.create(
        programme=programme, name="Cohort 2", starts_on=dt.date(2026, 1, 5), capacity=25
    )
    for cohort, status in [
        (first, Status.PANEL_APPROVED),
        (first, Status.PLACED),
        (second, Status.START_CONFIRMED),
        (second, Status.WITHDRAWN),  # gave its place back
    ]:
        referral(cast, programme, status=status, cohort=cohort)
    referral(
        cast,
        programme,
        status=Status.WAITING_LIST,
        decided_at=timezone.now() - dt.timedelta(days=10),
    )

    response = figures(client, cast.officer, "casework", "places")

    cohorts = table(response, "cohorts")
    name = programme.name
    assert row(cohorts, f"{name}, Cohort 1")[1:] == [2, 25, 8.0]
    assert row(cohorts, f"{name}, Cohort 2")[1:] == [1, 25, 4.0]
    assert row(cohorts, f"{name}, the whole year")[1:] == [3, 75, 4.0]
    assert row(table(response, "waiting"), name)[1:] == [1, 10]


def test_a_lone_small_row_takes_the_next_smallest_with_it():
    t = report.Table(
        key="k",
        caption="K",
        columns=[
            report.Column("Group", report.LABEL),
            report.Column("N"),
            report.Column("Share", report.RATE),
        ],
        rows=[["A", 2, 10.0], ["B", 8, 40.0], ["C", 10, 50.0], ["None", 0, 0.0]],
        summary="A has 2.",
    )
    shown = report.suppress(t, 5)
    assert [[c.value for c in r] for r in shown.cells()] == [
        ["A", "c", "c"],
        ["B", "c", "c"],
        ["C", 10, 50.0],
        ["None", 0, 0.0],
    ]
    assert "A has 2" not in shown.summary
    assert report.suppress(t, 1) is t


@pytest.mark.parametrize(
    "query",
    [{"tier": "²"}, {"term": "²"}, {"year": "nonsense"}, {"school": "not-a-uuid"}],
)
def test_odd_filters_never_answer_500(client, cast, programme, query):
    assert figures(client, cast.officer, "casework", "referrals", **query).status_code in (200, 404)


@pytest.mark.parametrize(
    "query",
    [{"submitted": "0000-01"}, {"submitted": "9999-12"}, {"cohort": "²"}, {"page": "x"}],
)
def test_odd_lists_behind_a_figure_are_empty_not_500(client, cast, programme, query):
    referral(cast, programme, submitted_at=at(dt.date(2025, 11, 5), 10))
    client.force_login(cast.officer)
    response = client.get(reverse("dashboards:casework_behind"), {"year": YEAR, **query})
    assert response.status_code == 200
    if "page" not in query:
        assert response.context["items"] == []


def test_a_download_never_carries_a_formula(client, cast, programme):
    setting = cast.provider
    setting.name = '=HYPERLINK("http://evil.example")\x07'
    setting.save()
    make_placement(programme=programme, provider=setting, school=cast.school_a, by=cast.officer)

    def download(fmt):
        return figures(
            client, cast.officer, "casework", "placements", download="by-setting", format=fmt
        ).content

    text = download("csv").decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert "\x07" not in text
    sheet = load_workbook(io.BytesIO(download("xlsx"))).active
    values = [v for r in sheet.iter_rows(values_only=True) for v in r]
    assert '\'=HYPERLINK("http://evil.example")' in values


@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2025, 8, 1), dt.date(2027, 8, 31)),
            st.dates(dt.date(2025, 8, 1), dt.date(2027, 8, 31)),
            st.integers(1, 3),
        ),
        max_size=20,
    )
)
def test_working_days_counted_together_match_one_at_a_time(pairs):
    expected = Counter()
    for a, b, n in pairs:
        expected[max(0, dates.working_days_between(a, b))] += n
    assert referrals._working_days(pairs) == expected
