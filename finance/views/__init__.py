"""The money pages. The authority's pages (under /finance/) are for whoever may manage money
(the CAP manager and finance officers): `money_view` checks that before the view runs, as
area_required does for an area, and gives each page the sub-navigation's sections."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from finance.rules import can_manage_money

# (key, label, URL name) of each section of the authority's money pages, in order.
SECTIONS = [
    ("subscriptions", "Subscriptions", "finance:subscriptions"),
    ("fees", "Fees", "finance:fees"),
    ("statements", "Statements", "finance:statements"),
    ("export", "Finance system", "finance:export"),
]


def money_sections() -> list[tuple[str, str, str]]:
    return [(key, label, reverse(name)) for key, label, name in SECTIONS]


def money_view(view):
    """The base of every authority money page: the CAP manager or a finance officer only."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_manage_money(request.user):
            raise PermissionDenied("This part of CAP is for the CAP manager and finance officers.")
        return view(request, *args, **kwargs)

    return wrapped
