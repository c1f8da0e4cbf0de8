from django import template
from django.utils import timezone

from lib.dates import time_of_day as _time_of_day

register = template.Library()


@register.filter
def time_of_day(moment) -> str:
    """A moment's time in London the GOV.UK way: "9am", "1:25pm" (lib.dates.time_of_day)."""
    if not moment:
        return ""
    return _time_of_day(timezone.localtime(moment))
