"""The template filters for dates, times and counts the GOV.UK way, for every app's
templates: {{ moment|when }} "6 December 2026 at 9:05am", {{ date|day }} "1 December 2026",
{{ moment|clock }} "1:25pm". Counts and articles are in the words library."""

import datetime as dt

from django import template
from django.utils import timezone

from lib.dates import long_date, moment_words, time_of_day

register = template.Library()


@register.filter
def when(moment):
    """ "6 December 2026 at 9:05am", in the service's time zone; nothing for no moment."""
    return moment_words(moment) if moment else ""


@register.filter
def day(value):
    """ "1 December 2026" for a date or a moment (its day in the service's time zone);
    nothing for none."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return long_date(value, weekday=False)


@register.filter
def clock(value):
    """ "1:25pm", "9am", "midday" for a time or a moment (in the service's time zone);
    nothing for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return time_of_day(value)
