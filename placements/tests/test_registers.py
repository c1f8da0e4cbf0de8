"""Registers: a setting records marks for the sessions a student is expected, in one
submit; corrections and late entries keep their history; bad input saves nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from placements import selectors, services
from placements.models import Mark, MarkChange
from placements.tests.factories import MONDAY, WEDNESDAY, at, make_placement

FRIDAY = MONDAY + dt.timedelta(days=4)


def register_url(setting, monday=MONDAY, area="providers"):
    return reverse(f"placements:{area}_register", args=[setting.uuid, monday.isoformat()])


def cell(placement, day, session):
    return f"m-{placement.uuid}-{day.isoformat()}-{session}"


def post_marks(client, setting, marks: dict, shown_at=None):
    """Post a register as if its page had been made at `shown_at` (by default, now)."""
    shown_at = shown_at or timezone.now()
    return client.post(register_url(setting), {**marks, "shown_at": shown_at.isoformat()})


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
    client.force_login(cast.provider_staff)  # two hours on: signed out when idle, so again
    response = post_marks(client, cast.provider, {name: "M"})
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
    opened = timezone.now() - dt.timedelta(minutes=5)
    post_marks(client, cast.provider, marks, shown_at=opened)
    response = post_marks(client, cast.provider, marks, shown_at=opened)  # sent again
    assert response.status_code == 302
    assert MarkChange.objects.count() == 1


def test_a_mark_changed_by_someone_else_meanwhile_is_refused(
    client, cast, placement, after_the_week
):
    client.force_login(cast.provider_staff)
    name = cell(placement, MONDAY, "am")
    opened = timezone.now() - dt.timedelta(minutes=5)
    post_marks(client, cast.provider, {name: "/"})
    # A second person, who opened the register before that mark, types another.
    response = post_marks(
        client, cast.provider, {name: "I", cell(placement, MONDAY, "pm"): "/"}, shown_at=opened
    )
    assert response.status_code == 400
    assert "someone else recorded /" in response.content.decode()
    assert "<title>Error: " in response.content.decode()  # a refused page says so
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
        register_url(cast.school_b, area="schools"),
        {name: "/", "shown_at": timezone.now().isoformat()},
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


def test_an_empty_cell_does_not_undo_a_mark_recorded_meanwhile(
    client, cast, placement, after_the_week
):
    client.force_login(cast.provider_staff)
    opened = timezone.now() - dt.timedelta(minutes=5)
    monday_am, monday_pm = cell(placement, MONDAY, "am"), cell(placement, MONDAY, "pm")
    post_marks(client, cast.provider, {monday_am: "/"})
    # Someone who opened the register earlier leaves Monday morning empty and marks the
    # afternoon: their register is saved, and the morning's mark stays.
    response = post_marks(client, cast.provider, {monday_am: "", monday_pm: "/"}, shown_at=opened)
    assert response.status_code == 302
    assert sorted(Mark.objects.values_list("code_id", flat=True)) == ["/", "\\"]


def test_a_register_without_its_time_is_refused_where_marks_exist(
    client, cast, placement, after_the_week
):
    client.force_login(cast.provider_staff)
    name = cell(placement, MONDAY, "am")
    post_marks(client, cast.provider, {name: "/"})
    response = client.post(register_url(cast.provider), {name: "I"})
    assert response.status_code == 400
    assert Mark.objects.get().code_id == "/"


def test_a_day_at_a_time(client, cast, placement, after_the_week):
    client.force_login(cast.provider_staff)
    url = register_url(cast.provider) + f"?day={WEDNESDAY.isoformat()}"
    page = client.get(url).content.decode()
    assert f'name="{cell(placement, WEDNESDAY, "am")}"' in page
    assert f'name="{cell(placement, MONDAY, "am")}"' not in page
    response = client.post(
        url, {cell(placement, WEDNESDAY, "am"): "/", "shown_at": timezone.now().isoformat()}
    )
    assert response.status_code == 302 and response["Location"].endswith(url)
    # A day outside the week, or a mark for a day the page does not show, is refused.
    assert client.get(register_url(cast.provider) + "?day=2026-01-19").status_code == 404
    response = client.post(url, {cell(placement, MONDAY, "am"): "/"})
    assert response.status_code == 400
    assert Mark.objects.count() == 1


def test_a_week_too_big_for_one_form_sends_you_to_the_days(
    client, cast, placement, after_the_week, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 15
    client.force_login(cast.provider_staff)
    with CaptureQueriesContext(connection) as context:
        response = client.get(register_url(cast.provider))
    page = response.content.decode()
    assert "take the register one day at a time" in page
    assert "Save the register" not in page
    # Decided from a count: no row was built, so no placement, phase or mark was read.
    assert response.context["too_many"] is True and response.context["rows"] == []
    sql = " ".join(q["sql"] for q in context.captured_queries)
    assert "placements_mark" not in sql and "placements_phase" not in sql
    day = client.get(register_url(cast.provider) + f"?day={MONDAY.isoformat()}")
    assert "Save the register" in day.content.decode()


def test_a_date_off_the_calendar_is_not_found(client, cast, placement):
    client.force_login(cast.provider_staff)
    url = reverse("placements:providers_register", args=[cast.provider.uuid, "0001-01-01"])
    assert client.get(url).status_code == 404


def test_a_post_too_big_for_one_form_saves_nothing(
    client, cast, placement, after_the_week, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 15
    client.force_login(cast.provider_staff)
    response = post_marks(client, cast.provider, {cell(placement, MONDAY, "am"): "/"})
    assert response.status_code == 400
    assert "take the register a day at a time" in response.content.decode()
    assert not Mark.objects.exists()


def test_the_register_shows_50_students_a_page(client, cast, programme, after_the_week):
    for _ in range(52):
        make_placement(
            programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
        )
    client.force_login(cast.provider_staff)
    first = client.get(register_url(cast.provider))
    assert len(first.context["rows"]) == 50
    assert "52 students placed here, page 1 of 2" in first.content.decode()
    url = register_url(cast.provider) + "?page=2"
    second = client.get(url)
    rows = second.context["rows"]
    assert len(rows) == 2
    # A page's register saves its own students and comes back to the same page.
    placement = rows[0].placement
    response = client.post(
        url, {cell(placement, MONDAY, "am"): "/", "shown_at": timezone.now().isoformat()}
    )
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    assert Mark.objects.get().placement == placement
    # A mark for a student on another page is not this page's: nothing is saved.
    other = first.context["rows"][0].placement
    response = client.post(
        url, {cell(other, MONDAY, "pm"): "/", "shown_at": timezone.now().isoformat()}
    )
    assert response.status_code == 400
    assert Mark.objects.count() == 1


@pytest.mark.parametrize("shown_at", ["2026-01-01T09:00:00", "not a time", "2026-13-45"])
def test_a_register_whose_time_has_no_zone_or_is_malformed_is_not_an_error(
    client, cast, placement, after_the_week, shown_at
):
    # A hidden field someone edited, or a client that dropped the offset: the register
    # answers as for a register shown before the mark (refused), never a server error.
    client.force_login(cast.provider_staff)
    name = cell(placement, MONDAY, "am")
    post_marks(client, cast.provider, {name: "/"})
    response = client.post(register_url(cast.provider), {name: "I", "shown_at": shown_at})
    assert response.status_code == 400
    assert Mark.objects.get().code_id == "/"


def test_a_register_time_without_a_zone_is_read_as_london_time(
    client, cast, placement, after_the_week
):
    client.force_login(cast.provider_staff)
    name = cell(placement, MONDAY, "am")
    post_marks(client, cast.provider, {name: "/"})
    later = timezone.localtime(timezone.now() + dt.timedelta(minutes=1)).replace(tzinfo=None)
    response = client.post(register_url(cast.provider), {name: "I", "shown_at": later.isoformat()})
    assert response.status_code == 302
    assert Mark.objects.get().code_id == "I"


def test_an_empty_register_names_the_day_or_the_week_it_shows(
    client, cast, programme, after_the_week
):
    make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        pattern=["mon_am", "mon_pm"],
    )
    client.force_login(cast.provider_staff)
    tuesday = MONDAY + dt.timedelta(days=1)
    page = client.get(register_url(cast.provider) + f"?day={tuesday.isoformat()}")
    assert "No student is expected with you on Tuesday 13 January 2026." in page.content.decode()
    assert "this week" not in page.content.decode()
