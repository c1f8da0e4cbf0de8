"""Middleware about sessions: their limits, the second factor, and what is kept of them.

The limits on a session: SESSION_COOKIE_AGE seconds idle (Django's session store forgets
the session), and CAP_SESSION_MAX_AGE seconds from signing in whatever happens (ended here).
Either way the person is sent to the sign-in page, which says why, with the page they
asked for kept as `next`.

Nothing shown to someone signed in is kept: every response to them says
`Cache-Control: private, no-store`, so pupils' data never comes back from a shared
computer's cache or the back button after sign-out, nor from a proxy. Static files
(WhiteNoise) and /healthz are answered by middleware before these and never reach them.

The second factor's gate: a person who needs one (accounts/rules.py needs_second_factor)
and has not passed it in this session reaches only the second-factor pages and signing out.
It sits in the middleware, after django-otp's, so that every area is covered, Django's admin
and the document downloads included, whatever decorators a view has."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.rules import needs_second_factor
from accounts.services import authenticator_of

# Pages anyone may open without signing in, by URL name (with the password reset's, the
# open data's and the about pages', matched by their start).
OPEN_TO_ALL = frozenset({"accounts:signed_out", "accounts:invitation_accept"})
# The pages every public service must have (the accessibility statement, the privacy notice,
# cookies, contact; the about app's namespace), open to everyone at every stage: signed out,
# timed out, or signed in before the second factor.
OPEN_AT_ANY_STAGE = "about:"

# The sign-in time, in seconds since the epoch, kept in the session.
SIGNED_IN_AT = "cap_signed_in_at"
IDLE = "idle"
LIMIT = "limit"
ENDINGS = (IDLE, LIMIT)


def signed_in_at_record(request: HttpRequest) -> None:
    """Call straight after `login()`: the twelve hours start now."""
    request.session[SIGNED_IN_AT] = int(time.time())


def session_seconds_left(request: HttpRequest) -> int:
    """Seconds until the absolute limit ends this session."""
    started = request.session.get(SIGNED_IN_AT, int(time.time()))
    return max(0, started + settings.CAP_SESSION_MAX_AGE - int(time.time()))


def timed_out_url(ended: str, next_url: str | None) -> str:
    query = {"ended": ended}
    if next_url:
        query["next"] = next_url
    return f"{reverse('accounts:sign_in')}?{urlencode(query)}"


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        ended = self._ended(request)
        if ended and not self._signing_in(request) and not self._open_to_all(request):
            return HttpResponseRedirect(timed_out_url(ended, self._next(request)))
        return self.get_response(request)

    def _open_to_all(self, request: HttpRequest) -> bool:
        """A page anyone may open (an invitation's or a password reset's link, the open
        data, the about pages): a stale cookie is no reason to send its reader to sign in."""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_TO_ALL or match.view_name.startswith(
            ("accounts:password_reset", "quality:feed_", OPEN_AT_ANY_STAGE)
        )

    def _signing_in(self, request: HttpRequest) -> bool:
        """On its way to sign in already: telling, or sent, or showing what it was told."""
        return request.path == reverse("accounts:sign_in") and (
            request.method == "POST" or "ended" in request.GET
        )

    def _ended(self, request: HttpRequest) -> str | None:
        if request.user.is_authenticated:
            if SIGNED_IN_AT not in request.session:
                # A session from before the limit existed (or made by force_login in a
                # test): its twelve hours start now.
                signed_in_at_record(request)
            elif session_seconds_left(request) <= 0:
                logout(request)
                return LIMIT
            return None
        # A session cookie whose session the store no longer has: it expired, idle. (Signing
        # out deletes the cookie, and the cookie itself lasts until the browser closes.)
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.session.is_empty():
            return IDLE
        return None

    def _next(self, request: HttpRequest) -> str | None:
        """The page to return to: the one asked for, or for a form sent after the time-out
        (whose answers are gone with the session) the page that showed the form."""
        if request.method in ("GET", "HEAD"):
            return request.get_full_path()
        referer = request.META.get("HTTP_REFERER", "")
        if referer and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(referer)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return None


class NoStoreForSignedInMiddleware:
    """After AuthenticationMiddleware (it asks who is signed in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


# The pages an unverified person may open (by URL name): the code pages, signing out, and
# signing in again (as someone else).
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:second_factor",
        "accounts:second_factor_enrol",
        "accounts:sign_in",
        "accounts:demo_sign_in",
        "accounts:sign_out",
        "accounts:signed_out",
        "accounts:session_extend",
    }
)


def second_factor_url(user, next_url: str | None) -> str:
    """The page that asks this person for a code, or sets up their app if they have none,
    then sends them on to `next_url`."""
    name = "accounts:second_factor" if authenticator_of(user) else "accounts:second_factor_enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in OPEN_BEFORE_SECOND_FACTOR
            or match.view_name.startswith(OPEN_AT_ANY_STAGE)
        ):
            return None
        if not needs_second_factor(user):
            return None
        next_url = request.get_full_path() if request.method == "GET" else None
        return redirect(second_factor_url(user, next_url))
