"""Self-service password reset: the same answer whether or not an account exists, short-lived
one-use links, e-mail for active accounts only, a limit per address, and sessions elsewhere
ended."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.models import Event

NEW_PASSWORD = "violet-harbour-lantern-42"


def _ask(client, email: str):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def _path(message) -> str:
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", message.body).group(0)
    return "/" + link.split("/", 3)[3]


def test_the_sign_in_page_links_to_the_reset(client, db):
    html = client.get(reverse("accounts:sign_in")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in html
    assert "Forgotten your password?" in html


def test_the_same_answer_whether_or_not_the_account_exists_or_is_active(client, cast, mailoutbox):
    cast.bob.is_active = False
    cast.bob.save()
    answers = [_ask(client, email) for email in (cast.alice.email, "nobody@example.org")]
    answers.append(_ask(client, cast.bob.email))
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {reverse("accounts:password_reset_sent")}
    assert [m.to for m in mailoutbox] == [[cast.alice.email]]
    html = client.get(reverse("accounts:password_reset_sent")).content.decode()
    assert "If the address you entered belongs to an account" in html


def test_a_person_resets_their_password_and_their_other_sessions_end(client, cast, mailoutbox):
    elsewhere = Client()
    elsewhere.force_login(cast.alice)
    assert get_user(elsewhere).is_authenticated
    _ask(client, cast.alice.email.upper())
    assert "120 minutes" in mailoutbox[0].body
    link = client.get(_path(mailoutbox[0]))
    assert link.status_code == 302  # Django moves the token out of the address
    form_page = client.get(link["Location"])
    assert "Set a new password" in form_page.content.decode()
    done = client.post(
        link["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(NEW_PASSWORD)
    assert not get_user(elsewhere).is_authenticated
    assert Event.objects.filter(action="password_reset.completed", actor=cast.alice).exists()
    assert Event.objects.filter(action="password_reset.sent").count() == 1
    # The link works once.
    again = client.get(_path(mailoutbox[0]))
    assert "This link does not work" in again.content.decode()


def test_the_link_expires_after_the_setting(client, cast, mailoutbox, monkeypatch, settings):
    _ask(client, cast.alice.email)
    path = _path(mailoutbox[0])
    now = default_token_generator._now()
    monkeypatch.setattr(
        default_token_generator,
        "_now",
        lambda: now + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60),
    )
    response = client.get(path, follow=True)
    assert "This link does not work" in response.content.decode()
    assert settings.PASSWORD_RESET_TIMEOUT == 2 * 60 * 60


def test_a_weak_password_is_refused_beside_the_field(client, cast, mailoutbox):
    _ask(client, cast.alice.email)
    link = client.get(_path(mailoutbox[0]))
    html = client.post(
        link["Location"], {"new_password1": "password", "new_password2": "password"}
    ).content.decode()
    assert 'id="id_new_password1-error"' in html and "<title>Error: " in html
    cast.alice.refresh_from_db()
    assert not cast.alice.check_password("password")


def test_resets_to_one_address_are_limited(client, cast, mailoutbox, settings):
    for _ in range(settings.CAP_PASSWORD_RESET_LIMIT + 2):
        assert _ask(client, cast.alice.email).status_code == 302
    assert len(mailoutbox) == settings.CAP_PASSWORD_RESET_LIMIT
    assert Event.objects.filter(action="password_reset.throttled").count() == 2


def test_an_invited_person_who_has_not_set_a_password_may_reset(client, db, mailoutbox):
    person = UserFactory(password="!")  # an unusable password, as an invitation leaves
    _ask(client, person.email)
    assert [m.to for m in mailoutbox] == [[person.email]]


@pytest.mark.parametrize("email", ["", "not-an-address"])
def test_a_missing_or_malformed_address_is_refused_beside_the_field(client, db, email):
    html = _ask(client, email).content.decode()
    assert 'id="id_email-error"' in html
