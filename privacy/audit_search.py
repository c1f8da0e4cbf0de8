"""The audit trail, searchable: who did what to which record, and when.

The CAP manager searches every event except safeguarding's; the authority's safeguarding
lead searches safeguarding's events only (privacy.rules, where which events are
safeguarding's is decided once).

Events hold identifiers only (audit.models.Event), so names are read at search time: the
actor's from their account, a record's kind from its model.
"""

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_cap_manager, is_safeguarding_lead
from applications.models import Application, reference_parse
from audit.models import Event
from lib import upn
from placements.models import Placement
from privacy.rules import SAFEGUARDING_OBJECT_TYPES, events_visible_to
from safeguarding.models import Concern
from students.models import Student

# --- Words for what events hold ------------------------------------------------------------

ACTION_WORDS = {
    "application.started": "Started an application",
    "application.submit": "Submitted an application",
    "application.assigned": "Assigned an application",
    "application.outcome_notice_sent": "Sent an outcome notice",
    "document.uploaded": "Uploaded a document",
    "document.downloaded": "Downloaded a document",
    "document.removed": "Removed a document",
    "student.created": "Added a student",
    "student.changed": "Changed a student's record",
    "student.carer_added": "Added a parent or carer",
    "student.carer_changed": "Changed a parent or carer",
    "student.carer_removed": "Removed a parent or carer",
    "placement.created": "Set up a placement",
    "placement.updated": "Changed a placement",
    "placement.exited": "Ended a placement",
    "register.saved": "Saved a register",
    "termly_report.issued": "Issued a termly report",
    "termly_report.downloaded": "Downloaded a termly report",
    "meeting.decision_recorded": "Recorded a panel decision",
    "meeting.pack_read": "Read a panel pack",
    "meeting.pack_downloaded": "Downloaded a panel pack",
    "notice.letter_downloaded": "Downloaded an outcome letter",
    "fee.set": "Set a fee",
    "fee.changed": "Changed a fee",
    "fee.agreed": "Recorded a fee's agreement",
    "sign_in.succeeded": "Signed in",
    "sign_in.failed": "Failed to sign in",
    "sign_in.locked_out": "Was locked out",
    "membership.created": "Gave a role",
    "membership.changed": "Changed a role",
    "membership.ended": "Ended a role",
    "safeguarding.concern_raised": "Raised a safeguarding concern",
    "safeguarding.concern_viewed": "Read a safeguarding concern",
    "safeguarding.chronology_pdf_generated": "Made a safeguarding chronology",
    "subject_access.started": "Started a subject access request",
    "subject_access.built": "Built a subject access zip",
    "subject_access.downloaded": "Downloaded a subject access zip",
    "subject_access.rebuild_requested": "Asked for a subject access zip to be built again",
    "subject_access.safeguarding_released": "Released safeguarding content for subject access",
    "subject_access.safeguarding_declined": "Withheld safeguarding content from subject access",
    "subject_access.failed": "Could not build a subject access zip",
    "subject_access.deleted": "Deleted a subject access zip",
    "audit.searched": "Searched the audit trail",
    "audit.exported": "Exported the audit trail",
}


def action_words(action: str) -> str:
    """The action in words, or a readable form of its name ("Quality: visit recorded")."""
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    noun, _, verb = action.partition(".")
    noun = noun.replace("_", " ").capitalize()
    return f"{noun}: {verb.replace('_', ' ')}" if verb else noun


@cache
def record_types() -> dict[str, str]:
    """Every kind of record an event can name, label to words, by words."""
    kinds = {
        model._meta.label_lower: str(model._meta.verbose_name).capitalize()
        for model in apps.get_models()
        if not model._meta.label_lower.startswith(("auth.", "contenttypes.", "sessions.", "admin."))
    }
    return dict(sorted(kinds.items(), key=lambda item: (item[1], item[0])))


def record_types_for(user: User) -> dict[str, str]:
    """The kinds of record the user's search can find events about."""
    manager, lead = is_cap_manager(user), is_safeguarding_lead(user)
    return {
        label: words
        for label, words in record_types().items()
        if (label in SAFEGUARDING_OBJECT_TYPES and lead)
        or (label not in SAFEGUARDING_OBJECT_TYPES and manager)
    }


def record_words(object_type: str) -> str:
    return record_types().get(object_type, object_type)


# --- The search ----------------------------------------------------------------------------

_HEX_REFERENCE = re.compile(r"^[0-9A-Fa-f]{8}$")


@dataclass
class Filters:
    person: str = ""
    action: str = ""
    record_type: str = ""
    record_id: str = ""
    student: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def resolve_student(text: str) -> Student | None:
    """The student a UPN or an application's reference (CAP-2026-00123) names. The eight
    hex characters that were the reference before CAP numbered applications still work, as
    older letters and notes quote them."""
    text = text.strip()
    if not text:
        return None
    if not upn.upn_error(text):
        return Student.objects.filter(upn=upn.normalise(text).upper()).first()
    applications = Application.objects.select_related("student")
    reference = reference_parse(text)
    if reference is not None:
        application = applications.filter(reference=reference).first()
        if application is not None:
            return application.student
    # Eight digits read as a new reference too ("12345678" as CAP-1234-05678): an old hex
    # reference that happens to be all digits is still looked up as one.
    if _HEX_REFERENCE.match(text):
        application = applications.filter(uuid__startswith=text.lower()).first()
        return application.student if application else None
    return None


def _about_student(student: Student) -> Q:
    """The events about the student, their applications, placements and safeguarding
    concerns (the last seen only by the safeguarding lead, as every search is limited to
    what the person may see)."""
    concerns = [
        str(u) for u in Concern.objects.filter(student=student).values_list("uuid", flat=True)
    ]
    applications = [
        str(u) for u in Application.objects.filter(student=student).values_list("uuid", flat=True)
    ]
    placements = [
        str(u) for u in Placement.objects.filter(student=student).values_list("uuid", flat=True)
    ]
    return (
        Q(object_type=Student._meta.label_lower, object_id=str(student.uuid))
        | Q(object_type=Application._meta.label_lower, object_id__in=applications)
        | Q(object_type=Placement._meta.label_lower, object_id__in=placements)
        | Q(object_type=Concern._meta.label_lower, object_id__in=concerns)
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def events_found(user: User, filters: Filters, student: Student | None) -> QuerySet[Event]:
    """The events the user may search that match the filters, newest first, with their
    actors. `student` is the student the filters' UPN or reference resolved to."""
    events = events_visible_to(user).select_related("actor")
    if filters.person:
        text = filters.person.strip()
        people = User.objects.filter(Q(full_name__icontains=text) | Q(email__iexact=text))
        events = events.filter(actor__in=people.values("pk"))
    if filters.action:
        events = events.filter(action__icontains=filters.action.strip())
    if filters.record_type:
        events = events.filter(object_type=filters.record_type)
    if filters.record_id:
        events = events.filter(object_id=filters.record_id.strip().lower())
    if student is not None:
        events = events.filter(_about_student(student))
    if filters.since:
        events = events.filter(occurred_at__gte=_start_of(filters.since))
    if filters.until:
        events = events.filter(occurred_at__lt=_start_of(filters.until + dt.timedelta(days=1)))
    return events.order_by("-occurred_at", "-id")


def filters_detail(filters: Filters, student: Student | None) -> dict:
    """What a search asked for, for its own audit event: identifiers only, so a name typed
    to find a person is recorded as the accounts it matched, never as typed."""
    detail: dict = {}
    if filters.person:
        text = filters.person.strip()
        detail["people"] = [
            str(u)
            for u in User.objects.filter(Q(full_name__icontains=text) | Q(email__iexact=text))
            .order_by("pk")
            .values_list("uuid", flat=True)[:50]
        ]
    if filters.action:
        detail["action"] = filters.action.strip()[:80]
    if filters.record_type:
        detail["record_type"] = filters.record_type
    if filters.record_id:
        detail["record_id"] = filters.record_id.strip()[:64]
    if student is not None:
        detail["student"] = str(student.uuid)
    if filters.since:
        detail["since"] = filters.since.isoformat()
    if filters.until:
        detail["until"] = filters.until.isoformat()
    return detail
