"""Reads of concerns. Every getter checks access and answers 404 for what the user may not
see, whether or not it exists. Nothing outside this app reads concerns: they are left out of
general lists, search, exports and reports on purpose (STYLE.md rule 12)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import OrganisationKind, User
from audit.models import Event
from placements.models import Placement
from safeguarding.models import VIEWED, Concern, Entry, EntryKind
from safeguarding.rules import (
    can_view_chronology,
    can_view_concern,
    can_view_concern_receipt,
    concerns_visible_to,
    raising_organisations,
    receipts_visible_to,
)
from students.models import Student


def _concerns() -> QuerySet:
    return Concern.objects.select_related(
        "student__home_school",
        "placement__provider",
        "raised_by",
        "raised_for",
        "category",
    )


def with_status(concerns: QuerySet) -> QuerySet:
    """Each concern's state, read from its entries."""

    def has(kind):
        return Exists(Entry.objects.filter(concern=OuterRef("pk"), kind=kind))

    return concerns.annotate(
        is_acknowledged=has(EntryKind.ACKNOWLEDGED),
        is_escalated=has(EntryKind.ESCALATED),
        is_closed=has(EntryKind.CLOSED),
    )


def get_concern_for_user(user: User, concern_uuid) -> Concern:
    concern = with_status(_concerns()).filter(uuid=concern_uuid).first()
    if concern is None or not can_view_concern(user, concern):
        raise Http404
    return concern


def get_receipt_for_user(user: User, concern_uuid) -> Concern:
    concern = _concerns().filter(uuid=concern_uuid).first()
    if concern is None or not can_view_concern_receipt(user, concern):
        raise Http404
    return concern


def get_student_to_raise_for(user: User, student_uuid) -> Student:
    """The student, or 404 unless the user works with them."""
    student = Student.objects.select_related("home_school").filter(uuid=student_uuid).first()
    if student is None or not raising_organisations(user, student):
        raise Http404
    return student


def get_student_for_chronology(user: User, student_uuid) -> Student:
    student = Student.objects.select_related("home_school").filter(uuid=student_uuid).first()
    if student is None or not can_view_chronology(user, student):
        raise Http404
    return student


def queue_for(user: User) -> QuerySet:
    """The DSL's concerns: open ones, those nobody has acknowledged first (urgent first).
    Their ids only, to page: queue_rows reads what the page shows of one page of them, so
    that the sort does not join the student, placement and people of every concern."""
    return (
        with_status(concerns_visible_to(user, Concern.objects.all()))
        .order_by("is_closed", "is_acknowledged", "-urgent", "-raised_at", "-id")
        .values_list("pk", flat=True)
    )


def queue_rows(user: User, ids) -> list[Concern]:
    """The concerns of one page of queue_for, in its order, with what the queue shows: only
    those the user may see, whatever ids it is given."""
    ids = list(ids)
    found = with_status(concerns_visible_to(user, _concerns())).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def raised_by(user: User) -> QuerySet:
    """The user's receipts (safeguarding.rules.receipts_visible_to)."""
    return receipts_visible_to(user, Concern.objects.all()).select_related("student", "category")


def entries_of(concern: Concern) -> list[Entry]:
    return list(
        Entry.objects.filter(concern=concern)
        .select_related("by", "corrects__by")
        .order_by("recorded_at", "id")
    )


def readers_of(concern: Concern) -> QuerySet:
    """Who has read the concern, and when: newest first."""
    return (
        Event.objects.filter(
            action=VIEWED, object_type=Concern._meta.label_lower, object_id=str(concern.uuid)
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def placements_to_raise_on(user: User, student: Student) -> QuerySet:
    """The student's placements a concern raised by this user may be linked to: the home
    school, a linked agency professional and CAP may link any of them; a provider's staff
    only their own."""
    placements = Placement.objects.filter(student=student).select_related(
        "provider", "programme", "course"
    )
    organisations = raising_organisations(user, student)
    if any(_may_choose_any(o, student) for o in organisations):
        return placements.order_by("-starts_on", "-id")
    return placements.filter(provider__in=organisations).order_by("-starts_on", "-id")


def must_choose_placement(user: User, student: Student) -> bool:
    """A provider's staff raise a concern on the placement they run."""
    return not any(_may_choose_any(o, student) for o in raising_organisations(user, student))


def _may_choose_any(organisation, student: Student) -> bool:
    """Whether raising for `organisation` may link any of the student's placements, or
    none: the home school, an agency and the local authority."""
    return organisation.pk == student.home_school_id or organisation.kind in (
        OrganisationKind.LOCAL_AUTHORITY,
        OrganisationKind.AGENCY,
    )


@dataclass(frozen=True)
class ChronologyItem:
    at: datetime
    concern: Concern
    title: str
    by: User | None
    entry: Entry | None = None


def chronology_of(user: User, student: Student) -> tuple[list[Concern], list[ChronologyItem]]:
    """Every concern about the student that the user may see, and everything that happened
    to them, oldest first: the chronology a child-protection conference asks for. Two
    queries, whatever the number of concerns."""
    concerns = list(
        with_status(concerns_visible_to(user, _concerns()))
        .filter(student=student)
        .order_by("raised_at", "id")
    )
    entries = (
        Entry.objects.filter(concern__in=concerns).select_related("by").order_by("recorded_at")
    )
    by_pk = {c.pk: c for c in concerns}
    items = [
        ChronologyItem(at=c.raised_at, concern=c, title="Concern raised", by=c.raised_by)
        for c in concerns
    ]
    for entry in entries:
        entry.concern = by_pk[entry.concern_id]
        items.append(
            ChronologyItem(
                at=entry.recorded_at,
                concern=entry.concern,
                title=entry_title(entry),
                by=entry.by,
                entry=entry,
            )
        )
    items.sort(key=lambda item: item.at)
    return concerns, items


def entry_title(entry: Entry) -> str:
    if entry.kind == EntryKind.ACTION:
        return entry.get_action_display()
    if entry.kind == EntryKind.CLOSED:
        return f"Closed: {entry.get_outcome_display().lower()}"
    if entry.kind == EntryKind.CORRECTION:
        return "Correction of the original account" if entry.corrects_id is None else "Correction"
    return entry.get_kind_display()


def waiting_counts_for(user: User) -> dict:
    """How many of the DSL's open concerns nobody has acknowledged yet, and how many of
    those are urgent: counts only, for the home page."""
    waiting = concerns_visible_to(user, with_status(Concern.objects.all())).filter(
        is_acknowledged=False, is_closed=False
    )
    return waiting.aggregate(total=Count("pk"), urgent=Count("pk", filter=Q(urgent=True)))


# The urgent concerns a DSL's home page lists by name; the rest are counted, with a link to
# the queue.
URGENT_SHOWN = 5


def urgent_waiting_for(user: User, *, limit: int = URGENT_SHOWN) -> list[Concern]:
    """The first of the DSL's urgent concerns nobody has acknowledged yet, oldest first:
    what the home page lists (reference, category and age, never the content)."""
    return list(
        concerns_visible_to(user, with_status(Concern.objects.select_related("category")))
        .filter(urgent=True, is_acknowledged=False, is_closed=False)
        .order_by("raised_at", "id")[:limit]
    )
