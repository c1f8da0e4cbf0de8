"""A time of day the GOV.UK way ("10am", "1:30pm"), for the meetings' pages."""

from django import template

from lib.dates import time_of_day

register = template.Library()


@register.filter
def clock(value):
    """ "1:30pm"; nothing for no time."""
    return time_of_day(value) if value else ""
