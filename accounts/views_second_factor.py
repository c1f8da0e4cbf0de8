"""The second factor's pages: the code after the password (and again before safeguarding
concerns), setting up an authenticator app, the recovery codes shown once, and an
administrator's reset."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import services
from accounts.forms import EnrolForm, SecondFactorForm
from accounts.middleware import second_factor_url
from accounts.models import User
from accounts.rules import can_reset_second_factor
from accounts.second_factor import demo_authenticator, device_picture
from accounts.views import _is_demo_email, _safe_next
from lib.forms import posted

RECOVERY_CODES_SESSION_KEY = "cap_recovery_codes"
WRONG_CODE = "The code is wrong or has expired. Enter the code your authenticator app shows now"


def _wait_message(seconds: int) -> str:
    return (
        f"Too many wrong codes. Wait {seconds} second{'' if seconds == 1 else 's'}, "
        "then enter the code your authenticator app shows now"
    )


def _page_context(request) -> dict:
    context = {"next": _safe_next(request) or ""}
    if not request.user.is_verified():
        # Before the second factor the header offers signing out and nothing else: the
        # areas it would link to cannot be opened yet.
        context["service_nav"] = []
    if _is_demo_email(request.user.email):
        context["demo_authenticator"] = demo_authenticator()
    return context


def _with_next(url: str, target: str | None) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    user = request.user
    if services.authenticator_of(user) is None:
        return redirect(second_factor_url(user, _safe_next(request)))
    again = user.is_verified()
    form = SecondFactorForm(posted(request))
    if form.is_valid():
        result = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if result.ok:
            services.session_verified(request, result.device)
            if isinstance(result.device, StaticDevice):
                left = result.device.token_set.count()
                messages.info(
                    request,
                    f"You used a recovery code. You have {left} recovery "
                    f"code{'' if left == 1 else 's'} left.",
                )
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
        form.add_error(
            "code", _wait_message(result.wait_seconds) if result.wait_seconds else WRONG_CODE
        )
    return render(
        request,
        "accounts/second_factor.html",
        {
            **_page_context(request),
            "form": form,
            "again": again,
            "fresh_hours": settings.CAP_SECOND_FACTOR_FRESH_HOURS,
        },
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request):
    user = request.user
    if services.authenticator_of(user) is not None:
        return redirect(second_factor_url(user, _safe_next(request)))
    device = services.authenticator_start(user=user)
    form = EnrolForm(posted(request))
    if form.is_valid():
        wait = services.code_wait_seconds(device)
        codes = None
        if not wait:
            codes = services.authenticator_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        if codes:
            services.session_verified(request, services.authenticator_of(user))
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next(reverse("accounts:recovery_codes"), _safe_next(request)))
        form.add_error("code", _wait_message(wait) if wait else WRONG_CODE)
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {**_page_context(request), "form": form, **device_picture(device)},
    )


@never_cache
@login_required
@require_GET
def recovery_codes(request):
    """The recovery codes, shown once: this page takes them out of the session as it shows
    them. (django-otp keeps them in its static token table to check them, as it keeps the
    authenticator's secret: the database is the only other place they are.)"""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    onward = _safe_next(request) or reverse(settings.LOGIN_REDIRECT_URL)
    if not codes:
        return redirect(onward)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "onward": onward})


def _person_to_reset(request, user_uuid) -> User:
    """The person whose second factor the user may reset; 404 for anyone else."""
    person = get_object_or_404(User, uuid=user_uuid)
    if not can_reset_second_factor(request.user, person):
        raise Http404
    return person


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_reset(request, user_uuid):
    person = _person_to_reset(request, user_uuid)
    if request.method == "POST":
        services.second_factor_reset(person=person, by=request.user)
        messages.success(
            request,
            f"{person.full_name}'s second factor is reset. They set up their authenticator "
            "app again the next time they sign in.",
        )
        return redirect("accounts:person", person.uuid)
    return render(
        request,
        "accounts/second_factor_reset.html",
        {"person": person, "enrolled": services.authenticator_of(person) is not None},
    )
