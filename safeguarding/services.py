"""Every write to a concern. Nothing here changes or deletes a saved row: each step adds a
row (safeguarding.models), is audited in the same transaction, and alerts after commit."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from audit.models import Event
from audit.services import event_record
from lib.errors import Refused
from placements.models import Placement
from safeguarding import selectors, tasks
from safeguarding.models import (
    ACCOUNT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    VIEWED,
    ActionKind,
    Category,
    Concern,
    Entry,
    EntryKind,
    Outcome,
)
from safeguarding.rules import (
    check_can_act_on_concern,
    check_can_raise_concern,
    raising_organisations,
)
from students.models import Student


def escalate_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES)


def _text(value: str, *, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(f"Enter {label}")
    if len(value) > limit:
        raise Refused(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer")
    return value


@transaction.atomic
def concern_raise(
    *,
    student: Student,
    by: User,
    category: Category,
    happened_on: dt.date,
    account: str,
    urgent: bool,
    injuries: str = "",
    immediate_actions: str = "",
    placement: Placement | None = None,
) -> Concern:
    """Save a concern as written and alert the DSLs who may see it, after commit."""
    check_can_raise_concern(by, student)
    if placement is None:
        if selectors.must_choose_placement(by, student):
            raise Refused("Choose the placement you saw or heard this on")
    elif not selectors.placements_to_raise_on(by, student).filter(pk=placement.pk).exists():
        raise Refused("Choose one of this student’s placements from the list")
    if not category.is_active:
        raise Refused("Choose a category from the list")
    if happened_on > timezone.localdate():
        raise Refused("The date it happened must be today or in the past")
    concern = Concern.objects.create(
        student=student,
        placement=placement,
        raised_by=by,
        raised_for=_raised_for(by, student, placement),
        happened_on=happened_on,
        category=category,
        account=_text(account, label="what you saw or heard", limit=ACCOUNT_MAX_LENGTH),
        injuries=_text(
            injuries, label="the injuries or marks", limit=NOTE_MAX_LENGTH, required=False
        ),
        immediate_actions=_text(
            immediate_actions,
            label="the actions you took",
            limit=NOTE_MAX_LENGTH,
            required=False,
        ),
        urgent=urgent,
    )
    # Identifiers only: the audit log is readable by the CAP manager, who must not learn
    # anything about a concern from it.
    event_record(actor=by, action="safeguarding.concern_raised", obj=concern)
    transaction.on_commit(lambda: tasks.send_concern_alert.enqueue(concern.pk))
    if urgent:
        # The escalation check runs when the time is up; manage.py escalate_concerns is the
        # safety net if no worker was running then.
        transaction.on_commit(lambda: _queue_escalation_check(concern.raised_at + escalate_after()))
    return concern


def _raised_for(by: User, student: Student, placement: Placement | None) -> Organisation:
    """Whom the person raising it works for: the provider running the placement if they
    are its staff, otherwise the student's school, otherwise the local authority."""
    organisations = raising_organisations(by, student)
    for preferred in (placement.provider_id if placement else None, student.home_school_id):
        for organisation in organisations:
            if organisation.pk == preferred:
                return organisation
    return organisations[0]


def _queue_escalation_check(run_after: dt.datetime) -> None:
    task = tasks.escalate_overdue_concerns
    if task.get_backend().supports_defer:
        task.using(run_after=run_after).enqueue()


def _add_entry(concern: Concern, *, kind: str, by: User | None, **fields) -> Entry:
    """Add an entry; a once-only entry that is already there is refused, even when two
    people try at the same moment (the database's unique constraint decides)."""
    try:
        with transaction.atomic():
            entry = Entry.objects.create(concern=concern, kind=kind, by=by, **fields)
    except IntegrityError:
        raise Refused(_ALREADY[kind]) from None
    event_record(
        actor=by,
        action=f"safeguarding.entry_{kind}",
        obj=concern,
        detail={"entry": str(entry.uuid)},
    )
    return entry


_ALREADY = {
    EntryKind.ACKNOWLEDGED: "This concern has already been acknowledged",
    EntryKind.ESCALATED: "This concern has already been escalated",
    EntryKind.CLOSED: "This concern has already been closed",
}


def _refuse_if_closed(concern: Concern) -> None:
    if Entry.objects.filter(concern=concern, kind=EntryKind.CLOSED).exists():
        raise Refused("This concern is closed. Raise a new concern if something else happens.")


@transaction.atomic
def concern_acknowledge(*, concern: Concern, by: User) -> Entry:
    """A DSL has the concern in hand: it stops the escalation clock."""
    check_can_act_on_concern(by, concern)
    return _add_entry(concern, kind=EntryKind.ACKNOWLEDGED, by=by)


def _acknowledged_on_the_way(concern: Concern, by: User) -> None:
    """Acting on a concern acknowledges it, if nobody has."""
    if not Entry.objects.filter(concern=concern, kind=EntryKind.ACKNOWLEDGED).exists():
        _add_entry(concern, kind=EntryKind.ACKNOWLEDGED, by=by)


@transaction.atomic
def concern_add_update(
    *, concern: Concern, text: str, by: User, corrects: Entry | None = None, correction=False
) -> Entry:
    """An update, or a correction of the original account (corrects=None) or of an earlier
    entry. The text corrected stays as it was written."""
    check_can_act_on_concern(by, concern)
    if corrects is not None and (corrects.concern_id != concern.pk or not correction):
        raise Refused("Choose what you are correcting from the list")
    _acknowledged_on_the_way(concern, by)
    return _add_entry(
        concern,
        kind=EntryKind.CORRECTION if correction else EntryKind.UPDATE,
        by=by,
        text=_text(text, label="the update", limit=NOTE_MAX_LENGTH),
        corrects=corrects,
    )


@transaction.atomic
def concern_record_action(
    *, concern: Concern, action: str, taken_on: dt.date, text: str, by: User
) -> Entry:
    """An action taken (a referral, a parent told, monitoring), by whom and when."""
    check_can_act_on_concern(by, concern)
    if action not in ActionKind.values:
        raise Refused("Choose the action from the list")
    if taken_on > timezone.localdate():
        raise Refused("The date of the action must be today or in the past")
    _refuse_if_closed(concern)
    _acknowledged_on_the_way(concern, by)
    return _add_entry(
        concern,
        kind=EntryKind.ACTION,
        by=by,
        action=action,
        taken_on=taken_on,
        text=_text(text, label="the details", limit=NOTE_MAX_LENGTH, required=False),
    )


@transaction.atomic
def concern_close(*, concern: Concern, outcome: str, text: str, by: User) -> Entry:
    check_can_act_on_concern(by, concern)
    if outcome not in Outcome.values:
        raise Refused("Choose the outcome from the list")
    _refuse_if_closed(concern)
    _acknowledged_on_the_way(concern, by)
    return _add_entry(
        concern,
        kind=EntryKind.CLOSED,
        by=by,
        outcome=outcome,
        text=_text(text, label="the reasons for the outcome", limit=NOTE_MAX_LENGTH),
    )


def overdue_concerns(*, now: dt.datetime):
    """Urgent concerns raised at least the escalation time ago that nobody has acknowledged
    and that have not been escalated already."""
    from django.db.models import Exists, OuterRef

    settled = Entry.objects.filter(
        concern=OuterRef("pk"), kind__in=[EntryKind.ACKNOWLEDGED, EntryKind.ESCALATED]
    )
    return Concern.objects.filter(urgent=True, raised_at__lte=now - escalate_after()).exclude(
        Exists(settled)
    )


def concerns_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every overdue urgent concern to the CAP safeguarding lead. Safe to run as
    often as wanted, by several workers at once: each concern is escalated once."""
    now = now or timezone.now()
    count = 0
    for concern in overdue_concerns(now=now).order_by("raised_at", "id"):
        try:
            with transaction.atomic():
                _add_entry(concern, kind=EntryKind.ESCALATED, by=None)
                transaction.on_commit(lambda pk=concern.pk: tasks.send_escalation_alert.enqueue(pk))
        except Refused:
            continue  # escalated by another worker meanwhile
        count += 1
    return count


def concerns_read_record(*, concerns: Iterable[Concern], by: User, via: str) -> None:
    """One audit event per concern read, in one query whatever the number: a DSL sees
    who has read each concern from these (selectors.readers_of)."""
    Event.objects.bulk_create(
        [
            Event(
                actor=by,
                action=VIEWED,
                object_type=Concern._meta.label_lower,
                object_id=str(concern.uuid),
                detail={"via": via},
            )
            for concern in concerns
        ]
    )


@transaction.atomic
def chronology_pdf_record(*, student: Student, concerns: list[Concern], by: User) -> None:
    """Generating the PDF chronology is audited: one event for the document, and a read of
    each concern in it."""
    event_record(
        actor=by,
        action="safeguarding.chronology_pdf_generated",
        obj=student,
        detail={"concerns": len(concerns)},
    )
    concerns_read_record(concerns=concerns, by=by, via="pdf")
