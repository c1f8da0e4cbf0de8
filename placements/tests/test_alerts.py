"""Today's whereabouts and same-day alerts, at the register window's boundary."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from placements import services
from placements.models import Alert, Mark
from placements.tests.factories import WEDNESDAY, at, make_placement

# The morning register opens at 08:45 and closes 30 minutes later.
CLOSES = at(WEDNESDAY, 9, 15)


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_no_alert_while_the_register_is_open(cast, placement, clock):
    clock(CLOSES - dt.timedelta(seconds=1))
    assert services.alerts_raise() == []


def test_a_missing_mark_raises_one_alert_when_the_register_closes(cast, placement, clock):
    clock(CLOSES)
    raised = services.alerts_raise()
    assert [(a.placement, a.session, a.kind) for a in raised] == [(placement, "am", "missing")]
    clock(CLOSES + dt.timedelta(minutes=5))
    assert services.alerts_raise() == []  # raised once
    assert Alert.objects.count() == 1
    # One event for the sweep, counting what it raised and naming nobody.
    event = Event.objects.get(action="attendance_alerts.raised")
    assert event.detail == {
        "date": "2026-01-14",
        "am_missing": 1,
        "am_absent": 0,
        "pm_missing": 0,
        "pm_absent": 0,
    }
    assert event.object_id == ""


def test_the_window_is_configurable(cast, placement, clock, settings):
    settings.CAP_REGISTER_WINDOW_MINUTES = 10
    clock(at(WEDNESDAY, 8, 55))
    assert len(services.alerts_raise()) == 1


def test_a_mark_arriving_late_resolves_the_alert(client, cast, placement, clock):
    clock(CLOSES)
    services.alerts_raise()
    clock(at(WEDNESDAY, 10))
    client.force_login(cast.provider_staff)
    name = f"m-{placement.uuid}-{WEDNESDAY.isoformat()}-am"
    client.post(
        reverse("placements:providers_register", args=[cast.provider.uuid, WEDNESDAY.isoformat()]),
        {name: "L", "shown_at": at(WEDNESDAY, 9, 59).isoformat()},
    )
    alert = Alert.objects.get()
    assert alert.resolved_at == at(WEDNESDAY, 10)
    assert Mark.objects.get().changes.get().late is True


def test_an_absence_raises_an_alert(cast, placement, clock):
    Mark.objects.create(
        placement=placement,
        date=WEDNESDAY,
        session="am",
        code_id="N",
        recorded_by=cast.provider_staff,
        recorded_at=at(WEDNESDAY, 9),
    )
    clock(at(WEDNESDAY, 9, 5))
    assert [(a.kind, a.code) for a in services.alerts_raise()] == [("absent", "N")]


def test_a_present_mark_or_a_home_session_raises_nothing(cast, programme, clock):
    at_home = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        pattern=["mon_am", "mon_pm"],
    )
    present = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    Mark.objects.create(
        placement=present,
        date=WEDNESDAY,
        session="am",
        code_id="/",
        recorded_by=cast.provider_staff,
        recorded_at=at(WEDNESDAY, 9),
    )
    clock(CLOSES)
    assert services.alerts_raise() == []
    assert at_home.alerts.count() == 0


def test_the_sweep_emails_the_home_school_and_the_monitoring_officer(
    cast, programme, clock, django_capture_on_commit_callbacks
):
    make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.alice,
        monitoring_officer=cast.monitoring,
    )
    clock(CLOSES)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_attendance", stdout=io.StringIO())
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.alice.email, cast.monitoring.email])
    body = mail.outbox[0].body
    assert "1 new attendance alert" in body
    assert "Student" not in body  # no names in e-mail
    assert Alert.objects.get().emailed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_attendance", stdout=io.StringIO())
    assert len(mail.outbox) == 2  # not again


def test_no_monitoring_officer_means_the_cap_team_inbox(
    cast, placement, clock, settings, django_capture_on_commit_callbacks
):
    clock(CLOSES)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_attendance", stdout=io.StringIO())
    assert settings.CAP_TEAM_EMAIL in [m.to[0] for m in mail.outbox]


@pytest.mark.parametrize(("who", "area"), [("monitoring", "casework"), ("alice", "schools")])
def test_the_alert_is_on_the_queue(client, cast, placement, clock, who, area):
    clock(CLOSES)
    services.alerts_raise()
    client.force_login(getattr(cast, who))
    page = client.get(reverse(f"placements:{area}_alerts")).content.decode()
    assert placement.student.legal_first_name in page
    assert "No mark" in page


@pytest.mark.parametrize(("who", "area"), [("officer", "casework"), ("alice", "schools")])
def test_the_alerts_page_makes_the_same_queries_for_2_alerts_as_for_24(
    client, cast, programme, clock, who, area
):
    def add(n):
        for _ in range(n):
            make_placement(
                programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
            )

    def count():
        client.force_login(getattr(cast, who))  # afresh: the clock moves past the idle limit
        client.get(reverse(f"placements:{area}_alerts"))
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse(f"placements:{area}_alerts"))
        assert response.status_code == 200
        return len(context.captured_queries), response.content.decode()

    add(1)
    clock(CLOSES)
    services.alerts_raise()
    few, page = count()
    assert page.count("No mark") == 1
    add(23)
    clock(at(WEDNESDAY, 13, 30))  # every placement's morning missing
    services.alerts_raise()
    many, page = count()
    assert page.count("No mark") >= 24
    assert few == many


def test_another_school_does_not_see_the_alert(client, cast, placement, clock):
    clock(CLOSES)
    services.alerts_raise()
    client.force_login(cast.bob)
    page = client.get(reverse("placements:schools_alerts")).content.decode()
    assert placement.student.legal_first_name not in page


@pytest.mark.parametrize(("who", "status"), [("provider_staff", 403), ("outsider", 403)])
def test_providers_and_outsiders_have_no_whereabouts_page(client, cast, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("placements:casework_whereabouts")).status_code == status
    assert client.get(reverse("placements:schools_whereabouts")).status_code == status


def test_whereabouts_shows_where_and_whether_the_mark_arrived(client, cast, programme, clock):
    marked = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    Mark.objects.create(
        placement=marked,
        date=WEDNESDAY,
        session="am",
        code_id="/",
        recorded_by=cast.provider_staff,
        recorded_at=at(WEDNESDAY, 9),
    )
    clock(CLOSES)
    client.force_login(cast.officer)
    response = client.get(reverse("placements:casework_whereabouts"))
    assert response.context["counts"] == {
        "marked": 1,
        "absent": 0,
        "missing": 1,
        "waiting": 0,
        "home": 0,
    }
    clock(CLOSES - dt.timedelta(minutes=1))
    response = client.get(reverse("placements:casework_whereabouts"))
    assert response.context["counts"]["waiting"] == 1


def test_whereabouts_makes_the_same_queries_for_10_students_as_for_300(
    client, cast, programme, clock
):
    clock(CLOSES)
    client.force_login(cast.officer)

    def add(n):
        for _ in range(n):
            make_placement(
                programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
            )

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("placements:casework_whereabouts"))
        assert response.status_code == 200
        return len(context.captured_queries), response.context

    add(10)
    few, context = count()
    assert len(context["rows"]) == 10
    add(290)
    many, context = count()
    assert len(context["rows"]) == 50  # a page
    assert context["page"].paginator.count == 300
    assert context["counts"]["missing"] == 300
    assert few == many


def test_the_sweep_makes_the_same_queries_for_3_placements_as_for_40(cast, programme, clock):
    """However many placements and alerts: the term dates, an INSERT … SELECT a session,
    the read of what was raised, and the audit event."""

    def add(n):
        made = [
            make_placement(
                programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
            )
            for _ in range(n)
        ]
        for placement in made[::2]:  # half marked absent in the afternoon
            Mark.objects.create(
                placement=placement,
                date=WEDNESDAY,
                session="pm",
                code_id="O",
                recorded_by=cast.provider_staff,
                recorded_at=at(WEDNESDAY, 13, 20),
            )

    def sweep():
        with CaptureQueriesContext(connection) as context:
            raised = services.alerts_raise()
        return len(context.captured_queries), raised

    clock(at(WEDNESDAY, 13, 30))
    add(3)
    few, raised = sweep()
    assert sorted((a.session, a.kind) for a in raised) == sorted(
        [("am", "missing")] * 3 + [("pm", "absent")] * 2
    )
    Alert.objects.all().delete()
    add(37)
    clock(at(WEDNESDAY, 13, 31))
    many, raised = sweep()
    assert len(raised) == 40 + 2 + 19  # every morning missing; 2 and 19 absent afternoons
    assert few == many
    assert {a.code for a in raised if a.kind == "absent"} == {"O"}
    assert all(a.uuid.version == 4 for a in raised)
    assert len({a.uuid for a in raised}) == 61


def test_the_alert_emails_read_a_monitoring_officers_roles_once_whatever_the_alerts(
    cast, programme, clock
):
    """The e-mails after a sweep make the same queries for 2 alerts as for 12 of one
    officer's students at one school."""
    from placements.tasks import send_alert_emails

    for _ in range(12):
        make_placement(
            programme=programme,
            provider=cast.provider,
            school=cast.school_a,
            by=cast.alice,
            monitoring_officer=cast.monitoring,
        )
    clock(CLOSES)
    ids = [a.pk for a in services.alerts_raise()]

    def queries_for(alert_ids: list[int]) -> int:
        Alert.objects.update(emailed_at=None)
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as context:
            send_alert_emails.call(alert_ids)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [cast.alice.email, cast.monitoring.email]
        )
        assert f"{len(alert_ids)} new attendance alerts" in mail.outbox[0].subject
        return len(context.captured_queries)

    assert len(ids) == 12
    assert queries_for(ids) == queries_for(ids[:2])


def test_an_absence_on_the_queue_says_what_its_code_means(client, cast, placement, clock):
    Mark.objects.create(
        placement=placement,
        date=WEDNESDAY,
        session="am",
        code_id="N",
        recorded_by=cast.provider_staff,
        recorded_at=at(WEDNESDAY, 9),
    )
    clock(at(WEDNESDAY, 9, 5))
    services.alerts_raise()
    client.force_login(cast.monitoring)
    page = client.get(reverse("placements:casework_alerts")).content.decode()
    assert "Absent (N)" in page
    assert "N: Reason for absence not yet established" in page
