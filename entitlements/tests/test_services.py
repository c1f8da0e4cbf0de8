"""Allocating a benefit, logging a delivery and recording a cancellation: the rules each
service checks itself, and the audit event each writes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import Event
from entitlements import services
from entitlements.models import Allocation, Delivery, DeliveryStatus
from lib.errors import Refused

D = dt.date


def allocate(world, school, *, by, benefit="semhl-practitioner", **fields):
    values = {"given_by": "Sam Practitioner", "starts_on": D(2026, 9, 7), "weekday": 2}
    values.update(fields)
    return services.allocation_make(benefit=world.benefits[benefit], school=school, by=by, **values)


def test_the_cap_team_allocates_a_weekly_practitioner_to_a_subscribing_school(cast, world):
    allocation = allocate(world, cast.school_a, by=cast.officer)
    assert allocation.subscription == world.subscription
    assert (allocation.weekday, allocation.given_by) == (2, "Sam Practitioner")
    event = Event.objects.get(action="entitlement.allocated", object_id=str(allocation.uuid))
    assert event.actor == cast.officer
    assert event.detail == {
        "benefit": "semhl-practitioner",
        "year": "2026-27",
        "school": str(cast.school_a.uuid),
    }


def test_it_allocates_only_to_a_school_that_subscribes_for_the_year(cast, world):
    with pytest.raises(Refused) as refused:
        allocate(world, cast.school_b, by=cast.officer)
    assert refused.value.field == "school"
    assert "School B has no service level agreement for 2026-27" in str(refused.value)
    assert not Allocation.objects.filter(subscription__school=cast.school_b).exists()
    assert not Event.objects.filter(action="entitlement.allocated").exists()


def test_a_weekly_benefit_needs_its_day(cast, world):
    with pytest.raises(Refused) as refused:
        allocate(world, cast.school_a, by=cast.officer, weekday=None)
    assert refused.value.field == "weekday"


def test_a_mentor_is_for_a_student_on_the_school_s_roll(cast, world):
    mentor = allocate(
        world, cast.school_a, by=cast.officer, benefit="yjs-mentor", student=world.student_a
    )
    # A day each week means nothing for a mentor: it is not kept.
    assert (mentor.student, mentor.weekday) == (world.student_a, None)
    with pytest.raises(Refused) as refused:
        allocate(world, cast.school_a, by=cast.officer, benefit="yjs-mentor")
    assert refused.value.field == "student"
    with pytest.raises(Refused) as refused:
        allocate(
            world, cast.school_a, by=cast.officer, benefit="yjs-mentor", student=world.student_b
        )
    assert (refused.value.field, str(refused.value)) == (
        "student",
        "The student is not on School A's roll",
    )


def test_the_start_must_be_in_the_benefit_s_year(cast, world):
    with pytest.raises(Refused) as refused:
        allocate(world, cast.school_a, by=cast.officer, starts_on=D(2026, 8, 31))
    assert refused.value.field == "starts_on"


@pytest.mark.parametrize("who", ["alice", "headteacher", "monitoring", "provider_staff", "finance"])
def test_only_the_cap_team_allocates(cast, world, who):
    with pytest.raises(PermissionDenied):
        allocate(world, cast.school_a, by=getattr(cast, who))


def test_only_the_cap_manager_allocates_the_confidential_one_to_ones(cast, world):
    with pytest.raises(PermissionDenied):
        allocate(world, cast.school_a, by=cast.officer, benefit="collaborative-leadership")
    allocation = allocate(world, cast.school_a, by=cast.manager, benefit="collaborative-leadership")
    assert allocation.benefit.confidential


def test_event_places_are_never_allocated(cast, world):
    with pytest.raises(PermissionDenied):
        allocate(world, cast.school_a, by=cast.manager, benefit="network-and-training-events")


def test_a_delivery_is_logged_with_its_students_and_an_event(cast, world):
    delivery = services.delivery_log(
        allocation=world.semhl,
        on=D(2026, 9, 8),
        delivered_by="Sam Practitioner",
        what="Group work on friendships",
        students=[world.student_a],
        by=cast.officer,
    )
    assert delivery.status == DeliveryStatus.DELIVERED
    assert list(delivery.students.all()) == [world.student_a]
    event = Event.objects.get(action="entitlement.delivery_logged")
    assert event.detail == {"allocation": str(world.semhl.uuid), "students": 1}
    assert "Group work" not in str(event.detail)


def test_a_delivery_for_a_mentor_names_the_mentor_s_student(cast, world):
    mentor = allocate(
        world, cast.school_a, by=cast.officer, benefit="yjs-mentor", student=world.student_a
    )
    delivery = services.delivery_log(
        allocation=mentor, on=D(2026, 9, 9), delivered_by="Jo", what="Met", by=cast.officer
    )
    assert list(delivery.students.all()) == [world.student_a]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"on": D(2030, 1, 1)}, "on"),  # in the future
        ({"on": D(2026, 9, 1)}, "on"),  # before the allocation started
        ({"delivered_by": "  "}, "delivered_by"),
        ({"what": ""}, "what"),
    ],
)
def test_a_delivery_is_refused_beside_its_field(cast, world, changes, field):
    values = {"on": D(2026, 9, 8), "delivered_by": "Sam", "what": "Group work"} | changes
    with pytest.raises(Refused) as refused:
        services.delivery_log(allocation=world.semhl, by=cast.officer, **values)
    assert refused.value.field == field
    assert not Delivery.objects.exists()


def test_a_delivery_names_only_the_school_s_students(cast, world):
    with pytest.raises(Refused) as refused:
        services.delivery_log(
            allocation=world.semhl,
            on=D(2026, 9, 8),
            delivered_by="Sam",
            what="Group work",
            students=[world.student_b],
            by=cast.officer,
        )
    assert refused.value.field == "students"


def test_a_cancellation_is_recorded_with_its_reason(cast, world):
    delivery = services.delivery_cancel(
        allocation=world.semhl, on=D(2026, 9, 15), reason="Practitioner ill", by=cast.officer
    )
    assert (delivery.status, delivery.cancelled_because) == ("cancelled", "Practitioner ill")
    assert Event.objects.filter(
        action="entitlement.delivery_cancelled", object_id=str(delivery.uuid)
    ).exists()
    with pytest.raises(Refused) as refused:
        services.delivery_cancel(
            allocation=world.semhl, on=D(2026, 9, 22), reason=" ", by=cast.officer
        )
    assert refused.value.field == "reason"


def test_only_the_cap_manager_logs_the_one_to_ones(cast, world):
    with pytest.raises(PermissionDenied):
        services.delivery_log(
            allocation=world.one_to_ones,
            on=D(2026, 9, 8),
            delivered_by="Pat",
            what="Met",
            by=cast.officer,
        )
    services.delivery_log(
        allocation=world.one_to_ones,
        on=D(2026, 9, 8),
        delivered_by="Pat",
        what="Met",
        by=cast.manager,
    )


def test_an_allocation_ends_and_takes_no_delivery_after_its_last_day(cast, world):
    services.delivery_log(
        allocation=world.semhl, on=D(2026, 9, 8), delivered_by="Sam", what="Met", by=cast.officer
    )
    with pytest.raises(Refused) as refused:
        services.allocation_end(allocation=world.semhl, ends_on=D(2026, 9, 7), by=cast.officer)
    assert refused.value.field == "ends_on"  # before a delivery already logged
    ended = services.allocation_end(allocation=world.semhl, ends_on=D(2026, 9, 30), by=cast.officer)
    assert ended.ends_on == D(2026, 9, 30)
    assert Event.objects.filter(
        action="entitlement.allocation_ended", object_id=str(world.semhl.uuid)
    ).exists()
    with pytest.raises(Refused) as refused:
        services.delivery_log(
            allocation=ended, on=D(2026, 10, 6), delivered_by="Sam", what="Met", by=cast.officer
        )
    assert refused.value.field == "on"
    with pytest.raises(Refused):
        services.allocation_end(allocation=ended, ends_on=D(2026, 10, 30), by=cast.officer)


def test_only_the_cap_manager_ends_the_one_to_ones(cast, world):
    with pytest.raises(PermissionDenied):
        services.allocation_end(
            allocation=world.one_to_ones, ends_on=D(2026, 12, 18), by=cast.officer
        )
