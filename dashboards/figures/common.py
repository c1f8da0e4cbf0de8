"""What the figures modules share: the window as moments, counts by a field, and what a
decision on a referral is."""

import datetime as dt
from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from applications.workflow import Status

# The service's decision on a referral is the first step the workflow marks `decides`
# (Application.decided_at): CAP's acceptance or decline, or the first panel's approval,
# waiting list or decline. It was a decline when the application ended declined by CAP or
# a panel; otherwise it was an approval, whatever came after (a provider's decline, a
# withdrawal).
DECLINED = (Status.DECLINED, Status.PANEL_DECLINED)
DECIDED = Q(decided_at__isnull=False)
APPROVED = DECIDED & ~Q(status__in=DECLINED)


def local_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window as aware datetimes: from the start of `first` to the end of `last`."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def counted(queryset: QuerySet, field: str) -> Counter:
    """How many rows have each value of `field`, counted in one query."""
    return Counter(dict(queryset.values_list(field).annotate(n=Count("id")).order_by()))
