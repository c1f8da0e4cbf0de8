from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from applications import journey
from applications.models import Agency, Application, ApplicationDocument
from applications.rules import applications_visible_to
from applications.workflow import EVENT_WORDS, Status
from audit.models import Event


def applications_for(user: User) -> QuerySet[Application]:
    """Applications the user may see, newest first, ready for a list."""
    return applications_visible_to(
        user, Application.objects.exclude(status=Status.DISCARDED)
    ).select_related("student", "programme", "course__provider", "school")


def documents_for(application: Application) -> QuerySet[ApplicationDocument]:
    """An application's documents, oldest first. The caller has checked that the user may
    see the application (applications.rules.can_view_application)."""
    return application.documents.select_related(
        "document", "document__uploaded_by", "checklist_item"
    ).order_by("document__uploaded_at", "document_id")


@dataclass(frozen=True)
class TimelineEntry:
    title: str
    actor: User | None
    occurred_at: datetime


def timeline(application: Application) -> list[TimelineEntry]:
    """The application's events in words, newest first. An assignment names the officer,
    whose UUID is all the event holds (events hold no names)."""
    events = list(
        Event.objects.filter(
            object_type="applications.application", object_id=str(application.uuid)
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
    officer_ids = {
        e.detail.get("officer")
        for e in events
        if e.action == "application.assigned" and e.detail.get("officer")
    }
    names = (
        {
            str(uuid): name
            for uuid, name in User.objects.filter(uuid__in=officer_ids).values_list(
                "uuid", "full_name"
            )
        }
        if officer_ids
        else {}
    )
    entries = []
    for event in events:
        if event.action == "application.assigned":
            officer = event.detail.get("officer")
            title = (
                f"Assigned to {names.get(officer, 'a CAP officer')}" if officer else "Unassigned"
            )
        else:
            action = event.action.removeprefix("application.").replace("_", " ")
            title = EVENT_WORDS.get(event.action, action.capitalize())
        entries.append(TimelineEntry(title=title, actor=event.actor, occurred_at=event.occurred_at))
    return entries


def cap_officers():
    """Everyone who acts for CAP on applications, for the assignment list."""
    from accounts.models import OrganisationKind, Role, User

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
            memberships__role__in=[Role.CAP_OFFICER, Role.CAP_MANAGER],
        )
        .distinct()
        .order_by("full_name")
    )


# What waits for each audience: (status, words), in the order a person works through them.
WAITING = {
    "schools": [
        (Status.RETURNED, "questions from the CAP team to answer"),
        (Status.PANEL_RETURNED, "questions from a panel to answer"),
        (Status.PACK_SENT, "interviews to arrange with the provider"),
        (Status.START_CONFIRMED, "start dates to note"),
    ],
    "providers": [
        (Status.PACK_SENT, "packs to answer: arrange an interview or decline"),
        (Status.INTERVIEW_ARRANGED, "interviews to record"),
        (Status.INTERVIEW_HELD, "responses to give"),
    ],
    "casework": [
        (Status.SUBMITTED, "applications to review"),
        (Status.ACCEPTED, "packs to send to providers"),
        (Status.PANEL_APPROVED, "panel approvals to take forward"),
        (Status.PANEL_DECLINED, "panel refusals: record the alternatives explored"),
        (Status.WAITING_LIST, "students on a waiting list"),
        (Status.PROVIDER_ACCEPTED, "provider offers to confirm"),
        (Status.PROVIDER_DECLINED, "provider declines to follow up"),
        (Status.START_CONFIRMED, "placements to set up"),
        (Status.WITHDRAWN, "withdrawals to process"),
    ],
}


def waiting_counts(queryset: QuerySet[Application], area: str) -> list[tuple[str, str, int]]:
    """(status, words, count) for what waits in an area, from one query."""
    from django.db.models import Count, Q

    wanted = WAITING[area]
    counts = queryset.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status, _ in wanted}
    )
    return [(status, words, counts[status]) for status, words in wanted if counts[status]]


def overdue_filter(today):
    """Applications whose status has a clock that ran out before today, as a filter: the
    status began on or before the working day its allowance of working days before today."""
    from django.db.models import Q

    from applications.workflow import CLOCKS
    from lib.dates import working_days_before

    condition = Q(pk__in=[])
    for status, days in CLOCKS.items():
        cutoff = working_days_before(today, days)
        condition |= Q(status=status, status_changed_at__date__lt=cutoff)
    return condition


def overdue_count(user) -> int:
    from django.utils import timezone

    from applications.rules import applications_visible_to

    return (
        applications_visible_to(user, Application.objects.all())
        .filter(overdue_filter(timezone.localdate()))
        .count()
    )


def answers_by_page(application: Application) -> list[dict]:
    """The check-answers rows, page by page, with values as a person reads them."""
    sections = []
    for page in journey.pages_for(application):
        if page.form is None:
            continue
        rows = []
        if page.slug == "questions":
            answers = application.question_answers or {}
            rows = [(q.text, answers.get(q.key, "")) for q in application.programme.questions.all()]
        else:
            form = page.form
            for name in form.owns:
                field = form.base_fields[name]
                rows.append((field.label, display_answer(application, name)))
        sections.append({"page": page, "rows": rows})
    return sections


def display_answer(application: Application, name: str):
    value = getattr(application, name)
    if name == "agencies":
        return ", ".join(Agency(a).label for a in value) or "None"
    if name == "parental_consent":
        return "" if value is None else ("Yes" if value else "No")
    if name == "referral_reason" and value:
        return application.get_referral_reason_display()
    if name == "attendance_percent" and value is not None:
        return f"{value.normalize()}%"
    if name in ("programme", "course") and value is not None:
        return str(value)
    return value
