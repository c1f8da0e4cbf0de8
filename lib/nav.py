"""Whether a person may open a URL, asked before a link, menu item or button to it is shown.

A view checks who may open it; the link to it must not be offered to anyone else (a link
that answers 403 or 404 is a broken link). Each app registers, at start-up (in its
rules.py), a rule for each of its URL names that some signed-in people cannot open: a
predicate of the user and the URL's keyword arguments, answering as the view's own check
does. A URL name with no rule is open to everyone who can see a link to it.

    nav.register("casework_meetings:meetings", lambda user: can_run_panels(user))

The service menu (dashboards/context_processors.py) and templates
(`{% url_if_allowed "name" arg as link %}{% if link %}…{% endif %}`, accounts' `navigation`
tags) ask `may_open` / `url_if_allowed`. docs/permissions.md, "Navigation".
"""

from collections.abc import Callable

from django.urls import resolve, reverse

Rule = Callable[..., bool]

_RULES: dict[str, Rule] = {}


def register(url_name: str, rule: Rule) -> Rule:
    """Register the rule for a URL name ("namespace:name"); called once per name."""
    existing = _RULES.get(url_name)
    if existing is not None and existing is not rule:
        raise ValueError(f"{url_name} already has a navigation rule")
    _RULES[url_name] = rule
    return rule


def may_open(user, url_name: str, *args, **kwargs) -> bool:
    """Whether `user` may open the URL `reverse(url_name, args, kwargs)` names."""
    rule = _RULES.get(url_name)
    if rule is None:
        return True
    if args:  # the rule takes the URL's keyword arguments, as the view does
        kwargs = resolve(reverse(url_name, args=args)).kwargs
    return bool(rule(user, **kwargs))


def url_if_allowed(user, url_name: str, *args, **kwargs) -> str:
    """The URL when `user` may open it, otherwise ""."""
    if not may_open(user, url_name, *args, **kwargs):
        return ""
    return reverse(url_name, args=args or None, kwargs=kwargs or None)
