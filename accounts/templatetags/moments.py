"""The template filter for a moment, the GOV.UK way, for every app's templates."""

from django import template

from lib.dates import moment_words

register = template.Library()


@register.filter
def when(moment):
    """ "6 December 2026 at 9:05am", in the service's time zone; nothing for no moment."""
    return moment_words(moment) if moment else ""
