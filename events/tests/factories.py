"""An academic year holding today, and events in it, for events' tests."""

import datetime as dt

import factory
from django.utils import timezone

from events.models import Event, EventKind
from programmes.models import AcademicYear, Subscription


def year_holding_today() -> AcademicYear:
    today = timezone.localdate()
    starts = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    year, _ = AcademicYear.objects.get_or_create(
        name=f"{starts.year}-{str(starts.year + 1)[2:]}",
        defaults={"starts_on": starts, "ends_on": dt.date(starts.year + 1, 8, 31)},
    )
    return year


def subscribe(school, year: AcademicYear) -> Subscription:
    return Subscription.objects.create(school=school, year=year, tier1_placements=15)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    year = factory.LazyFunction(year_holding_today)
    title = factory.Sequence(lambda n: f"Network meeting {n}")
    kind = EventKind.NETWORK_MEETING
    audience = "SENDCos and CAP Coordinators"
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    starts_at = dt.time(9, 30)
    ends_at = dt.time(12, 0)
    venue = "Council House, Coventry"
    places = 10
    booking_closes_on = factory.LazyAttribute(lambda o: o.date - dt.timedelta(days=2))
