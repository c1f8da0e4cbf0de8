"""Every write about panels: agenda items, the pack, attendance, decisions, closing a
meeting and outcome notices. A decision moves its application along the workflow table
through applications.services.application_transition, in the same transaction; an item
moves along its own table (panels.workflow) through _items_step alone."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import SCHOOL_KINDS, Organisation, User
from applications.models import Application
from applications.rules import school_recipients
from applications.services import application_transition
from audit.services import event_record
from documents.storage import stored_read, stored_save
from lib.dates import add_working_days, long_date
from lib.errors import Refused
from lib.pdf import render_pdf
from panels import selectors, workflow
from panels.models import (
    AgendaItem,
    Decision,
    MeetingRecord,
    Outcome,
    OutcomeNotice,
    PanelMember,
)
from panels.rules import (
    can_view_meeting_pack,
    can_view_outcome_notice,
    check_can_decide_item,
    check_can_run_panels,
    is_conflicted,
)
from panels.workflow import ItemState
from programmes.models import ROUTE_PANEL_STEPS, CapacityRule, Cohort, Meeting, PanelStep

# Working days the service promises between a meeting and the school hearing its outcome.
NOTICE_WORKING_DAYS = 3


def _record(meeting: Meeting) -> MeetingRecord:
    record, _ = MeetingRecord.objects.get_or_create(meeting=meeting)
    return record


def panel_for(application: Application, step: str):
    step_row = application.programme.panel_steps.select_related("panel").get(step=step)
    return step_row.panel


# --- Item states -----------------------------------------------------------------------


def _items_step(items: QuerySet[AgendaItem], name: str) -> int:
    """Take one transition of panels.workflow for every item in `items` still in one of its
    sources, in a single conditional UPDATE: the only place an item's state changes. An item
    someone else has moved on already is left alone. Returns how many changed."""
    transition = workflow.TRANSITIONS[name]
    return items.filter(state__in=transition.sources).update(state=transition.target)


def _item_step(item: AgendaItem, name: str) -> AgendaItem:
    """Take one transition for one item, refusing it if the item has left the transition's
    sources, even since it was read: two people cannot both move it."""
    if not _items_step(AgendaItem.objects.filter(pk=item.pk), name):
        raise Refused(workflow.TRANSITIONS[name].refused)
    item.state = workflow.TRANSITIONS[name].target
    return item


def _check_item_step(item: AgendaItem, name: str) -> None:
    """Refuse early, before anything else is checked, what the table does not allow."""
    if not workflow.allowed(name, item.state):
        raise Refused(workflow.TRANSITIONS[name].refused)


# --- Agendas ----------------------------------------------------------------------------


def agenda_add(*, application: Application, step: str, reached_on: dt.date, by: User) -> AgendaItem:
    """Put an application on the next meeting of the panel for `step` whose referral
    deadline it met. Called by the services that bring it to a panel step."""
    panel = panel_for(application, step)
    meeting = selectors.next_meeting(
        panel=panel, programme=application.programme, reached_on=reached_on
    )
    if meeting is None:
        raise Refused(
            f"No meeting of the {panel.name} is in the calendar after {long_date(reached_on)}: "
            "the CAP manager adds the year's meetings first."
        )
    return _item_create(application=application, meeting=meeting, step=step, by=by)


def _item_create(*, application, meeting, step, by, moved_from=None, reason="") -> AgendaItem:
    item = AgendaItem.objects.create(
        application=application,
        meeting=meeting,
        step=step,
        moved_from=moved_from,
        move_reason=reason,
    )
    Application.objects.filter(pk=application.pk).update(panel_step=step)
    event_record(
        actor=by,
        action="application.agenda_added",
        obj=application,
        detail={"meeting": str(meeting.uuid), "item": str(item.uuid)},
    )
    return item


def agenda_withdraw(*, application: Application) -> None:
    """An application that leaves the route (withdrawn, closed) leaves the agenda too."""
    _items_step(application.agenda_items.all(), "withdraw")


def _check_takes_items(meeting: Meeting) -> None:
    if meeting.date is None:
        raise Refused("That meeting has no date yet, so it cannot take items.")
    if getattr(meeting, "record", None) and meeting.record.closed_at:
        raise Refused(f"The meeting on {long_date(meeting.date)} has closed.")
    if meeting.date < timezone.localdate():
        raise Refused(f"The meeting on {long_date(meeting.date)} has already happened.")


@transaction.atomic
def item_move(*, item: AgendaItem, to: Meeting, reason: str, by: User) -> AgendaItem:
    """Move an item to another meeting of the same panel, with a reason."""
    check_can_run_panels(by)
    item = (
        AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    )
    _check_item_step(item, "move")
    if to.panel_id != item.meeting.panel_id:
        raise Refused("An item can move only to another meeting of the same panel.")
    if to.pk == item.meeting_id:
        raise Refused("The item is already on that meeting's agenda.")
    _check_takes_items(to)
    if not reason.strip():
        raise Refused("Say why the item is moving.")
    _item_step(item, "move")
    moved = _item_create(
        application=item.application,
        meeting=to,
        step=item.step,
        by=by,
        moved_from=item,
        reason=reason,
    )
    event_record(
        actor=by,
        action="application.agenda_moved",
        obj=item.application,
        detail={"from": str(item.meeting.uuid), "to": str(to.uuid)},
    )
    return moved


# --- The meeting ------------------------------------------------------------------------


@transaction.atomic
def pack_publish(*, meeting: Meeting, by: User) -> MeetingRecord:
    """Open the pack to the panel's members and render its PDF in the background. Publishing
    again renders it again, with the agenda as it is then."""
    from panels.tasks import render_pack, tell_members_pack_published

    check_can_run_panels(by)
    if meeting.date is None:
        raise Refused("The meeting has no date yet.")
    record = _record(meeting)
    if record.closed_at:
        raise Refused("The meeting has closed.")
    if not meeting.items.filter(state=ItemState.WAITING).exists():
        raise Refused("The agenda is empty: there is nothing to publish.")
    first = record.pack_published_at is None
    record.pack_published_at = timezone.now()
    record.pack_published_by = by
    record.pack_rendered_at = None
    record.save()
    event_record(actor=by, action="meeting.pack_published", obj=meeting)
    transaction.on_commit(lambda: render_pack.enqueue(meeting.pk))
    if first:
        transaction.on_commit(lambda: tell_members_pack_published.enqueue(meeting.pk))
    return record


@transaction.atomic
def attendance_record(*, meeting: Meeting, members: list[PanelMember], by: User) -> None:
    check_can_run_panels(by)
    if any(m.panel_id != meeting.panel_id for m in members):
        raise Refused("Only the panel's own members can be recorded as present.")
    record = _record(meeting)
    if record.closed_at:
        raise Refused("The meeting has closed.")
    record.attendees.set(members)
    event_record(
        actor=by,
        action="meeting.attendance_recorded",
        obj=meeting,
        detail={"members": [str(m.uuid) for m in members]},
    )


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: User) -> list[AgendaItem]:
    """Close a meeting after it has happened: no more decisions; every item not heard
    rolls to the panel's next meeting. Returns the new items."""
    check_can_run_panels(by)
    record = MeetingRecord.objects.select_for_update().filter(meeting=meeting).first()
    if record is None:
        record = _record(meeting)
    if record.closed_at:
        raise Refused("The meeting is already closed.")
    if meeting.date is None or meeting.date > timezone.localdate():
        raise Refused("A meeting can be closed only on or after its day.")
    # In the agenda's order: an item past the items the meeting can hear carries over.
    agenda = selectors.agenda(meeting)
    limit = meeting.panel.items_per_meeting
    rolled = []
    for position, item in enumerate(agenda, start=1):
        if item.state != ItemState.WAITING:
            continue
        reason = (
            f"Carried from {long_date(meeting.date)}: the meeting could hear "
            f"{limit} item{'s' if limit != 1 else ''}"
            if limit is not None and position > limit
            else f"Not heard on {long_date(meeting.date)}"
        )
        target = selectors.meeting_after(meeting, programme=item.application.programme)
        if target is None:
            raise Refused(
                f"Application {item.application.reference} was not heard and no later meeting "
                f"of the {meeting.panel.name} is in the calendar: move it first."
            )
        _item_step(item, "roll")
        rolled.append(
            _item_create(
                application=item.application,
                meeting=target,
                step=item.step,
                by=by,
                moved_from=item,
                reason=reason,
            )
        )
    record.closed_at = timezone.now()
    record.closed_by = by
    record.save(update_fields=["closed_at", "closed_by"])
    event_record(actor=by, action="meeting.closed", obj=meeting, detail={"rolled": len(rolled)})
    return rolled


# --- The pack and the letters, made and read -----------------------------------------------


def pack_render(*, meeting_id: int) -> MeetingRecord:
    """Render the meeting's pack as it is now (after each publication, in the background)
    and keep it encrypted, in place of the last one."""
    record = MeetingRecord.objects.select_related("meeting__panel__year").get(meeting_id=meeting_id)
    meeting = record.meeting
    data = render_pdf(
        "panels/pack_pdf.html",
        {"meeting": meeting, "items": selectors.pack(meeting), "rendered_at": timezone.now()},
    )
    record.pack_file = stored_save(data, replacing=record.pack_file)
    record.pack_rendered_at = timezone.now()
    record.save(update_fields=["pack_file", "pack_rendered_at"])
    return record


def letter_render(*, notice_id: int) -> OutcomeNotice:
    """Render an outcome notice's letter as written, and keep it encrypted."""
    notice = OutcomeNotice.objects.select_related(
        "application__school", "decision__item__meeting__panel"
    ).get(pk=notice_id)
    data = render_pdf("panels/letter_pdf.html", {"notice": notice})
    notice.letter_file = stored_save(data, replacing=notice.letter_file)
    notice.letter_rendered_at = timezone.now()
    notice.save(update_fields=["letter_file", "letter_rendered_at"])
    return notice


def meeting_read(*, meeting: Meeting, what: str, by: User) -> None:
    """Every read of a meeting's agenda or pack is audited: `what` is "agenda" or "pack"."""
    event_record(actor=by, action=f"meeting.{what}_read", obj=meeting)


def pack_download(*, meeting: Meeting, by: User) -> bytes:
    """The pack's PDF, for someone who may read it; each download is audited."""
    if not can_view_meeting_pack(by, meeting):
        raise PermissionDenied("This pack is not yours to read.")
    event_record(actor=by, action="meeting.pack_downloaded", obj=meeting)
    return stored_read(meeting.record.pack_file)


def letter_download(*, notice: OutcomeNotice, by: User) -> bytes:
    """An outcome notice's letter, for someone who may see it; each download is audited."""
    if not can_view_outcome_notice(by, notice):
        raise PermissionDenied("This letter is not yours to read.")
    event_record(actor=by, action="notice.letter_downloaded", obj=notice)
    return stored_read(notice.letter_file)


# --- Decisions --------------------------------------------------------------------------


def _next_step(application: Application, step: str) -> str | None:
    steps = ROUTE_PANEL_STEPS[application.programme.route]
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else None


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    outcome: str,
    rationale: str,
    by: User,
    conditions: str = "",
    information_needed: str = "",
    deferred_to: Meeting | None = None,
    cohort: Cohort | None = None,
    receiving_school: Organisation | None = None,
) -> Decision:
    """Record a panel's decision on one item and move the application on. Refused, with
    the reason, when the item is decided already, the meeting has closed or not yet
    happened, the person is conflicted, the panel is not quorate, or a cohort is full."""
    item = (
        # Lock the item alone: PostgreSQL cannot lock the nullable side of an outer join.
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__panel", "application__programme")
        .get(pk=item.pk)
    )
    meeting = item.meeting
    application = Application.objects.select_for_update().get(pk=item.application_id)
    present = _check_can_decide(item, application, by)
    if not rationale.strip():
        raise Refused("Give the panel's rationale.")
    next_step = _next_step(application, item.step)
    rule = _OUTCOME_RULES.get(outcome)
    if rule is None:
        raise Refused("Choose an outcome from the list.")
    name, changes = rule(
        _Asked(
            item=item,
            application=application,
            next_step=next_step,
            rationale=rationale,
            conditions=conditions,
            information_needed=information_needed,
            deferred_to=deferred_to,
            cohort=cohort,
            receiving_school=receiving_school,
        )
    )

    application = application_transition(
        application, name, version=application.version, by=by, **changes
    )
    _item_step(item, "decide")
    decision = Decision.objects.create(
        item=item,
        outcome=outcome,
        rationale=rationale,
        conditions=conditions if outcome == Outcome.APPROVED_WITH_CONDITIONS else "",
        information_needed=information_needed,
        deferred_to=deferred_to if outcome == Outcome.DEFERRED else None,
        cohort=changes.get("cohort"),
        receiving_school=changes.get("receiving_school"),
        present=[m.user.full_name for m in present],
        recorded_by=by,
    )
    event_record(
        actor=by,
        action="meeting.decision_recorded",
        obj=meeting,
        detail={"item": str(item.uuid), "outcome": outcome},
    )
    if name == "panel_refer_on":
        agenda_add(application=application, step=next_step, reached_on=timezone.localdate(), by=by)
    elif name == "panel_defer":
        _item_create(
            application=application,
            meeting=deferred_to,
            step=item.step,
            by=by,
            moved_from=item,
            reason=f"Deferred on {long_date(meeting.date)}: {information_needed}",
        )
    _notice_write(decision, application)
    return decision


def _check_can_decide(item: AgendaItem, application: Application, by: User) -> list[PanelMember]:
    """Refuse a decision the item, its meeting, the person or the quorum does not allow.
    Returns the members present who take part."""
    meeting = item.meeting
    if Decision.objects.filter(item=item).exists():
        raise Refused(f"This item was decided already: {item.decision.get_outcome_display()}.")
    _check_item_step(item, "decide")
    record = _record(meeting)
    if record.closed_at:
        raise Refused(
            f"The meeting on {long_date(meeting.date)} has closed: decisions can no longer be "
            "recorded for it."
        )
    if meeting.date is None or meeting.date > timezone.localdate():
        raise Refused("Decisions are recorded on or after the day of the meeting.")
    if is_conflicted(by, application):
        raise Refused(
            "You are conflicted on this item: you are from, or sit for, the referring school, "
            "so you take no part in its decision."
        )
    check_can_decide_item(by, item)
    present = selectors.quorate_for(item, list(record.attendees.select_related("user")))
    if len(present) < meeting.panel.quorum:
        raise Refused(
            f"The panel is not quorate for this item: {len(present)} of the members present "
            f"may take part, and {meeting.panel.quorum} are needed. Record who is present first."
        )
    return present


@dataclass(frozen=True)
class _Asked:
    """What the panel decided for one item, before its outcome's rule checks it."""

    item: AgendaItem
    application: Application
    next_step: str | None  # the route's next panel step, if any
    rationale: str
    conditions: str
    information_needed: str
    deferred_to: Meeting | None
    cohort: Cohort | None
    receiving_school: Organisation | None


# An outcome's rule refuses what the outcome needs and is missing, and answers the
# application transition the outcome takes with the changes that go with it.
_Rule = Callable[[_Asked], tuple[str, dict]]


def _approve(asked: _Asked) -> tuple[str, dict]:
    """An approval at the allocation step names the receiving school; the last approval
    for a programme with cohorts takes a place in one. It goes on to the next panel step,
    if the route has one."""
    application, changes = asked.application, {}
    if asked.item.step == PanelStep.ALLOCATION:
        school = asked.receiving_school
        if school is None or school.kind not in SCHOOL_KINDS:
            raise Refused("Choose the receiving school the panel allocated.")
        if school.pk == application.school_id:
            raise Refused("The receiving school must be another school.")
        changes["receiving_school"] = school
    if asked.next_step is None and application.programme.capacity_rule == CapacityRule.COHORT:
        changes["cohort"] = cohort_with_a_place(application, asked.cohort)
    return ("panel_refer_on" if asked.next_step else "panel_approve"), changes


def _approve_with_conditions(asked: _Asked) -> tuple[str, dict]:
    name, changes = _approve(asked)
    if not asked.conditions.strip():
        raise Refused("Give the conditions of the approval.")
    return name, changes


def _waiting_list(asked: _Asked) -> tuple[str, dict]:
    programme = asked.application.programme
    if asked.next_step is not None or programme.capacity_rule != CapacityRule.COHORT:
        raise Refused("Only a decision on a place in a cohort can use the waiting list.")
    return "panel_waiting_list", {}


def _defer(asked: _Asked) -> tuple[str, dict]:
    later, meeting = asked.deferred_to, asked.item.meeting
    if later is None or later.panel_id != meeting.panel_id:
        raise Refused("Choose the later meeting of this panel the item is deferred to.")
    if later.date is None or later.date <= meeting.date:
        raise Refused("An item can be deferred only to a later meeting.")
    if not asked.information_needed.strip():
        raise Refused("Say what the panel needs before it decides.")
    return "panel_defer", {}


def _request_information(asked: _Asked) -> tuple[str, dict]:
    if not asked.information_needed.strip():
        raise Refused("Say what information the panel needs from the school.")
    # The school answers the panel's question as it answers CAP's.
    return "panel_request_information", {
        "cap_question": asked.information_needed,
        "school_answer": "",
    }


def _decline(asked: _Asked) -> tuple[str, dict]:
    return "panel_decline", {"decision_reason": asked.rationale}


_OUTCOME_RULES: dict[str, _Rule] = {
    Outcome.APPROVED: _approve,
    Outcome.APPROVED_WITH_CONDITIONS: _approve_with_conditions,
    Outcome.WAITING_LIST: _waiting_list,
    Outcome.DEFERRED: _defer,
    Outcome.MORE_INFORMATION: _request_information,
    Outcome.DECLINED: _decline,
}


def cohort_with_a_place(application: Application, cohort: Cohort | None) -> Cohort:
    if cohort is None or cohort.programme_id != application.programme_id:
        raise Refused("Choose the cohort the student joins.")
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    taken = selectors.places_taken(cohort)
    if cohort.capacity is not None and taken >= cohort.capacity:
        raise Refused(
            f"{cohort.name} is full: {taken} of {cohort.capacity} places are taken. Choose "
            "another cohort, or approve onto the waiting list."
        )
    return cohort


# --- Outcome notices --------------------------------------------------------------------


def _notice_write(decision: Decision, application: Application) -> OutcomeNotice:
    """Write the school's letter from the decision. It is due 3 working days after the
    meeting, and kept as written."""
    from panels.tasks import render_letter

    meeting = decision.item.meeting
    context = {
        "application": application,
        "decision": decision,
        "meeting": meeting,
        "next_step": _what_happens_next(decision, application),
    }
    notice = OutcomeNotice.objects.create(
        decision=decision,
        application=application,
        due_on=add_working_days(meeting.date, NOTICE_WORKING_DAYS),
        subject=(
            f"{meeting.panel.name}: {decision.get_outcome_display().lower()} "
            f"(application {application.reference})"
        ),
        body=render_to_string("panels/letter_body.txt", context).strip(),
    )
    transaction.on_commit(lambda: render_letter.enqueue(notice.pk))
    return notice


def _what_happens_next(decision: Decision, application: Application) -> str:
    outcome = decision.outcome
    status = application.status
    if outcome == Outcome.DEFERRED:
        return (
            f"The panel will consider the application again on "
            f"{long_date(decision.deferred_to.date)}. Before then it needs: "
            f"{decision.information_needed}"
        )
    if outcome == Outcome.MORE_INFORMATION:
        return (
            "Please answer the panel's question in CAP. The application goes back on the "
            f"panel's agenda when you do. The panel needs: {decision.information_needed}"
        )
    if outcome == Outcome.DECLINED:
        return (
            "The CAP team will contact you to talk through the alternatives open to the "
            "student, and will record them with the application."
        )
    if outcome == Outcome.WAITING_LIST:
        return (
            "Every place in the cohort is taken. The student is on the waiting list, and the "
            "CAP team will offer a place as one becomes free."
        )
    if status == "at_panel":
        item = application.agenda_items.filter(state=ItemState.WAITING).first()
        if item is not None:
            return (
                f"The application goes next to the {item.meeting.panel.name} on "
                f"{long_date(item.meeting.date)}."
            )
    if application.receiving_school_id:
        return (
            f"The receiving school is {application.receiving_school.name}. The CAP team will "
            "confirm the start date with both schools."
        )
    if application.cohort_id:
        return (
            f"The student has a place in {application.cohort.name}, starting "
            f"{long_date(application.cohort.starts_on)}. The academy will contact you about "
            "onboarding."
        )
    return "The CAP team will send the pack to the provider and keep you informed."


@transaction.atomic
def notice_send(*, notice: OutcomeNotice, by: User) -> OutcomeNotice:
    """Send the school its outcome notice: recorded on the application's timeline, and
    e-mailed after commit."""
    from panels.tasks import send_notice_email

    check_can_run_panels(by)
    notice = OutcomeNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.sent_at is not None:
        raise Refused(f"This notice was sent on {long_date(timezone.localdate(notice.sent_at))}.")
    recipients = school_recipients(notice.application)
    if not recipients:
        raise Refused(
            "The school has no active CAP coordinator or headteacher in CAP to send it to."
        )
    notice.sent_at = timezone.now()
    notice.sent_by = by
    notice.sent_to = recipients
    notice.save(update_fields=["sent_at", "sent_by", "sent_to"])
    event_record(
        actor=by,
        action="application.outcome_notice_sent",
        obj=notice.application,
        detail={"notice": str(notice.uuid), "late": notice.due_on < timezone.localdate()},
    )
    transaction.on_commit(lambda: send_notice_email.enqueue(notice.pk))
    return notice


@transaction.atomic
def notices_mark_overdue(*, today: dt.date) -> int:
    """Mark every unsent notice whose due date has passed; each is recorded once."""
    found = list(
        OutcomeNotice.objects.select_for_update().filter(
            sent_at__isnull=True, overdue_at__isnull=True, due_on__lt=today
        )
    )
    now = timezone.now()
    for notice in found:
        notice.overdue_at = now
        notice.save(update_fields=["overdue_at"])
        event_record(
            action="application.outcome_notice_overdue",
            obj=notice.application,
            detail={"notice": str(notice.uuid), "due_on": notice.due_on.isoformat()},
        )
    return len(found)


@transaction.atomic
def application_offer_place(*, application: Application, cohort: Cohort, version: int, by: User):
    """Offer a student on the waiting list a place in a cohort with one free."""
    return application_transition(
        application,
        "offer_place",
        version=version,
        by=by,
        # Locks the cohort's row, so two offers cannot both take its last place.
        check=lambda: cohort_with_a_place(application, cohort),
        cohort=cohort,
    )


@transaction.atomic
def panel_seats_end(*, member: User, by: User) -> int:
    """End every panel seat the person holds (each audited): when they leave. A seat is
    not passed on; the CAP manager fills it from the panel's page. Returns how many ended."""
    ended = 0
    for seat in PanelMember.objects.filter(user=member, is_active=True).select_related("panel"):
        PanelMember.objects.filter(pk=seat.pk).update(is_active=False)
        event_record(
            actor=by,
            action="panel_member.ended",
            obj=seat,
            detail={"panel": str(seat.panel.uuid)},
        )
        ended += 1
    return ended
