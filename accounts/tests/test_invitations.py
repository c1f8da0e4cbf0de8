"""Inviting a person by e-mail: an account with no password, a one-time link that lasts 72
hours, and the same rules for the role as giving it on the person's page."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.forms import OrganisationChoiceForm
from accounts.models import Invitation, Membership, Role, User
from accounts.services import token_hash
from accounts.tests.factories import SchoolFactory, member
from audit.models import Event

NEW_PASSWORD = "violet-harbour-lantern-42"


def _invite(client, organisation, **fields):
    data = {
        "organisation": str(organisation.uuid),
        "full_name": "Nia Newcomer",
        "email": "Nia.Newcomer@example.org",
        "job_title": "Learning mentor",
        "role": Role.REFERRER,
    } | fields
    return client.post(reverse("accounts:person_invite"), data)


def _link(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def invited(client, cast, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(cast.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, cast.school_a)
    assert response.status_code == 302
    client.logout()
    return User.objects.get(email="nia.newcomer@example.org")


def test_the_manager_invites_a_person(invited, cast, mailoutbox):
    assert not invited.has_usable_password()
    assert invited.full_name == "Nia Newcomer" and invited.job_title == "Learning mentor"
    assert Membership.objects.filter(user=invited, organisation=cast.school_a, role="referrer")
    invitation = Invitation.objects.get(user=invited)
    lasts = invitation.expires_at - invitation.created_at
    assert abs(lasts - dt.timedelta(hours=72)) < dt.timedelta(seconds=5)
    # One e-mail to the person, with the link; none of the roles e-mails to them twice.
    to_person = [m for m in mailoutbox if m.to == [invited.email]]
    assert len(to_person) == 1
    link = _link(to_person[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only the token's hash is kept.
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert "72 hours" in to_person[0].body
    events = Event.objects.filter(object_id=str(invited.uuid)).values_list("action", flat=True)
    assert {"person.invited", "membership.created"} <= set(events)
    assert all("Nia" not in str(e.detail) for e in Event.objects.all())


def test_the_invited_person_sets_a_password_and_is_signed_in(client, invited, mailoutbox):
    path = _path(_link(mailoutbox[0]))
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert get_user(client) == invited
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(user=invited).used_at is not None
    assert Event.objects.filter(action="invitation.accepted", actor=invited).exists()


def test_a_used_link_says_so(client, invited, mailoutbox):
    path = _path(_link(mailoutbox[0]))
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has already been used" in response.content.decode()
    response = client.post(path, {"new_password1": "another-long-phrase-9", "new_password2": "x"})
    assert response.status_code == 410
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_an_expired_link_says_so_and_whom_to_ask(client, cast, invited, mailoutbox, monkeypatch):
    path = _path(_link(mailoutbox[0]))
    later = timezone.now() + dt.timedelta(hours=72, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in html
    assert "Ask Mandy Manager" in html and cast.manager.email in html
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_a_link_just_before_it_expires_still_works(client, invited, mailoutbox, monkeypatch):
    path = _path(_link(mailoutbox[0]))
    later = timezone.now() + dt.timedelta(hours=71, minutes=59)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(path).status_code == 200


def test_an_unknown_link_is_not_found(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_weak_or_mismatched_password_is_refused_beside_the_field(client, invited, mailoutbox):
    path = _path(_link(mailoutbox[0]))
    html = client.post(path, {"new_password1": "short", "new_password2": "short"}).content.decode()
    assert "<title>Error: " in html
    assert 'id="id_new_password1-error"' in html and "too short" in html
    html = client.post(
        path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    ).content.decode()
    assert 'id="id_new_password2-error"' in html and "The passwords do not match" in html
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_the_inviter_sends_a_new_link_and_the_old_one_dies(
    client, cast, invited, mailoutbox, django_capture_on_commit_callbacks
):
    old_path = _path(_link(mailoutbox[0]))
    mailoutbox.clear()
    client.force_login(cast.manager)
    page = client.get(reverse("accounts:person", args=[invited.uuid])).content.decode()
    assert "Send a new link" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:person_invitation_resend", args=[invited.uuid]))
    assert response.status_code == 302
    new_path = _path(_link(mailoutbox[0]))
    assert new_path != old_path
    client.logout()
    old = client.get(old_path)
    assert old.status_code == 410 and "This link has been replaced" in old.content.decode()
    assert client.get(new_path).status_code == 200
    assert Event.objects.filter(action="invitation.resent", actor=cast.manager).exists()


def test_someone_who_may_not_give_the_role_cannot_resend(client, cast, invited):
    other_admin = member(cast.school_b, Role.ADMINISTRATOR)
    client.force_login(other_admin)
    url = reverse("accounts:person_invitation_resend", args=[invited.uuid])
    assert client.post(url).status_code == 404
    client.force_login(cast.alice)
    assert client.post(url).status_code == 403
    assert Invitation.objects.filter(user=invited).count() == 1


def test_an_existing_account_is_only_given_the_role_and_told(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(cast.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            client, cast.school_b, email=cast.alice.email.upper(), role="headteacher"
        )
    assert response.status_code == 302
    assert cast.alice.memberships.filter(organisation=cast.school_b, role="headteacher").exists()
    assert not Invitation.objects.exists()
    assert User.objects.filter(email__iexact=cast.alice.email).count() == 1
    assert [m.to for m in mailoutbox] == [[cast.alice.email]]
    assert "given you the role headteacher at School B" in mailoutbox[0].body
    cast.alice.refresh_from_db()
    assert cast.alice.has_usable_password()


def test_the_manager_cannot_invite_themselves_to_the_safeguarding_lead_role(client, cast):
    client.force_login(cast.manager)
    response = _invite(client, cast.la, email=cast.manager.email, role=Role.DSL)
    assert response.status_code == 200
    assert 'id="id_role-error"' in response.content.decode()
    response = _invite(client, cast.la, email=cast.manager.email, role=Role.CAP_OFFICER)
    assert "You cannot give yourself a role" in response.content.decode()
    assert not Membership.objects.filter(user=cast.manager).exclude(role=Role.CAP_MANAGER)


def test_an_administrator_invites_to_their_organisation_only(client, cast):
    admin = member(cast.school_a, Role.ADMINISTRATOR)
    client.force_login(admin)
    html = client.get(reverse("accounts:person_invite")).content.decode()
    assert "School A" in html and 'name="full_name"' in html
    response = _invite(client, cast.school_b)
    assert response.status_code == 200
    assert "Choose an organisation from the list" in response.content.decode()
    assert not User.objects.filter(email="nia.newcomer@example.org").exists()


def test_invite_errors_are_shown_beside_the_fields_with_what_was_typed(client, cast):
    client.force_login(cast.manager)
    response = _invite(client, cast.school_a, email="not-an-address", full_name="")
    html = response.content.decode()
    assert 'id="id_email-error"' in html and 'id="id_full_name-error"' in html
    assert 'value="not-an-address"' in html and 'value="Learning mentor"' in html


def test_a_closed_account_is_not_reopened_by_an_invitation(client, cast):
    cast.bob.is_active = False
    cast.bob.save()
    client.force_login(cast.manager)
    response = _invite(client, cast.school_b, email=cast.bob.email)
    assert "has been closed" in response.content.decode()
    assert cast.bob.memberships.count() == 1


# --- Choosing among many organisations ----------------------------------------------------


def test_with_more_organisations_than_listed_the_manager_finds_one_by_name(
    client, cast, monkeypatch
):
    monkeypatch.setattr(OrganisationChoiceForm, "SHOWN", 2)
    client.force_login(cast.manager)
    html = client.get(reverse("accounts:person_invite")).content.decode()
    assert 'name="q"' in html and "<option" not in html and "School A" not in html
    html = client.get(reverse("accounts:person_invite"), {"q": "school"}).content.decode()
    assert html.count("<option") == 3  # the empty choice and both schools
    assert "School A" in html and "School B" in html and "Provider P" not in html
    html = client.get(reverse("accounts:person_invite"), {"q": "SCHOOL b"}).content.decode()
    assert "School B" in html and "School A" not in html and "More than" not in html
    html = client.get(reverse("accounts:person_invite"), {"q": "o"}).content.decode()
    assert html.count("<option") == 3 and "More than 2 organisations match" in html
    html = client.get(reverse("accounts:person_invite"), {"q": "nowhere"}).content.decode()
    assert "No organisation at which you can give a role matches" in html
    # One not listed may still be chosen: the choice is checked against them all.
    url = reverse("accounts:person_invite")
    html = client.get(url, {"organisation": str(cast.school_b.uuid)}).content.decode()
    assert 'name="full_name"' in html and "School B" in html
    response = _invite(client, cast.school_b)
    assert response.status_code == 302
    assert User.objects.get(email="nia.newcomer@example.org").memberships.get().organisation == (
        cast.school_b
    )


def test_a_refused_choice_among_many_shows_the_list_with_its_error_beside_it(
    client, cast, monkeypatch
):
    """A stale or edited link names an organisation the manager may not choose (here one
    that no longer gives roles): with no name typed, the list is shown anyway, so that the
    error summary's link lands on the field the error sits beside."""
    monkeypatch.setattr(OrganisationChoiceForm, "SHOWN", 2)
    client.force_login(cast.manager)
    url = reverse("accounts:person_invite")
    html = client.get(url, {"organisation": "00000000-0000-0000-0000-000000000000"}).content
    html = html.decode()
    assert 'href="#id_organisation"' in html and 'id="id_organisation"' in html
    assert "Choose an organisation from the list" in html
    assert html.count("<option") == 3  # the empty choice and the first two


def test_the_organisation_step_takes_the_same_queries_for_few_or_many_organisations(client, cast):
    client.force_login(cast.manager)

    def queries(query: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            html = client.get(reverse("accounts:person_invite"), {"q": query}).content.decode()
        return len(context), html.count("<option")

    few = queries(""), queries("school")
    SchoolFactory.create_batch(OrganisationChoiceForm.SHOWN + 5)
    many = queries(""), queries("school")
    assert [n for n, _ in few] == [n for n, _ in many]
    assert many[0][1] == 0 and many[1][1] == OrganisationChoiceForm.SHOWN + 1
