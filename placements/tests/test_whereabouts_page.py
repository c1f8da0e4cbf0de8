"""The whereabouts page, for the CAP team and for a school: the counts, the exceptions
first, pages of 50 and filters, at any number of students."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import member
from placements.models import Alert, Mark
from placements.tests.factories import WEDNESDAY, at, make_placement, make_programme

CLOSES = at(WEDNESDAY, 9, 15)  # the morning register closes
CASEWORK = reverse("placements:casework_whereabouts")
SCHOOLS = reverse("placements:schools_whereabouts")


def _mark(cast, placement, code):
    Mark.objects.create(
        placement=placement,
        date=WEDNESDAY,
        session="am",
        code_id=code,
        recorded_by=cast.provider_staff,
        recorded_at=at(WEDNESDAY, 9),
    )


@pytest.fixture
def day(cast, year, programme, clock):
    """Wednesday morning after the register closed, at School A's and School B's settings:
    one student each with no mark, absent, present, present after an alert, and at home."""
    clock(CLOSES)
    short = make_programme(year, key="short-course")
    watcher = member(cast.la, Role.MONITORING_OFFICER, full_name="Wanda Watcher")

    def place(name, **extra):
        extra.setdefault("school", cast.school_a)
        extra.setdefault("provider", cast.provider)
        extra.setdefault("programme", programme)
        placement = make_placement(by=cast.officer, **extra)
        placement.student.legal_last_name = name
        placement.student.save()
        return placement

    day = SimpleNamespace(
        missing=place("Missing", monitoring_officer=watcher),
        absent=place("Absent"),
        present=place("Present", programme=short),
        alerted=place("Alerted"),
        home=place("Home", pattern=["mon_am", "mon_pm"]),
        other=place("Other", school=cast.school_b, provider=cast.academy),
        watcher=watcher,
        short=short,
    )
    _mark(cast, day.absent, "O")
    _mark(cast, day.present, "/")
    _mark(cast, day.alerted, "L")
    Alert.objects.create(
        placement=day.alerted,
        date=WEDNESDAY,
        session="am",
        kind="missing",
        raised_at=CLOSES,
        resolved_at=CLOSES + dt.timedelta(minutes=5),
    )
    return day


def _names(response) -> list[str]:
    return [row.student.legal_last_name for row in response.context["rows"]]


def test_it_counts_by_status_and_lists_the_exceptions_first(client, cast, day):
    client.force_login(cast.officer)
    response = client.get(CASEWORK)
    assert response.status_code == 200
    assert response.context["counts"] == {
        "missing": 2,
        "absent": 1,
        "waiting": 0,
        "marked": 2,
        "home": 1,
    }
    assert response.context["exceptions"] == 4
    assert _names(response)[:4] == ["Missing", "Other", "Absent", "Alerted"]
    assert sorted(_names(response)[4:]) == ["Home", "Present"]
    page = response.content.decode()
    assert "4 to follow up" in page
    assert "Alert raised" in page
    assert "9:15am" in page  # when the register closes, the GOV.UK way
    missing = response.context["rows"][0]
    assert (missing.home.code, missing.where) == ("N", "setting")  # the home school's code


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"status": "exceptions"}, ["Missing", "Other", "Absent", "Alerted"]),
        ({"status": "missing"}, ["Missing", "Other"]),
        ({"status": "absent"}, ["Absent"]),
        ({"status": "marked"}, ["Alerted", "Present"]),
        ({"status": "home"}, ["Home"]),
        ({"status": "waiting"}, []),
        ({"setting": "academy"}, ["Other"]),
        ({"setting": "%"}, []),  # a wildcard is a character like any other
        ({"school": "school b"}, ["Other"]),
        ({"programme": "short-course"}, ["Present"]),
        ({"status": "marked", "programme": "work-based-learning"}, ["Alerted"]),
    ],
)
def test_the_filters_narrow_the_list_and_its_counts(client, cast, day, query, names):
    client.force_login(cast.officer)
    response = client.get(CASEWORK, query)
    assert response.status_code == 200
    assert sorted(_names(response)) == sorted(names)
    if "status" not in query:
        assert response.context["total"] == len(names)


def test_the_officer_filter_lists_the_officers_of_todays_students(client, cast, day):
    client.force_login(cast.officer)
    response = client.get(CASEWORK)
    officers = response.context["filter_form"].fields["officer"].choices
    assert officers == [("", "All"), (str(day.watcher.uuid), "Wanda Watcher")]
    programmes = response.context["filter_form"].fields["programme"].choices
    assert [key for key, _ in programmes] == ["", "short-course", "work-based-learning"]
    response = client.get(CASEWORK, {"officer": str(day.watcher.uuid)})
    assert _names(response) == ["Missing"]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"officer": "not-a-uuid"},
        {"officer": str(uuid.uuid4())},
        {"programme": "no-such-programme"},
        {"session": "evening"},
        {"setting": "x" * 101},
    ],
)
def test_a_filter_it_does_not_offer_is_not_a_page(client, cast, day, query):
    client.force_login(cast.officer)
    assert client.get(CASEWORK, query).status_code == 404


@pytest.mark.parametrize("number", ["abc", "0", "99"])
def test_a_page_that_is_not_there_shows_one_that_is(client, cast, day, number):
    client.force_login(cast.officer)
    response = client.get(CASEWORK, {"page": number})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 6


def test_it_pages_fifty_at_a_time_keeping_the_filters(client, cast, programme, clock):
    clock(CLOSES)
    for _ in range(53):
        make_placement(
            programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
        )
    client.force_login(cast.officer)
    response = client.get(CASEWORK, {"setting": "Provider", "session": "am"})
    assert len(response.context["rows"]) == 50
    page = response.content.decode()
    assert "page 1 of 2" in page
    assert 'href="?setting=Provider&amp;session=am&amp;page=2"' in page
    response = client.get(CASEWORK, {"setting": "Provider", "session": "am", "page": "2"})
    assert len(response.context["rows"]) == 3


def test_a_school_sees_only_its_own_students_and_no_school_filter(client, cast, day):
    client.force_login(cast.alice)
    response = client.get(SCHOOLS)
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Absent", "Alerted", "Home", "Missing", "Present"]
    assert "school" not in response.context["filter_form"].fields
    # A school named in the address changes nothing: the page is the school's own.
    assert sorted(_names(client.get(SCHOOLS, {"school": "School B"}))) == sorted(_names(response))
    client.force_login(cast.bob)
    response = client.get(SCHOOLS)
    assert _names(response) == ["Other"]
    assert response.context["filter_form"].fields["officer"].choices == [("", "All")]
    assert str(day.missing.uuid) not in response.content.decode()
    assert str(day.other.uuid) in response.content.decode()


def test_the_afternoon_link_keeps_the_filters(client, cast, day):
    client.force_login(cast.officer)
    page = client.get(CASEWORK, {"setting": "Provider"}).content.decode()
    assert 'href="?setting=Provider&amp;session=pm"' in page


@pytest.mark.parametrize(
    ("who", "url", "query"),
    [
        ("officer", CASEWORK, {}),
        ("officer", CASEWORK, {"status": "exceptions", "setting": "P", "school": "School"}),
        ("alice", SCHOOLS, {"status": "missing"}),
    ],
)
def test_the_page_makes_the_same_queries_for_6_students_as_for_60(
    client, cast, day, programme, who, url, query
):
    client.force_login(getattr(cast, who))

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, query)
        assert response.status_code == 200
        assert len(response.context["rows"]) <= 50
        return len(context.captured_queries), response.context["total"]

    few, total_few = count()
    for n in range(54):
        make_placement(
            programme=programme,
            provider=cast.provider,
            school=cast.school_a,
            by=cast.officer,
            monitoring_officer=day.watcher if n % 2 else None,
        )
    many, total_many = count()
    assert total_many > total_few
    assert few == many
