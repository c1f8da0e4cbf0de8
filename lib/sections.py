"""Parts of one app's pages that an app above it provides.

A page of a lower app (an application's page) cannot import the higher app whose facts it
should show (its panels), so the higher app registers a section for the page at start-up,
and the page renders whatever is registered. A section is a function of the request and the
page's object that returns HTML, or "" when it has nothing to show.
"""

from collections import defaultdict
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

Section = Callable[[HttpRequest, object], str]

_SECTIONS: dict[str, list[Section]] = defaultdict(list)


def section(page: str) -> Callable[[Section], Section]:
    """Register a function as a section of `page` (a name the page's view uses)."""

    def register(function: Section) -> Section:
        if function not in _SECTIONS[page]:
            _SECTIONS[page].append(function)
        return function

    return register


def sections_for(page: str, request: HttpRequest, obj: object = None) -> list[SafeString]:
    """The page's sections, in the order they were registered; empty ones left out."""
    return [SafeString(html) for function in _SECTIONS[page] if (html := function(request, obj))]
