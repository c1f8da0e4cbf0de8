"""Every write to the school review meetings: each checks the rule itself, runs in one
transaction and appends an audit event (identifiers only, never what was written)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import SCHOOL_KINDS, Organisation, User
from audit.services import event_record
from lib.dates import long_date
from lib.errors import Conflict, Refused
from programmes.models import Term
from school_reviews import selectors
from school_reviews.models import Action, AgendaItem, ReviewMeeting
from school_reviews.rules import (
    check_can_mark_school_review_action,
    check_can_record_school_review,
)


def _check_date_in_term(held_on: dt.date, term: Term) -> None:
    if not term.starts_on <= held_on <= term.ends_on:
        raise Refused(
            f"The date of the meeting must be in the term, from {long_date(term.starts_on)} "
            f"to {long_date(term.ends_on)}",
            field="held_on",
        )


def _take_agenda(meeting: ReviewMeeting, *, notes: dict[int, str] | None = None) -> int:
    """Snapshot the agenda into the meeting's items, keeping the notes already written about
    a placement still on it; answer how many students were in AP."""
    rows, total = selectors.agenda_rows(
        school=meeting.school, term=meeting.term, on=timezone.localdate()
    )
    notes = notes or {}
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            placement=row.placement,
            position=position,
            attended=row.figures.attended,
            possible=row.figures.possible,
            unauthorised=row.figures.unauthorised,
            report_term=row.report_term,
            report_issued_at=row.report_issued_at,
            review_held_on=row.review_held_on,
            reviews_due=row.reviews_due,
            next_review_on=row.next_review_on,
            ended_on=row.placement.ended_on,
            exit_outcome=row.placement.exit_outcome,
            notes=notes.get(row.placement.pk, ""),
        )
        for position, row in enumerate(rows, start=1)
    )
    return total


def _bump(meeting: ReviewMeeting, *, version: int, **changes) -> ReviewMeeting:
    rows = ReviewMeeting.objects.filter(pk=meeting.pk, version=version)
    if not rows.update(version=F("version") + 1, **changes):
        raise Conflict("The meeting was changed by someone else.")
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def meeting_prepare(
    *,
    school: Organisation,
    term: Term,
    held_on: dt.date,
    starts_at: dt.time,
    place: str,
    attendees: str,
    by: User,
) -> ReviewMeeting:
    """Set the school's meeting for the term and take its agenda from the school's students
    in AP during the term."""
    check_can_record_school_review(by)
    if school.kind not in SCHOOL_KINDS:
        raise Refused("Review meetings are held with schools")
    _check_date_in_term(held_on, term)
    if ReviewMeeting.objects.filter(school=school, term=term).exists():
        raise Refused(f"{school.name} already has a review meeting in this term")
    try:
        with transaction.atomic():
            meeting = ReviewMeeting.objects.create(
                school=school,
                term=term,
                held_on=held_on,
                starts_at=starts_at,
                place=place.strip(),
                attendees=attendees.strip(),
                agenda_taken_at=timezone.now(),
                created_by=by,
            )
    except IntegrityError:  # prepared by someone else at the same moment
        raise Refused(f"{school.name} already has a review meeting in this term") from None
    meeting.agenda_total = _take_agenda(meeting)
    meeting.save(update_fields=["agenda_total"])
    event_record(
        actor=by,
        action="school_review.prepared",
        obj=meeting,
        detail={"school": str(school.uuid), "term": term.pk, "students": meeting.agenda_total},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: ReviewMeeting,
    held_on: dt.date,
    starts_at: dt.time,
    place: str,
    attendees: str,
    version: int,
    by: User,
) -> ReviewMeeting:
    check_can_record_school_review(by)
    _check_date_in_term(held_on, meeting.term)
    early = Action.objects.filter(meeting=meeting, due_on__lt=held_on)
    if early.exists():
        raise Refused(
            "An action is due before this date: the meeting must be on or before its "
            "actions' due dates",
            field="held_on",
        )
    meeting = _bump(
        meeting,
        version=version,
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        attendees=attendees.strip(),
    )
    event_record(actor=by, action="school_review.updated", obj=meeting)
    return meeting


@transaction.atomic
def agenda_refresh(*, meeting: ReviewMeeting, version: int, by: User) -> ReviewMeeting:
    """Take the agenda again, up to the day of the meeting; the notes about each student
    still on it stay."""
    check_can_record_school_review(by)
    if timezone.localdate() > meeting.held_on:
        raise Refused("The meeting has been held: its agenda stays as it was discussed")
    meeting = _bump(meeting, version=version, agenda_taken_at=timezone.now())
    notes = dict(
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(notes="")
        .values_list("placement_id", "notes")
    )
    AgendaItem.objects.filter(meeting=meeting).delete()
    meeting.agenda_total = _take_agenda(meeting, notes=notes)
    meeting.save(update_fields=["agenda_total"])
    event_record(
        actor=by,
        action="school_review.agenda_refreshed",
        obj=meeting,
        detail={"students": meeting.agenda_total},
    )
    return meeting


@transaction.atomic
def minutes_record(
    *, meeting: ReviewMeeting, minutes: str, version: int, by: User
) -> ReviewMeeting:
    check_can_record_school_review(by)
    meeting = _bump(meeting, version=version, minutes=minutes.strip())
    event_record(actor=by, action="school_review.minutes_recorded", obj=meeting)
    return meeting


@transaction.atomic
def item_notes_record(*, item: AgendaItem, notes: str, version: int, by: User) -> AgendaItem:
    """The minutes about one student. The meeting's version guards them, as its minutes."""
    check_can_record_school_review(by)
    _bump(item.meeting, version=version)
    item.notes = notes.strip()
    item.save(update_fields=["notes"])
    event_record(
        actor=by,
        action="school_review.student_notes_recorded",
        obj=item.meeting,
        detail={"placement": str(item.placement.uuid)},
    )
    return item


@transaction.atomic
def action_add(
    *,
    meeting: ReviewMeeting,
    text: str,
    due_on: dt.date,
    by: User,
    owner: User | None = None,
    owner_organisation: Organisation | None = None,
    owner_name: str = "",
    owner_organisation_name: str = "",
) -> Action:
    """An action agreed at the meeting: owned by a person of the school or the CAP team (with
    the organisation they act for), or by someone named in words with their organisation."""
    check_can_record_school_review(by)
    if not text.strip():
        raise Refused("Enter the action", field="text")
    if Action.objects.filter(meeting=meeting).count() >= selectors.ACTIONS_LIMIT:
        raise Refused(
            f"This meeting has {selectors.ACTIONS_LIMIT} actions, the most one meeting can hold",
            field="text",
        )
    if due_on < meeting.held_on:
        raise Refused(
            f"The due date must be on or after the meeting, {long_date(meeting.held_on)}",
            field="due_on",
        )
    if owner is not None:
        allowed = {(u, o) for u, o, _ in selectors.people_for_actions(meeting)}
        if owner_organisation is None or (owner.pk, owner_organisation.pk) not in allowed:
            raise Refused("Choose someone from the school or the CAP team", field="owner")
        owner_name = owner_organisation_name = ""
    else:
        if not owner_name.strip():
            raise Refused("Enter the owner's name", field="owner_name")
        if not owner_organisation_name.strip():
            raise Refused("Enter the owner's organisation", field="owner_organisation_name")
        owner_organisation = None
    action = Action.objects.create(
        meeting=meeting,
        text=text.strip(),
        due_on=due_on,
        owner=owner,
        owner_organisation=owner_organisation,
        owner_name=owner_name.strip(),
        owner_organisation_name=owner_organisation_name.strip(),
        created_by=by,
    )
    event_record(
        actor=by,
        action="school_review.action_added",
        obj=action,
        detail={"meeting": str(meeting.uuid)},
    )
    return action


@transaction.atomic
def action_mark(*, action: Action, done: bool, by: User) -> Action:
    """Mark an action done, or not done after all."""
    check_can_mark_school_review_action(by, action)
    if action.is_done == done:
        return action
    action.done_at = timezone.now() if done else None
    action.done_by = by if done else None
    action.save(update_fields=["done_at", "done_by"])
    event_record(
        actor=by,
        action="school_review.action_done" if done else "school_review.action_reopened",
        obj=action,
        detail={"meeting": str(action.meeting.uuid)},
    )
    return action


@transaction.atomic
def meeting_share(*, meeting: ReviewMeeting, version: int, by: User) -> ReviewMeeting:
    """Let the school's staff see the meeting, its agenda, minutes and actions, from now
    on; what the CAP team records afterwards they see as it is recorded."""
    check_can_record_school_review(by)
    if meeting.is_shared:
        raise Refused("This meeting is already shared with the school")
    meeting = _bump(meeting, version=version, shared_at=timezone.now(), shared_by=by)
    event_record(
        actor=by,
        action="school_review.shared",
        obj=meeting,
        detail={"school": str(meeting.school.uuid)},
    )
    return meeting
