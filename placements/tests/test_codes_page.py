"""The home school's codes: a day at a time as a page of 50 students, and a day's or a
week's as a CSV streamed a chunk of placements at a time."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placements import selectors
from placements.models import Mark
from placements.tests.factories import MONDAY, WEDNESDAY, at, make_placement, make_programme
from students.tests.factories import StudentFactory

PAGE = reverse("placements:codes")
URL = PAGE + f"?day={WEDNESDAY.isoformat()}"
CSV = reverse("placements:codes_csv") + f"?week={MONDAY.isoformat()}"
DAY_CSV = reverse("placements:codes_csv") + f"?day={WEDNESDAY.isoformat()}"


@pytest.fixture
def week(cast, programme, year, clock):
    """A single-registered student two days a week at a provider (B), and a Refocus
    student dual registered at the academy (D), both of school A."""
    clock(at(MONDAY.replace(day=19), 9))
    single = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        pattern=["mon_am", "mon_pm", "wed_am", "wed_pm"],
    )
    refocus = make_programme(year, key="refocus", registration="dual", away_code="D")
    dual = make_placement(
        programme=refocus, provider=cast.academy, school=cast.school_a, by=cast.officer, weeks=10
    )
    for session, code in (("am", "/"), ("pm", "\\")):
        Mark.objects.create(
            placement=single,
            date=MONDAY,
            session=session,
            code_id=code,
            recorded_by=cast.provider_staff,
            recorded_at=at(MONDAY, 9),
        )
    Mark.objects.create(
        placement=single,
        date=WEDNESDAY,
        session="am",
        code_id="I",
        recorded_by=cast.provider_staff,
        recorded_at=at(WEDNESDAY, 9),
    )
    return single, dual


def rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_has_each_away_session_with_its_code(client, cast, week):
    single, dual = week
    client.force_login(cast.alice)
    response = client.get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    data = rows(response)
    mine = {(r["Date"], r["Session"], r["Code"]) for r in data if r["UPN"] == single.student.upn}
    assert mine == {
        ("2026-01-12", "AM", "B"),
        ("2026-01-12", "PM", "B"),
        ("2026-01-14", "AM", "I"),  # absent: the provider's code
        ("2026-01-14", "PM", "N"),  # no mark after the register closed
    }
    theirs = [r for r in data if r["UPN"] == dual.student.upn]
    # Refocus: Monday at the home school (left out), Tuesday to Friday D.
    assert {r["Code"] for r in theirs} == {"D"}
    assert len(theirs) == 8


def test_the_page_shows_the_same_codes(client, cast, week):
    client.force_login(cast.alice)
    page = client.get(URL).content.decode()
    assert "Codes to record for Wednesday 14 January 2026" in page
    assert "Absent: the setting&#x27;s absence code" in page
    assert "Dual registered" in page
    # Tuesday: the single-registered student is at school, the Refocus student away.
    tuesday = client.get(PAGE + "?day=2026-01-13").content.decode()
    assert "take your own register" in tuesday


def test_the_page_is_one_day_of_two_sessions(client, cast, week):
    single, dual = week
    client.force_login(cast.alice)
    response = client.get(URL)
    codes = {
        row["placement"].pk: [cell.home.code if cell else None for cell in row["cells"]]
        for row in response.context["table"]
    }
    assert codes == {single.pk: ["I", "N"], dual.pk: ["D", "D"]}


def test_the_day_csv_has_only_that_day(client, cast, week):
    single, dual = week
    client.force_login(cast.alice)
    response = client.get(DAY_CSV)
    assert response["Content-Disposition"] == 'attachment; filename="cap-codes-2026-01-14.csv"'
    data = sorted(
        (r["UPN"], r["Date"], r["Session"], r["Code"], r["Setting"]) for r in rows(response)
    )
    assert data == sorted(
        [
            (single.student.upn, "2026-01-14", "AM", "I", "Provider P"),
            (single.student.upn, "2026-01-14", "PM", "N", "Provider P"),
            (dual.student.upn, "2026-01-14", "AM", "D", "AP Academy"),
            (dual.student.upn, "2026-01-14", "PM", "D", "AP Academy"),
        ]
    )


def test_the_day_defaults_to_today_and_links_the_school_days_either_side(client, cast, week, clock):
    clock(at(dt.date(2026, 2, 13), 9))  # the Friday before half term
    client.force_login(cast.alice)
    response = client.get(PAGE)
    school_day = response.context["school_day"]
    assert (school_day.day, school_day.is_school_day) == (dt.date(2026, 2, 13), True)
    assert school_day.previous == dt.date(2026, 2, 12)
    assert school_day.next == dt.date(2026, 2, 23)  # after half term
    page = response.content.decode()
    assert "Next school day" in page and "Monday 23 February 2026" in page


# A Saturday, a day of half term, a day after the spring term ended.
@pytest.mark.parametrize("day", ["2026-01-17", "2026-02-17", "2026-03-31"])
def test_a_day_that_is_not_a_school_day_says_so(client, cast, week, day):
    client.force_login(cast.alice)
    response = client.get(PAGE + f"?day={day}")
    assert response.status_code == 200
    assert "is not a school day" in response.content.decode()
    assert response.context["table"] == []


def _add_students(cast, programme, n, school=None):
    for _ in range(n):
        make_placement(
            programme=programme,
            provider=cast.provider,
            school=school or cast.school_a,
            by=cast.officer,
        )


def test_the_page_shows_50_students_at_a_time(client, cast, programme, clock):
    clock(at(MONDAY.replace(day=19), 9))
    _add_students(cast, programme, 53)
    client.force_login(cast.alice)
    first = client.get(URL)
    assert len(first.context["table"]) == 50
    assert "53 placed students, page 1 of 2" in first.content.decode()
    second = client.get(URL + "&page=2")
    assert len(second.context["table"]) == 3
    shown = {r["placement"].pk for r in first.context["table"] + second.context["table"]}
    assert len(shown) == 53


def test_the_page_makes_the_same_queries_for_3_students_as_for_60(client, cast, programme, clock):
    clock(at(MONDAY.replace(day=19), 9))
    client.force_login(cast.alice)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL)
        assert response.status_code == 200
        return len(context.captured_queries), len(response.context["table"])

    _add_students(cast, programme, 3)
    _add_students(cast, programme, 2, school=cast.school_b)  # not Alice's
    few, shown = count()
    assert shown == 3
    _add_students(cast, programme, 57)
    many, shown = count()
    assert shown == 50
    assert few == many


def test_the_csv_streams_a_chunk_of_placements_at_a_time(
    client, cast, programme, clock, monkeypatch
):
    """Three queries a chunk (the placements, their phases, their marks) after a fixed few,
    with the chunks following on by name and pk: namesakes are neither lost nor doubled."""
    clock(at(MONDAY.replace(day=19), 9))
    monkeypatch.setattr(selectors, "CODES_CHUNK", 2)
    client.force_login(cast.alice)
    names = [("Smith", "Ann"), ("Smith", "Ann"), ("Smith", "Bea"), ("Jones", "Cy"), ("Ali", "Di")]
    made = []
    for last, first in names:
        student = StudentFactory(
            home_school=cast.school_a, legal_last_name=last, legal_first_name=first
        )
        made.append(
            make_placement(
                programme=programme,
                provider=cast.provider,
                school=cast.school_a,
                by=cast.officer,
                student=student,
                pattern=["wed_am"],
            )
        )

    def download():
        with CaptureQueriesContext(connection) as context:
            response = client.get(DAY_CSV)
            assert isinstance(response, StreamingHttpResponse)
            data = rows(response)
        return len(context.captured_queries), data

    queries, data = download()  # 5 placements: chunks of 2, 2 and 1
    assert [(r["Legal surname"], r["Legal forename"]) for r in data] == sorted(names)
    assert sorted(r["UPN"] for r in data) == sorted(p.student.upn for p in made)
    assert {r["Code"] for r in data} == {"N"}  # Wednesday morning, no mark
    for _ in range(4):  # 9 placements: chunks of 2, 2, 2, 2 and 1
        student = StudentFactory(home_school=cast.school_a)
        make_placement(
            programme=programme,
            provider=cast.provider,
            school=cast.school_a,
            by=cast.officer,
            student=student,
            pattern=["wed_am"],
        )
    more, data = download()
    assert len(data) == 9
    assert more - queries == 2 * 3


def test_another_school_sees_none_of_them(client, cast, week):
    client.force_login(cast.bob)
    assert rows(client.get(CSV)) == []
    single, _ = week
    assert single.student.legal_first_name not in client.get(URL).content.decode()


@pytest.mark.parametrize("who", ["provider_staff", "officer", "outsider"])
def test_only_schools_have_the_codes_page(client, cast, week, who):
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == 403
    assert client.get(CSV).status_code == 403


def test_a_malformed_week_or_day_is_not_found(client, cast):
    client.force_login(cast.alice)
    assert client.get(reverse("placements:codes_csv") + "?week=yesterday").status_code == 404
    assert client.get(reverse("placements:codes_csv") + "?day=2026-02-30").status_code == 404
    assert client.get(PAGE + "?day=tomorrow").status_code == 404
    assert client.get(PAGE + "?day=0001-01-01").status_code == 404


def test_a_name_that_looks_like_a_formula_is_defused(client, cast, week):
    single, _ = week
    single.student.legal_last_name = "=HYPERLINK(1)"
    single.student.save()
    client.force_login(cast.alice)
    assert {r["Legal surname"] for r in rows(client.get(CSV))} >= {"'=HYPERLINK(1)"}
