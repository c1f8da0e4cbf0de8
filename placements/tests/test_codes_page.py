"""The home school's codes for the week, as a page and as CSV."""

import csv
import io

import pytest
from django.urls import reverse

from placements.models import Mark
from placements.tests.factories import MONDAY, WEDNESDAY, at, make_placement, make_programme

URL = reverse("placements:codes") + f"?week={MONDAY.isoformat()}"
CSV = reverse("placements:codes_csv") + f"?week={MONDAY.isoformat()}"


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
    return list(csv.DictReader(io.StringIO(response.content.decode())))


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
    assert "Absent: the setting&#x27;s absence code" in page
    assert "Dual registered" in page
    assert "take your own register" in page


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


def test_a_malformed_week_is_not_found(client, cast):
    client.force_login(cast.alice)
    assert client.get(reverse("placements:codes_csv") + "?week=yesterday").status_code == 404


def test_a_name_that_looks_like_a_formula_is_defused(client, cast, week):
    single, _ = week
    single.student.legal_last_name = "=HYPERLINK(1)"
    single.student.save()
    client.force_login(cast.alice)
    assert {r["Legal surname"] for r in rows(client.get(CSV))} >= {"'=HYPERLINK(1)"}
