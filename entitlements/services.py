"""Every write about entitlements: allocating a benefit to a subscribing school, logging a
delivery and recording one that was cancelled. Each checks the rule itself and writes an
audit event in the same transaction; the events carry identifiers only."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from audit.services import event_record
from entitlements.models import Allocation, Delivery, DeliveryStatus
from entitlements.rules import check_can_allocate_benefit, check_can_log_delivery
from lib.dates import long_date
from lib.errors import Refused
from programmes.models import Benefit, Subscription
from students.models import Student


@transaction.atomic
def allocation_make(
    *,
    benefit: Benefit,
    school: Organisation,
    given_by: str,
    starts_on: dt.date,
    weekday: int | None = None,
    student: Student | None = None,
    note: str = "",
    by: User,
) -> Allocation:
    """Give one of the year's benefits to a school that subscribes for that year."""
    check_can_allocate_benefit(by, benefit)
    year = benefit.year
    subscription = Subscription.objects.filter(school=school, year=year).first()
    if subscription is None:
        raise Refused(
            f"{school.name} has no service level agreement for {year.name}: only subscribing "
            "schools are given its benefits",
            field="school",
        )
    if not year.contains(starts_on):
        raise Refused(
            f"The start date must be in {year.name}, from {long_date(year.starts_on)} to "
            f"{long_date(year.ends_on)}",
            field="starts_on",
        )
    if benefit.weekly and weekday is None:
        raise Refused("Select the day each week", field="weekday")
    if not benefit.weekly:
        weekday = None
    if benefit.for_a_student:
        if student is None:
            raise Refused("Enter the UPN of the student", field="student")
        if student.home_school_id != school.pk:
            raise Refused(f"The student is not on {school.name}'s roll", field="student")
    else:
        student = None
    given_by = given_by.strip()
    if not given_by:
        raise Refused("Enter who gives it", field="given_by")
    allocation = Allocation.objects.create(
        subscription=subscription,
        benefit=benefit,
        given_by=given_by,
        weekday=weekday,
        student=student,
        starts_on=starts_on,
        note=note.strip(),
        allocated_by=by,
    )
    event_record(
        actor=by,
        action="entitlement.allocated",
        obj=allocation,
        detail={
            "benefit": benefit.key,
            "year": year.name,
            "school": str(school.uuid),
            **({"student": str(student.uuid)} if student else {}),
        },
    )
    return allocation


@transaction.atomic
def allocation_end(*, allocation: Allocation, ends_on: dt.date, by: User) -> Allocation:
    """End an allocation on its last day: no week after it is expected, or shown missed.
    Deliveries already logged stay."""
    check_can_log_delivery(by, allocation)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.ends_on is not None:
        raise Refused(f"This allocation already ended on {long_date(allocation.ends_on)}")
    if ends_on < allocation.starts_on:
        raise Refused(
            f"The last day must be on or after it started, {long_date(allocation.starts_on)}",
            field="ends_on",
        )
    if not allocation.benefit.year.contains(ends_on):
        raise Refused(f"The last day must be in {allocation.benefit.year.name}", field="ends_on")
    later = allocation.deliveries.filter(on__gt=ends_on).order_by("-on").first()
    if later is not None:
        raise Refused(
            f"A delivery is logged for {long_date(later.on)}: the last day must be on or after it",
            field="ends_on",
        )
    allocation.ends_on = ends_on
    allocation.save(update_fields=["ends_on"])
    event_record(
        actor=by,
        action="entitlement.allocation_ended",
        obj=allocation,
        detail={"ends_on": ends_on.isoformat()},
    )
    return allocation


def _check_day(allocation: Allocation, on: dt.date, *, ahead: bool = False) -> None:
    """A delivery is logged once it has happened; a cancellation may be known ahead."""
    year = allocation.benefit.year
    if not ahead and on > timezone.localdate():
        raise Refused("The date must be today or in the past", field="on")
    if on < allocation.starts_on:
        raise Refused(
            "The date must be on or after the allocation started, "
            f"{long_date(allocation.starts_on)}",
            field="on",
        )
    if not year.contains(on):
        raise Refused(f"The date must be in {year.name}", field="on")
    if allocation.ends_on is not None and on > allocation.ends_on:
        raise Refused(
            f"The allocation ended on {long_date(allocation.ends_on)}: the date must be on or "
            "before it",
            field="on",
        )


@transaction.atomic
def delivery_log(
    *,
    allocation: Allocation,
    on: dt.date,
    delivered_by: str,
    what: str,
    students: list[Student] | None = None,
    by: User,
) -> Delivery:
    """Log one delivery: when, who delivered it, what was done, and the students it was
    for where that matters (they must be on the school's roll)."""
    check_can_log_delivery(by, allocation)
    _check_day(allocation, on)
    if not delivered_by.strip():
        raise Refused("Enter who delivered it", field="delivered_by")
    if not what.strip():
        raise Refused("Enter what was done", field="what")
    students = list(students or [])
    school_id = allocation.subscription.school_id
    if any(s.home_school_id != school_id for s in students):
        raise Refused("Each student must be on the school's roll", field="students")
    if allocation.student_id and allocation.student not in students:
        students.append(allocation.student)
    delivery = Delivery.objects.create(
        allocation=allocation,
        on=on,
        status=DeliveryStatus.DELIVERED,
        delivered_by=delivered_by.strip(),
        what=what.strip(),
        recorded_by=by,
    )
    delivery.students.set(students)
    event_record(
        actor=by,
        action="entitlement.delivery_logged",
        obj=delivery,
        detail={"allocation": str(allocation.uuid), "students": len(students)},
    )
    return delivery


@transaction.atomic
def delivery_cancel(*, allocation: Allocation, on: dt.date, reason: str, by: User) -> Delivery:
    """Record that a delivery did not happen, and why: the week is then shown as cancelled,
    not missed."""
    check_can_log_delivery(by, allocation)
    _check_day(allocation, on, ahead=True)
    if not reason.strip():
        raise Refused("Enter why it was cancelled", field="reason")
    delivery = Delivery.objects.create(
        allocation=allocation,
        on=on,
        status=DeliveryStatus.CANCELLED,
        cancelled_because=reason.strip(),
        recorded_by=by,
    )
    event_record(
        actor=by,
        action="entitlement.delivery_cancelled",
        obj=delivery,
        detail={"allocation": str(allocation.uuid)},
    )
    return delivery
