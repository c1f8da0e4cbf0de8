"""School review meetings for tests, in the spring term of 2025-26 as the placements'
tests set it up (placements.tests.factories.make_terms), on a clock set inside that term."""

import datetime as dt

from django.utils import timezone

from placements.models import Placement
from placements.services import tallies_rebuild
from placements.tests.factories import MONDAY, make_placement, record_marks, week_of_codes
from programmes.models import Term
from school_reviews import services

# Tuesday 20 January 2026, 10am: a week after the spring term's first placements start.
TODAY = dt.date(2026, 1, 20)
MEETING_DAY = dt.date(2026, 2, 3)


def now() -> dt.datetime:
    return dt.datetime.combine(TODAY, dt.time(10), tzinfo=timezone.get_current_timezone())


def spring() -> Term:
    return Term.objects.select_related("year").get(name="Spring")


def placement_with_marks(cast, programme, *, school, codes: list[str] | None = None, **extra):
    placement = make_placement(
        programme=programme, provider=cast.provider, school=school, by=cast.officer, **extra
    )
    if codes:
        record_marks(placement, week_of_codes(MONDAY, codes), by=cast.provider_staff)
        tallies_rebuild(first=MONDAY, last=MONDAY + dt.timedelta(days=6))
    return placement


def end(placement: Placement, *, on: dt.date, outcome: str = "returned") -> Placement:
    Placement.objects.filter(pk=placement.pk).update(ended_on=on, exit_outcome=outcome)
    placement.refresh_from_db()
    return placement


def prepare(cast, school, **changes):
    fields = {
        "held_on": MEETING_DAY,
        "starts_at": dt.time(10),
        "place": "The school library",
        "attendees": "Olive Officer, CAP\nAlice Referrer, CAP coordinator",
    } | changes
    return services.meeting_prepare(school=school, term=spring(), by=cast.officer, **fields)
