"""Missed weeks: a weekly allocation expects a delivery each school week, on its day, from
its start; a past week with nothing logged is missed, a cancelled one is not."""

import datetime as dt

from entitlements.models import DeliveryStatus
from entitlements.selectors import rows_for
from entitlements.tests.factories import AllocationFactory, DeliveryFactory

D = dt.date


def test_a_week_with_nothing_logged_is_missed(cast, world):
    # Tuesdays from 8 September 2026; today is Monday 16 November.
    DeliveryFactory(allocation=world.semhl, on=D(2026, 9, 8), recorded_by=cast.officer)
    # On another day of its week: the week is delivered.
    DeliveryFactory(allocation=world.semhl, on=D(2026, 9, 17), recorded_by=cast.officer)
    DeliveryFactory(
        allocation=world.semhl,
        on=D(2026, 10, 6),
        status=DeliveryStatus.CANCELLED,
        cancelled_because="Practitioner ill",
        recorded_by=cast.officer,
    )
    (row,) = rows_for([world.semhl], today=D(2026, 11, 16))
    assert (row.delivered, row.cancelled, row.last_delivered) == (2, 1, D(2026, 9, 17))
    # Half term (27 October) is not expected, nor anything from today on.
    assert row.missed == [
        D(2026, 9, 22),
        D(2026, 9, 29),
        D(2026, 10, 13),
        D(2026, 10, 20),
        D(2026, 11, 3),
        D(2026, 11, 10),
    ]


def test_today_s_delivery_is_not_missed_yet(cast, world):
    (row,) = rows_for([world.semhl], today=D(2026, 9, 8))
    assert row.missed == []
    (row,) = rows_for([world.semhl], today=D(2026, 9, 9))
    assert row.missed == [D(2026, 9, 8)]


def test_nothing_is_missed_between_terms(cast, world):
    allocation = AllocationFactory(
        subscription=world.subscription,
        benefit=world.benefits["semhl-practitioner"],
        weekday=0,
        starts_on=D(2026, 12, 19),
        allocated_by=cast.officer,
    )
    (row,) = rows_for([allocation], today=D(2027, 1, 4))
    assert row.missed == []
    (row,) = rows_for([allocation], today=D(2027, 1, 5))
    assert row.missed == [D(2027, 1, 4)]


def test_support_as_needed_is_never_missed(cast, world):
    outreach = AllocationFactory(
        subscription=world.subscription,
        benefit=world.benefits["capa-outreach"],
        allocated_by=cast.officer,
    )
    (row,) = rows_for([outreach], today=D(2027, 3, 1))
    assert row.missed == []


def test_nothing_is_missed_after_an_allocation_ends(cast, world):
    world.semhl.ends_on = D(2026, 9, 16)
    (row,) = rows_for([world.semhl], today=D(2026, 11, 16))
    assert row.missed == [D(2026, 9, 8), D(2026, 9, 15)]
