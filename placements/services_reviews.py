"""Notes and actions added to a review meeting after it was recorded. Keyword-only, atomic,
audited (the event names the review and the entry, never what was written)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from accounts.rules import memberships_of
from audit.services import event_record
from lib.errors import Refused
from placements.models import Review, ReviewEntry, ReviewEntryKind
from placements.rules import can_record_marks, check_can_add_to_review
from students.rules import open_link

TEXT_MAX_LENGTH = 5000


def _recorded_for(by: User, review: Review) -> Organisation:
    """Whom the person adds it for: the agency of their link, the setting running the
    placement, otherwise the local authority (the CAP team)."""
    link = open_link(by, review.placement.student)
    if link is not None:
        return link.agency
    if can_record_marks(by, review.placement):
        return review.placement.provider
    return next(
        m.organisation
        for m in memberships_of(by)
        if m.organisation.kind == OrganisationKind.LOCAL_AUTHORITY
    )


def _text(value: str, *, label: str) -> str:
    value = value.strip()
    if not value:
        raise Refused(f"Enter {label}", field="text")
    if len(value) > TEXT_MAX_LENGTH:
        raise Refused(
            f"{label[0].upper()}{label[1:]} must be {TEXT_MAX_LENGTH} characters or fewer",
            field="text",
        )
    return value


def _add(*, review: Review, by: User, **fields) -> ReviewEntry:
    entry = ReviewEntry.objects.create(
        review=review, recorded_by=by, recorded_for=_recorded_for(by, review), **fields
    )
    event_record(
        actor=by,
        action=f"placement.review_{entry.kind}_added",
        obj=review.placement,
        detail={"review": str(review.uuid), "entry": str(entry.uuid)},
    )
    return entry


@transaction.atomic
def review_note_add(*, review: Review, text: str, by: User) -> ReviewEntry:
    check_can_add_to_review(by, review)
    return _add(review=review, by=by, kind=ReviewEntryKind.NOTE, text=_text(text, label="the note"))


@transaction.atomic
def review_action_add(
    *, review: Review, text: str, owner: str, due_on: dt.date, by: User
) -> ReviewEntry:
    check_can_add_to_review(by, review)
    owner = " ".join(owner.split())
    if not owner:
        raise Refused("Enter who will do it", field="owner")
    if due_on < timezone.localdate():
        raise Refused("The date it is due by must be today or in the future", field="due_on")
    return _add(
        review=review,
        by=by,
        kind=ReviewEntryKind.ACTION,
        text=_text(text, label="the action"),
        owner=owner[:200],
        due_on=due_on,
    )
