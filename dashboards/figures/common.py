"""What the figures modules share: the window as moments, and counts by a field."""

import datetime as dt
from collections import Counter

from django.db.models import Count, QuerySet
from django.utils import timezone


def local_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window as aware datetimes: from the start of `first` to the end of `last`."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def counted(queryset: QuerySet, field: str) -> Counter:
    """How many rows have each value of `field`, counted in one query."""
    return Counter(dict(queryset.values_list(field).annotate(n=Count("id")).order_by()))
