from django import template

from dashboards import selectors

register = template.Library()


@register.filter
def when(moment):
    """A moment the GOV.UK way: "6 December 2026 at 9:05am"."""
    return selectors.when(moment) if moment else ""
