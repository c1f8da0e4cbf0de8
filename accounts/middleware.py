"""The second factor's gate: a person who needs one (accounts/rules.py needs_second_factor)
and has not passed it in this session reaches only the second-factor pages and signing out.
It sits in the middleware, after django-otp's, so that every area is covered, Django's admin
and the document downloads included, whatever decorators a view has."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from accounts.rules import needs_second_factor
from accounts.services import authenticator_of

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
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not needs_second_factor(user):
            return None
        next_url = request.get_full_path() if request.method == "GET" else None
        return redirect(second_factor_url(user, next_url))
