"""The leaver process: open work registered by the apps above passes to the people chosen,
the person's roles, sign-in and sessions end, in one transaction, audited; and who may do
it."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.leavers import _OPEN_WORK, OpenWork, leaver_record, open_work_registered
from accounts.models import Membership, Role
from accounts.tests.factories import SchoolFactory, member
from applications.models import Application
from audit.models import Event
from lib.errors import Refused
from panels.models import PanelMember
from placements.tests.factories import make_placement, make_programme, make_terms
from programmes.models import Panel
from students.tests.factories import StudentFactory


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def year(db):
    return make_terms()


def leaver_url(person):
    return reverse("accounts:leaver", args=[person.uuid])


def _assigned_application(cast, year, officer):
    return Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        programme=make_programme(year),
        created_by=cast.alice,
        status="submitted",
        submitted_at=timezone.now(),
        assigned_to=officer,
    )


def test_every_kind_of_open_work_is_registered(db):
    assert {w.key for w in open_work_registered()} >= {
        "applications_assigned",
        "placements_monitored",
        "panel_seats",
    }


def test_an_officers_open_applications_pass_to_the_officer_chosen(
    cast, year, client, django_capture_on_commit_callbacks
):
    application = _assigned_application(cast, year, cast.officer)
    closed = _assigned_application(cast, year, cast.officer)
    Application.objects.filter(pk=closed.pk).update(status="closed")
    other = member(cast.la, Role.CAP_OFFICER, full_name="Nia New")
    client.force_login(cast.manager)

    page = client.get(leaver_url(cast.officer))
    assert "Open applications they handle for CAP" in page.text
    assert "Nia New" in page.text
    # A school's coordinator cannot take over CAP's work.
    assert "Alice Referrer" not in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(leaver_url(cast.officer), {"applications_assigned": str(other.uuid)})

    assert response.status_code == 302
    application.refresh_from_db()
    closed.refresh_from_db()
    assert application.assigned_to == other
    assert closed.assigned_to == cast.officer  # finished work stays as it was
    assert Event.objects.filter(action="application.assigned", actor=cast.manager).count() == 1
    [email] = mail.outbox
    assert email.to == [other.email]
    assert "1 item" in email.body
    assert application.student.legal_last_name not in email.body
    assert cast.officer.full_name not in email.body


def test_a_monitoring_officers_open_placements_pass_on(cast, year):
    programme = make_programme(year)
    placement = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        monitoring_officer=cast.monitoring,
    )
    successor = member(cast.la, Role.MONITORING_OFFICER)

    moved = leaver_record(
        person=cast.monitoring, new_owners={"placements_monitored": successor}, by=cast.manager
    )

    assert moved == {"placements_monitored": 1}
    placement.refresh_from_db()
    assert placement.monitoring_officer == successor
    assert Event.objects.filter(action="placement.updated", object_id=str(placement.uuid)).exists()


def test_panel_seats_simply_end(cast, year, django_capture_on_commit_callbacks):
    panel = Panel.objects.create(year=year, key="rap", name="Review panel")
    seat = PanelMember.objects.create(panel=panel, user=cast.chair)

    with django_capture_on_commit_callbacks(execute=True):
        moved = leaver_record(person=cast.chair, new_owners={}, by=cast.manager)

    assert moved == {"panel_seats": 1}
    seat.refresh_from_db()
    assert seat.is_active is False
    assert Event.objects.filter(action="panel_member.ended").count() == 1
    assert mail.outbox == []


def test_the_person_is_made_inactive_their_roles_end_and_sessions_end(cast, client):
    client.force_login(cast.alice)
    assert Session.objects.count() == 1
    admin = member(cast.school_a, Role.ADMINISTRATOR)

    leaver_record(person=cast.alice, new_owners={}, by=admin)

    cast.alice.refresh_from_db()
    assert cast.alice.is_active is False
    assert not Membership.objects.filter(user=cast.alice).exists()
    assert Session.objects.count() == 0
    assert Event.objects.filter(action="membership.ended", object_id=str(cast.alice.uuid)).count()
    left = Event.objects.get(action="user.left")
    assert left.actor == admin and left.object_id == str(cast.alice.uuid)
    assert client.get(reverse("dashboards:home")).status_code == 302  # signed out


def test_it_refuses_to_finish_while_open_work_has_no_one(cast, year, client):
    application = _assigned_application(cast, year, cast.officer)
    client.force_login(cast.manager)

    response = client.post(leaver_url(cast.officer), {})

    assert response.status_code == 200
    assert "Error:" in response.text
    assert "Choose who takes over: open applications they handle for cap" in response.text
    cast.officer.refresh_from_db()
    assert cast.officer.is_active
    application.refresh_from_db()
    assert application.assigned_to == cast.officer


def test_it_refuses_someone_who_may_not_take_the_work(cast, year):
    _assigned_application(cast, year, cast.officer)
    with pytest.raises(Refused):
        leaver_record(
            person=cast.officer, new_owners={"applications_assigned": cast.alice}, by=cast.manager
        )
    cast.officer.refresh_from_db()
    assert cast.officer.is_active


def test_it_is_one_transaction(cast, year):
    """A kind of work that fails part-way leaves everything as it was."""
    application = _assigned_application(cast, year, cast.officer)
    other = member(cast.la, Role.CAP_OFFICER)

    def explode(user, to, by):
        raise RuntimeError("broken")

    _OPEN_WORK["zz_broken"] = OpenWork(
        key="zz_broken", label="Broken", count=lambda u: 1, candidates=None, reassign=explode
    )
    try:
        with pytest.raises(RuntimeError):
            leaver_record(
                person=cast.officer, new_owners={"applications_assigned": other}, by=cast.manager
            )
    finally:
        del _OPEN_WORK["zz_broken"]

    application.refresh_from_db()
    cast.officer.refresh_from_db()
    assert application.assigned_to == cast.officer
    assert cast.officer.is_active
    assert Membership.objects.filter(user=cast.officer).exists()
    assert not Event.objects.filter(action__in=["user.left", "application.assigned"]).exists()
    assert mail.outbox == []


def test_an_administrator_records_their_own_people(cast, client):
    admin = member(cast.school_a, Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.get(leaver_url(cast.alice)).status_code == 200
    assert client.post(leaver_url(cast.alice), {}).status_code == 302
    cast.alice.refresh_from_db()
    assert not cast.alice.is_active


@pytest.mark.parametrize(
    "who", ["themselves", "other_administrator", "school_user", "outsider", "officer"]
)
def test_refusals_answer_404(cast, client, who):
    admin = member(cast.school_a, Role.ADMINISTRATOR)
    other_admin = member(cast.school_b, Role.ADMINISTRATOR)
    asker, person = {
        "themselves": (admin, admin),
        "other_administrator": (other_admin, cast.alice),
        "school_user": (cast.headteacher, cast.alice),
        "outsider": (cast.outsider, cast.alice),
        "officer": (cast.officer, cast.alice),
    }[who]
    client.force_login(asker)
    assert client.get(leaver_url(person)).status_code == 404
    assert client.post(leaver_url(person), {}).status_code == 404
    person.refresh_from_db()
    assert person.is_active


def test_an_administrator_cannot_record_someone_who_also_works_elsewhere(cast, client):
    admin = member(cast.school_a, Role.ADMINISTRATOR)
    Membership.objects.create(user=cast.alice, organisation=SchoolFactory(), role=Role.REFERRER)
    client.force_login(admin)
    assert client.get(leaver_url(cast.alice)).status_code == 404
    client.force_login(cast.manager)
    assert client.get(leaver_url(cast.alice)).status_code == 200


def test_the_cap_manager_cannot_record_themselves(cast, client):
    client.force_login(cast.manager)
    assert client.get(leaver_url(cast.manager)).status_code == 404


def test_the_leaver_page_is_post_or_get_only(cast, client):
    client.force_login(cast.manager)
    assert client.put(leaver_url(cast.alice)).status_code == 405
