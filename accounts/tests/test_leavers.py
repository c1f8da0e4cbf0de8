"""The leaver process: open work registered by the apps above passes to the people chosen,
the person's roles, sign-in and sessions end, in one transaction, audited; and who may do
it."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.leavers import _OPEN_WORK, OpenWork, leaver_record, people_holding
from accounts.models import Membership, OrganisationKind, Role
from accounts.tests.factories import SchoolFactory, member
from audit.models import Event
from lib.errors import Refused


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def leaver_url(person):
    return reverse("accounts:leaver", args=[person.uuid])


@pytest.fixture
def work(cast):
    """A kind of open work of the test's own: the officer holds two pieces, which CAP
    officers may take over; `moved` records where they went."""
    moved = []
    held = {cast.officer.pk: 2}

    def reassign(user, to, by):
        Event.objects.create(action="test.moved", object_id=str(to.uuid))
        moved.append(to)
        return held.pop(user.pk)

    _OPEN_WORK["test_work"] = OpenWork(
        key="test_work",
        label="Test cases",
        count=lambda user: held.get(user.pk, 0),
        candidates=lambda user: people_holding(
            kinds={OrganisationKind.LOCAL_AUTHORITY}, roles={Role.CAP_OFFICER}
        ),
        reassign=reassign,
    )
    yield moved
    del _OPEN_WORK["test_work"]


def test_the_page_shows_the_work_and_who_may_take_it(cast, client, work):
    other = member(cast.la, Role.CAP_OFFICER, full_name="Nia New")
    client.force_login(cast.manager)
    page = client.get(leaver_url(cast.officer))
    assert "Test cases" in page.text
    assert "Nia New" in page.text
    assert "Alice Referrer" not in page.text  # not a CAP officer
    assert "Olive Officer</option>" not in page.text  # not the leaver themself

    with_capture = client.post(leaver_url(cast.officer), {"test_work": str(other.uuid)})

    assert with_capture.status_code == 302
    assert work == [other]


def test_the_new_owner_is_told_a_count_only(cast, client, work, django_capture_on_commit_callbacks):
    other = member(cast.la, Role.CAP_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        leaver_record(person=cast.officer, new_owners={"test_work": other}, by=cast.manager)
    [email] = mail.outbox
    assert email.to == [other.email]
    assert "2 items" in email.body
    assert cast.officer.full_name not in email.body


def test_it_refuses_to_finish_while_open_work_has_no_one(cast, client, work):
    client.force_login(cast.manager)

    response = client.post(leaver_url(cast.officer), {})

    assert response.status_code == 200
    assert "Error:" in response.text
    assert "Choose who takes over: test cases" in response.text
    cast.officer.refresh_from_db()
    assert cast.officer.is_active
    assert work == []


def test_it_warns_when_nobody_may_take_the_work(cast, client, work):
    Membership.objects.filter(user=cast.officer).update(role=Role.MONITORING_OFFICER)
    # Nobody else is a CAP officer.
    client.force_login(cast.manager)
    page = client.get(leaver_url(cast.officer))
    assert "Nobody can take over test cases" in page.text
    assert client.post(leaver_url(cast.officer), {}).status_code == 200
    cast.officer.refresh_from_db()
    assert cast.officer.is_active


def test_it_refuses_someone_who_may_not_take_the_work(cast, work):
    with pytest.raises(Refused):
        leaver_record(person=cast.officer, new_owners={"test_work": cast.alice}, by=cast.manager)
    cast.officer.refresh_from_db()
    assert cast.officer.is_active


def test_it_is_one_transaction(cast, work):
    """A kind of work that fails after another moved leaves everything as it was."""
    other = member(cast.la, Role.CAP_OFFICER)

    def explode(user, to, by):
        raise RuntimeError("broken")

    _OPEN_WORK["zz_broken"] = OpenWork(
        key="zz_broken", label="Broken", count=lambda u: 1, candidates=None, reassign=explode
    )
    try:
        with pytest.raises(RuntimeError):
            leaver_record(person=cast.officer, new_owners={"test_work": other}, by=cast.manager)
    finally:
        del _OPEN_WORK["zz_broken"]

    assert work == [other]  # it ran, and its writes were rolled back:
    assert not Event.objects.filter(action__in=["test.moved", "user.left"]).exists()
    cast.officer.refresh_from_db()
    assert cast.officer.is_active
    assert Membership.objects.filter(user=cast.officer).exists()
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


def test_the_manager_records_the_safeguarding_lead_and_a_closed_organisations_staff(cast):
    # Ending a role when its holder leaves needs no right to give it: the CAP manager cannot
    # give the safeguarding lead's role, nor a role at a closed school, but records both.
    closed = SchoolFactory()
    moved = member(closed, Role.REFERRER)
    closed.is_active = False
    closed.save()

    for person in (cast.safeguarding, moved):
        leaver_record(person=person, new_owners={}, by=cast.manager)

        assert not Membership.objects.filter(user=person).exists()
        person.refresh_from_db()
        assert person.is_active is False


def test_nobody_records_a_superuser_as_a_leaver(cast):
    root = member(cast.school_a, Role.REFERRER, is_superuser=True)
    admin = member(cast.school_a, Role.ADMINISTRATOR)

    for by in (admin, cast.manager):
        with pytest.raises(PermissionDenied):
            leaver_record(person=root, new_owners={}, by=by)
    root.refresh_from_db()
    assert root.is_active
