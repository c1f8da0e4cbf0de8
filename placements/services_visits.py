"""Writes of monitoring officers' visits: plan one, then record it once, as having happened
(what was found, the next steps) or not (why). The rule is checked here as well as in the
views; every write leaves an audit event with identifiers only, never what was found."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_cap_staff
from audit.services import event_record
from lib.dates import long_date
from lib.errors import Conflict, Refused
from placements.models import Placement, Visit, VisitKind, VisitMissedReason, VisitStatus
from placements.rules import check_can_manage_visits
from placements.visits import TRANSITIONS


@transaction.atomic
def visit_plan(
    *,
    placement: Placement,
    kind: str,
    planned_on: dt.date,
    planned_time: dt.time | None,
    officer: User,
    by: User,
) -> Visit:
    check_can_manage_visits(by, placement)
    if kind not in VisitKind.values:
        raise Refused("Select the kind of visit", field="kind")
    if placement.ended_on is not None:
        raise Refused("This placement has ended: no more visits can be planned")
    if planned_on < timezone.localdate():
        raise Refused("The date of the visit must be today or in the future", field="planned_on")
    if planned_on > placement.last_day:
        raise Refused(
            "The date of the visit must be on or before the placement's last day, "
            f"{long_date(placement.last_day, weekday=False)}",
            field="planned_on",
        )
    if not (officer.is_active and is_cap_staff(officer)):
        raise Refused("Select an officer in the CAP team", field="officer")
    visit = Visit.objects.create(
        placement=placement,
        kind=kind,
        planned_on=planned_on,
        planned_time=planned_time,
        officer=officer,
        planned_by=by,
        planned_at=timezone.now(),
    )
    event_record(
        actor=by,
        action="visit.planned",
        obj=visit,
        detail={"placement": str(placement.uuid), "kind": kind, "officer": str(officer.uuid)},
    )
    return visit


def _move(visit: Visit, *, to: str, version: int, by: User, **changes) -> Visit:
    """Record the visit as `to`, if the table allows it from where it is and nobody else
    recorded it since this person loaded it."""
    check_can_manage_visits(by, visit.placement)
    if to not in TRANSITIONS[visit.status]:
        raise Refused("This visit has already been recorded")
    rows = Visit.objects.filter(pk=visit.pk, version=version, status=visit.status)
    if not rows.update(
        status=to,
        version=F("version") + 1,
        recorded_by=by,
        recorded_at=timezone.now(),
        **changes,
    ):
        raise Conflict("The visit was changed by someone else.")
    previous = visit.status
    visit.refresh_from_db()
    event_record(
        actor=by,
        action=f"visit.{to}",
        obj=visit,
        detail={"placement": str(visit.placement.uuid), "from": previous, "to": to},
    )
    return visit


@transaction.atomic
def visit_record(
    *,
    visit: Visit,
    happened_on: dt.date,
    seen: str,
    findings: str,
    next_steps: str,
    next_steps_owner: str,
    next_steps_due_on: dt.date | None,
    version: int,
    by: User,
) -> Visit:
    """Record that the visit happened: when, who was seen, what was found, what next."""
    if happened_on > timezone.localdate():
        raise Refused("The date of the visit must be today or in the past", field="happened_on")
    if not seen.strip():
        raise Refused("Enter who was seen", field="seen")
    if not findings.strip():
        raise Refused("Enter what was found", field="findings")
    if (next_steps_owner.strip() or next_steps_due_on) and not next_steps.strip():
        raise Refused("Enter the next steps, or leave who and by when empty", field="next_steps")
    if next_steps_due_on and next_steps_due_on < happened_on:
        raise Refused(
            "The next steps must be due on or after the date of the visit",
            field="next_steps_due_on",
        )
    return _move(
        visit,
        to=VisitStatus.HAPPENED,
        version=version,
        by=by,
        happened_on=happened_on,
        seen=seen.strip(),
        findings=findings.strip(),
        next_steps=next_steps.strip(),
        next_steps_owner=next_steps_owner.strip(),
        next_steps_due_on=next_steps_due_on,
    )


@transaction.atomic
def visit_record_missed(*, visit: Visit, reason: str, note: str, version: int, by: User) -> Visit:
    """Record that the visit did not happen, and why."""
    if reason not in VisitMissedReason.values:
        raise Refused("Select why the visit did not happen", field="reason")
    if reason == VisitMissedReason.OTHER and not note.strip():
        raise Refused("Enter why the visit did not happen", field="note")
    return _move(
        visit,
        to=VisitStatus.DID_NOT_HAPPEN,
        version=version,
        by=by,
        missed_reason=reason,
        missed_note=note.strip(),
    )


@transaction.atomic
def visits_reassign(*, officer: User, to: User, by: User) -> int:
    """Pass every visit still planned for `officer` to `to`, each audited: when the officer
    leaves CAP (accounts.leavers). Returns how many moved."""
    if not (to.is_active and is_cap_staff(to)):
        raise Refused("The officer making the visits must be in the CAP team")
    moved = 0
    for visit in Visit.objects.filter(officer=officer, status=VisitStatus.PLANNED).select_related(
        "placement"
    ):
        check_can_manage_visits(by, visit.placement)
        Visit.objects.filter(pk=visit.pk).update(officer=to, version=F("version") + 1)
        event_record(
            actor=by,
            action="visit.reassigned",
            obj=visit,
            detail={"placement": str(visit.placement.uuid), "officer": str(to.uuid)},
        )
        moved += 1
    return moved
