import time
from functools import wraps

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.forms import SignInForm
from accounts.middleware import ENDINGS, second_factor_url, signed_in_at_record, timed_out_url
from accounts.models import User
from accounts.rules import (
    AREA_LABELS,
    can_enter_area,
    needs_second_factor,
)
from accounts.second_factor import demo_authenticator
from lib.client_address import client_address
from lib.dates import duration_words


def area_required(area: str):
    """The base of every view in an audience's area: the role is checked before any view
    code runs (STYLE.md rule 11)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not can_enter_area(request.user, area):
                raise PermissionDenied(
                    f"This part of CAP is for {AREA_LABELS[area].lower()} users."
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _recently_verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified is None or not is_verified():
        return False
    verified_at = request.session.get(services.VERIFIED_AT_SESSION_KEY, 0)
    return time.time() - verified_at < settings.CAP_SECOND_FACTOR_FRESH_HOURS * 60 * 60


def second_factor_recent(view):
    """For the pages that need a recent second factor (safeguarding concerns): a person who
    needs one and last entered a code longer ago than CAP_SECOND_FACTOR_FRESH_HOURS is asked
    for a code again, then returned to the page (after a form sent, to the page it was
    sent from)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if needs_second_factor(request.user) and not _recently_verified(request):
            if request.method == "GET":
                back = request.get_full_path()
            else:
                back = _safe_url(request, request.headers.get("referer"))
            return redirect(second_factor_url(request.user, back))
        return view(request, *args, **kwargs)

    return wrapped


def _safe_url(request, target: str | None) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _after_password(request, user: User) -> str:
    """Where a person goes once their password is right: to the second factor if they need
    it (then on to the page they wanted), else straight to that page."""
    target = _safe_next(request) or None
    if needs_second_factor(user):
        return second_factor_url(user, target)
    return target or settings.LOGIN_REDIRECT_URL


def _safe_next(request) -> str | None:
    return _safe_url(request, request.POST.get("next") or request.GET.get("next"))


def _is_demo_email(email: str) -> bool:
    return email.lower().endswith("@" + settings.CAP_DEMO_EMAIL_DOMAIN)


def _demo_users() -> list[User]:
    """The demo users (made by `manage.py load_demo`) for the sign-in page, in demo mode."""
    if not settings.CAP_DEMO_MODE:
        return []
    users = User.objects.filter(
        is_active=True, email__iendswith="@" + settings.CAP_DEMO_EMAIL_DOMAIN
    ).prefetch_related("memberships__organisation")
    return list(users)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            auth_login(request, user)
            signed_in_at_record(request)
            services.sign_in_record(user=user)
            return redirect(_after_password(request, user))
        if not getattr(request, "axes_locked_out", False):
            services.sign_in_failure_record(
                email=request.POST.get("username", ""),
                locked_out=False,
                address=client_address(request),
            )
    ended = request.GET.get("ended")
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": _safe_next(request) or "",
            "ended": ended if ended in ENDINGS else None,
            "idle_for": duration_words(settings.SESSION_COOKIE_AGE),
            "max_for": duration_words(settings.CAP_SESSION_MAX_AGE),
            "demo_users": _demo_users(),
            "demo_password": settings.CAP_DEMO_PASSWORD,
            "demo_authenticator": demo_authenticator(),
        },
    )


def locked_out(request, credentials, *args, **kwargs):
    """Called by django-axes instead of the view once an address is locked. It says the
    same thing whether or not an account exists."""
    email = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    services.sign_in_failure_record(email=email, locked_out=True, address=client_address(request))
    form = SignInForm(request)
    form.is_bound = False
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "locked_out": True,
            "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60),
            "demo_users": _demo_users(),
            "demo_password": settings.CAP_DEMO_PASSWORD,
            "demo_authenticator": demo_authenticator(),
        },
        status=429,
    )


@require_POST
def demo_sign_in(request, user_uuid):
    """One-click sign-in for the demo accounts. Exists only in demo mode."""
    if not settings.CAP_DEMO_MODE:
        raise Http404
    user = get_object_or_404(User, uuid=user_uuid, is_active=True)
    if not _is_demo_email(user.email):
        raise Http404
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    signed_in_at_record(request)
    services.sign_in_record(user=user)
    return redirect(_after_password(request, user))


@require_POST
def sign_out(request):
    auth_logout(request)
    # The time-out warning's script signs a person out when its countdown ends: they are
    # told why on the sign-in page, and come back to the page they were on.
    ended = request.POST.get("ended")
    if ended in ENDINGS:
        return redirect(timed_out_url(ended, _safe_next(request)))
    return redirect("accounts:signed_out")


@require_POST
def session_extend(request):
    """The time-out warning's "Stay signed in": any request extends the session
    (SESSION_SAVE_EVERY_REQUEST), so this only answers, 204 and no page; 401 when the
    session has already ended, for the script to send the person to sign in."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


@require_GET
def signed_out(request):
    return render(request, "accounts/signed_out.html")


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def csrf_failure(request, reason=""):
    """A form sent without its security token, usually from a page left open too long."""
    return render(
        request,
        "403.html",
        {"reason": "The form had expired. Go back, reload the page and try again."},
        status=403,
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the failure may be in the context processors or the database.
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render(
            {
                "authority_name": settings.CAP_AUTHORITY_NAME,
                "service_name": settings.CAP_SERVICE_NAME,
                "service_address": settings.CAP_SERVICE_ADDRESS,
            }
        )
    )
