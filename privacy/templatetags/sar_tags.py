from django import template

from privacy.subject_access import when as _when

register = template.Library()


@register.filter
def when(moment):
    """A moment the GOV.UK way: "6 December 2026 at 9:05am"."""
    return _when(moment) if moment else ""
