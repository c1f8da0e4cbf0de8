"""Registers: a setting records marks for the sessions a student is expected, in one
submit; corrections and late entries keep their history; bad input saves nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from placements import selectors, services
from placements.models import Mark, MarkChange
from placements.tests.factories import MONDAY, WEDNESDAY, at, make_placement

FRIDAY = MONDAY + dt.timedelta(days=4)


def register_url(setting, monday=MONDAY, area="providers"):
    return reverse(f"placements:{area}_register", args=[setting.uuid, monday.isoformat()])


def cell(placement, day, session):
    return f"m-{placement.uuid}-{day.isoformat()}-{session}"


def post_marks(client, setting, marks: dict, shown: dict | None = None):
    data = dict(marks)
    for name in marks:
        data["s" + name[1:]] = (shown or {}).get(name, "")
    return client.post(register_url(setting), data)


@pytest.fixture
def after_the_week(clock):
    return clock(at(FRIDAY + dt.timedelta(days=3), 9))  # the Monday after


def test_it_saves_a_weeks_marks_in_one_submit(client, cast, placement, after_the_week):
    client.force_login(cast.provider_staff)
    marks = {
        cell(placement, MONDAY + dt.timedelta(days=d), s): "/"
        for d in range(5)
        for s in ("am", "pm")
    }
    marks[cell(placement, WEDNESDAY, "am")] = "i"
    response = post_marks(client, cast.provider, marks)
    assert response.status_code == 302
    saved = {(m.date, m.session): m.code_id for m in Mark.objects.filter(placement=placement)}
    assert len(saved) == 10
    assert saved[(MONDAY, "am")] == "/"
    assert saved[(MONDAY, "pm")] == "\\"  # "/" typed in the afternoon is the afternoon mark
    assert saved[(WEDNESDAY, "am")] == "I"
    assert MarkChange.objects.filter(mark__placement=placement).count() == 10
    assert all(c.late for c in MarkChange.objects.all())  # entered after each register closed
    assert Event.objects.filter(action="register.saved").count() == 1


def test_a_correction_keeps_who_when_and_what_it_was(client, cast, placement, clock):
    clock(at(MONDAY, 9))
    client.force_login(cast.provider_staff)
    name = cell(placement, MONDAY, "am")
    post_marks(client, cast.provider, {name: "/"})
    first = MarkChange.objects.get()
    assert first.previous_code == "" and first.late is False
    clock(at(MONDAY, 11))
    response = post_marks(client, cast.provider, {name: "M"}, shown={name: "/"})
    assert response.status_code == 302
    mark = Mark.objects.get()
    assert mark.code_id == "M"
    changes = list(mark.changes.order_by("changed_at"))
    assert [(c.previous_code, c.code, c.late) for c in changes] == [
        ("", "/", False),
        ("/", "M", True),
    ]
    assert changes[1].changed_by == cast.provider_staff


def test_a_register_posted_twice_saves_once(client, cast, placement, after_the_week):
    client.force_login(cast.provider_staff)
    marks = {cell(placement, MONDAY, "am"): "/"}
    post_marks(client, cast.provider, marks)
    response = post_marks(client, cast.provider, marks)  # the same form sent again
    assert response.status_code == 302
    assert MarkChange.objects.count() == 1


def test_a_mark_changed_by_someone_else_meanwhile_is_refused(
    client, cast, placement, after_the_week
):
    client.force_login(cast.provider_staff)
    name = cell(placement, MONDAY, "am")
    post_marks(client, cast.provider, {name: "/"})
    # A second person, who opened the register before that mark, types another.
    response = post_marks(client, cast.provider, {name: "I", cell(placement, MONDAY, "pm"): "/"})
    assert response.status_code == 400
    assert "someone else recorded /" in response.content.decode()
    assert Mark.objects.get().code_id == "/"
    assert Mark.objects.count() == 1  # nothing half-saved


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XX", "“XX” is not a code a setting can record"),
        ("D", "“D” is not a code a setting can record"),
        ("K", "“K” is not a code a setting can record"),
    ],
)
def test_a_code_that_does_not_exist_or_is_not_the_settings_is_refused(
    client, cast, placement, after_the_week, code, message
):
    client.force_login(cast.provider_staff)
    response = post_marks(
        client,
        cast.provider,
        {cell(placement, MONDAY, "pm"): "/", cell(placement, MONDAY, "am"): code},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Mark.objects.exists()


def test_a_session_in_the_future_is_refused(client, cast, placement, clock):
    clock(at(WEDNESDAY, 10))
    client.force_login(cast.provider_staff)
    response = post_marks(
        client,
        cast.provider,
        {cell(placement, MONDAY, "am"): "/", cell(placement, WEDNESDAY, "pm"): "/"},
    )
    assert response.status_code == 400
    assert "the session has not started yet" in response.content.decode()
    assert not Mark.objects.exists()


def test_a_session_the_student_is_not_expected_is_refused(client, cast, programme, after_the_week):
    # Mondays only: Tuesday is at the home school.
    placement = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        pattern=["mon_am", "mon_pm"],
    )
    client.force_login(cast.provider_staff)
    response = post_marks(
        client,
        cast.provider,
        {
            cell(placement, MONDAY, "am"): "/",
            cell(placement, MONDAY + dt.timedelta(days=1), "am"): "/",
        },
    )
    assert response.status_code == 400
    assert "not expected at this setting" in response.content.decode()
    assert not Mark.objects.exists()


def test_the_service_refuses_a_session_not_expected(cast, programme, after_the_week):
    placement = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        pattern=["mon_am"],
    )
    calendar = selectors.calendar_for(MONDAY, FRIDAY)
    with pytest.raises(services.RegisterRefused) as refused:
        services.register_save(
            entries=[services.Entry(placement, MONDAY, "pm", "/", "")],
            calendar=calendar,
            by=cast.provider_staff,
        )
    assert "not expected at the setting" in refused.value.problems[0]


def test_the_register_shows_only_the_settings_students(
    client, cast, placement, programme, after_the_week
):
    elsewhere = make_placement(
        programme=programme, provider=cast.academy, school=cast.school_b, by=cast.officer
    )
    client.force_login(cast.provider_staff)
    page = client.get(register_url(cast.provider)).content.decode()
    assert placement.student.legal_first_name in page
    assert elsewhere.student.legal_first_name not in page


@pytest.mark.parametrize("who", ["alice", "bob", "officer", "academy_staff", "outsider"])
def test_another_setting_or_nobody_cannot_open_the_register(client, cast, placement, who):
    client.force_login(getattr(cast, who))
    assert client.get(register_url(cast.provider)).status_code in (403, 404)
    assert client.post(register_url(cast.provider), {}).status_code in (403, 404)


def test_a_malformed_week_is_not_found(client, cast, placement):
    client.force_login(cast.provider_staff)
    url = reverse("placements:providers_register", args=[cast.provider.uuid, "2026-13-45"])
    assert client.get(url).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_register_makes_the_same_queries_for_10_students_as_for_300(
    client, cast, programme, after_the_week
):
    client.force_login(cast.provider_staff)

    def add(n):
        for _ in range(n):
            p = make_placement(
                programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
            )
            Mark.objects.create(
                placement=p,
                date=MONDAY,
                session="am",
                code_id="/",
                recorded_by=cast.provider_staff,
                recorded_at=at(MONDAY, 9),
            )

    add(10)
    few = _queries(client, register_url(cast.provider))
    add(290)
    many = _queries(client, register_url(cast.provider))
    assert few == many


def test_a_receiving_school_takes_the_register_for_its_supported_transfer(
    client, cast, year, after_the_week
):
    from placements.tests.factories import make_programme

    transfer = make_programme(year, key="supported-transfer", registration="dual", away_code="D")
    placement = make_placement(
        programme=transfer, provider=cast.school_b, school=cast.school_a, by=cast.officer
    )
    client.force_login(cast.bob)
    name = cell(placement, MONDAY, "am")
    response = client.post(
        register_url(cast.school_b, area="schools"), {name: "/", "s" + name[1:]: ""}
    )
    assert response.status_code == 302
    assert Mark.objects.get().recorded_by == cast.bob
    # Bob's school is the setting, not the home school: no codes for it there.
    assert (
        placement.student.legal_first_name
        not in client.get(
            reverse("placements:codes") + f"?week={MONDAY.isoformat()}"
        ).content.decode()
    )
