"""Sessions end after 30 minutes without a request and 12 hours after signing in; the
sign-in page then says why and keeps the page asked for. "Stay signed in" extends it."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SIGNED_IN_AT
from accounts.tests.factories import PASSWORD, member
from accounts.tests.second_factor import authenticator, code_for

SIGN_IN = reverse("accounts:sign_in")
EXTEND = reverse("accounts:session_extend")
MODEL = reverse("students:list")


def sign_in(client, user, url: str = SIGN_IN, next_url: str = ""):
    """The password, then the code from the person's authenticator app; returns where the
    code sends them."""
    device = authenticator(user)
    password = {"username": user.email, "password": PASSWORD, "next": next_url}
    response = client.post(url, password)
    assert response.status_code == 302
    response = client.post(response.url, {"code": code_for(device), "next": next_url})
    assert response.status_code == 302
    return response


def session_row(client) -> Session:
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key)


def go_idle(client) -> None:
    """What 30 minutes without a request does: the store's expiry passes."""
    Session.objects.filter(pk=session_row(client).pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_the_limits_are_30_minutes_idle_and_12_hours_in_all():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    assert django_settings.CAP_SESSION_MAX_AGE == 12 * 60 * 60
    assert django_settings.CAP_SESSION_WARNING_SECONDS == 2 * 60


def test_signing_in_records_the_time_and_each_request_extends_the_session(client, cast):
    before = int(time.time())
    sign_in(client, cast.alice)
    assert before <= client.session[SIGNED_IN_AT] <= int(time.time())
    Session.objects.filter(pk=session_row(client).pk).update(
        expire_date=timezone.now() + timedelta(seconds=5)
    )
    assert client.get(MODEL).status_code == 200
    left = session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)


def test_a_stale_session_does_not_turn_away_an_invitation_or_a_reset_link(client, cast):
    sign_in(client, cast.alice)
    go_idle(client)
    for url in (
        reverse("accounts:invitation_accept", args=["not-a-token"]),
        reverse("accounts:password_reset"),
        reverse("quality:feed_info"),
    ):
        response = client.get(url)
        assert not (response.status_code == 302 and response.url.startswith(SIGN_IN)), url
    assert client.get(MODEL).url.startswith(SIGN_IN)  # a page that needs signing in does


def test_after_30_minutes_idle_the_sign_in_page_says_why_and_keeps_the_page(client, cast):
    sign_in(client, cast.alice)
    go_idle(client)
    response = client.get(f"{MODEL}?q=smith")
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)
    assert query(response.url) == {"ended": "idle", "next": f"{MODEL}?q=smith"}
    page = client.get(response.url).content.decode()
    assert "You have been signed out because you had not done anything for 30 minutes." in page
    assert f'name="next" value="{MODEL}?q=smith"' in page
    # Signing in again returns to the page asked for.
    again = sign_in(client, cast.alice, response.url, next_url=f"{MODEL}?q=smith")
    assert again.url == f"{MODEL}?q=smith"


def test_a_form_sent_after_the_time_out_returns_to_the_page_that_showed_it(client, cast):
    sign_in(client, cast.alice)
    go_idle(client)
    response = client.post(reverse("accounts:sign_out"), HTTP_REFERER=f"http://testserver{MODEL}")
    assert query(response.url) == {"ended": "idle", "next": MODEL}
    elsewhere = client.post(reverse("accounts:sign_out"), HTTP_REFERER="https://evil.example/x")
    assert "next" not in query(elsewhere.url)


def test_12_hours_after_signing_in_the_session_ends_however_busy(client, cast, settings):
    sign_in(client, cast.alice)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.CAP_SESSION_MAX_AGE + 60
    session.save()
    assert client.get(MODEL).status_code == 200  # a minute to go
    session[SIGNED_IN_AT] = int(time.time()) - settings.CAP_SESSION_MAX_AGE
    session.save()
    response = client.get(MODEL)
    assert query(response.url) == {"ended": "limit", "next": MODEL}
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "You have been signed out because you had been signed in for 12 hours." in page
    # The session is gone, and with it the cookie: the next visit is an ordinary one.
    assert "ended" not in query(client.get(MODEL).url)


def test_someone_who_never_signed_in_or_signed_out_is_not_told_of_a_time_out(client, cast):
    response = client.get(MODEL)
    assert "ended" not in query(response.url)
    sign_in(client, cast.alice)
    client.post(reverse("accounts:sign_out"))
    response = client.get(MODEL)
    assert "ended" not in query(response.url)
    page = client.get(SIGN_IN).content.decode()
    assert "You have been signed out because" not in page


def test_the_demo_sign_in_records_the_time_too(client, cast, settings):
    settings.CAP_DEMO_MODE = True
    demo = member(cast.school_a, "referrer", email="coordinator@demo.cap.invalid")
    client.post(reverse("accounts:demo_sign_in", args=[demo.uuid]))
    assert abs(client.session[SIGNED_IN_AT] - time.time()) < 5


class TestStaySignedIn:
    def test_it_answers_204_and_extends_the_session(self, client, cast):
        sign_in(client, cast.alice)
        Session.objects.filter(pk=session_row(client).pk).update(
            expire_date=timezone.now() + timedelta(seconds=30)
        )
        response = client.post(EXTEND)
        assert response.status_code == 204
        assert response.content == b""
        assert session_row(client).expire_date - timezone.now() > timedelta(minutes=29)

    def test_it_needs_a_post(self, client, cast):
        sign_in(client, cast.alice)
        assert client.get(EXTEND).status_code == 405

    def test_it_answers_401_without_a_session(self, client, db):
        assert client.post(EXTEND).status_code == 401

    def test_it_needs_the_csrf_token(self, cast):
        from django.test import Client

        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(cast.alice)
        assert csrf_client.post(EXTEND).status_code == 403

    def test_it_cannot_pass_the_12_hours(self, client, cast, settings):
        sign_in(client, cast.alice)
        session = client.session
        session[SIGNED_IN_AT] = int(time.time()) - settings.CAP_SESSION_MAX_AGE
        session.save()
        assert client.post(EXTEND).status_code == 302


class TestTheWarning:
    def test_signed_in_pages_carry_the_warning_with_its_timings(self, client, cast, settings):
        settings.CAP_SESSION_WARNING_SECONDS = 90
        sign_in(client, cast.alice)
        session = client.session
        session[SIGNED_IN_AT] = int(time.time()) - 3600
        session.save()
        page = client.get(MODEL).content.decode()
        assert 'data-module="cap-timeout-dialog"' in page
        assert 'data-idle-seconds="1800"' in page
        assert 'data-warning-seconds="90"' in page
        left = 11 * 3600
        assert any(f'data-limit-seconds-left="{left - d}"' in page for d in range(3))
        assert f'data-extend-url="{EXTEND}"' in page
        assert "You will be signed out soon" in page

    def test_the_sign_in_page_has_no_warning(self, client, db):
        assert "cap-timeout-dialog" not in client.get(SIGN_IN).content.decode()

    @pytest.mark.parametrize("ended", ["idle", "limit"])
    def test_its_sign_out_at_the_end_of_the_countdown_says_why(self, client, cast, ended):
        sign_in(client, cast.alice)
        response = client.post(reverse("accounts:sign_out"), {"ended": ended, "next": MODEL})
        assert query(response.url) == {"ended": ended, "next": MODEL}
        assert "_auth_user_id" not in client.session

    def test_an_unsafe_next_or_unknown_ending_is_not_followed(self, client, cast):
        sign_in(client, cast.alice)
        response = client.post(
            reverse("accounts:sign_out"), {"ended": "idle", "next": "https://evil.example/"}
        )
        assert query(response.url) == {"ended": "idle"}
        sign_in(client, cast.alice)
        response = client.post(reverse("accounts:sign_out"), {"ended": "forever"})
        assert response.url == reverse("accounts:signed_out")
        page = client.get(f"{SIGN_IN}?ended=forever").content.decode()
        assert "You have been signed out because" not in page
