import datetime as dt
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import OrganisationKind, Role, User
from applications import journey, workflow
from applications.models import (
    READS,
    REFERENCE_ORDER,
    STEP_ORDER,
    Agency,
    Application,
    ApplicationDocument,
)
from applications.rules import applications_visible_to
from applications.workflow import EVENT_WORDS, Status
from audit.models import Event
from lib.dates import add_working_days, is_working_day, long_date, working_days_before
from lib.words import plural
from programmes.models import Programme


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
        .exclude(action__in=READS)
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

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
            memberships__role__in=[Role.CAP_OFFICER, Role.CAP_MANAGER],
        )
        .distinct()
        .order_by("full_name")
    )


# What waits for each audience: (status, noun, the words after it), in the order a person works
# through them; the noun agrees with the count (lib.words.plural: "1 pack to answer", "2 packs").
WAITING = {
    "schools": [
        (Status.RETURNED, "question", " from the CAP team to answer"),
        (Status.PANEL_RETURNED, "question", " from a panel to answer"),
        (Status.PACK_SENT, "interview", " to arrange with the provider"),
        (Status.START_CONFIRMED, "start date", " to note"),
    ],
    "providers": [
        (Status.PACK_SENT, "pack", " to answer: arrange an interview or decline"),
        (Status.INTERVIEW_ARRANGED, "interview", " to record"),
        (Status.INTERVIEW_HELD, "response", " to give"),
    ],
    "casework": [
        (Status.SUBMITTED, "application", " to review"),
        (Status.ACCEPTED, "pack", " to send to providers"),
        (Status.PANEL_APPROVED, "panel approval", " to take forward"),
        (Status.PANEL_DECLINED, "panel refusal", ": record the alternatives explored"),
        (Status.WAITING_LIST, "student", " on a waiting list"),
        (Status.PROVIDER_ACCEPTED, "provider offer", " to confirm"),
        (Status.PROVIDER_DECLINED, "provider decline", " to follow up"),
        (Status.START_CONFIRMED, "placement", " to set up"),
        (Status.WITHDRAWN, "withdrawal", " to process"),
    ],
}


def waiting_counts(queryset: QuerySet[Application], area: str) -> list[tuple[str, str, int]]:
    """(status, words, count) for what waits in an area, from one query: the words agree
    with the count ("1 question from the CAP team to answer")."""
    wanted = WAITING[area]
    # Only the rows of the statuses counted are read, and only their status: at national
    # volume an index's entries (application_queue_status), not every application's row.
    counts = queryset.filter(status__in=[status for status, _, _ in wanted]).aggregate(
        **{status: Count("status", filter=Q(status=status)) for status, _, _ in wanted}
    )
    return [
        (status, (noun if counts[status] == 1 else plural(noun)) + rest, counts[status])
        for status, noun, rest in wanted
        if counts[status]
    ]


def overdue_filter(today):
    """Applications whose status has a clock that ran out before today, as a filter: the
    status began on or before the working day its allowance of working days before today."""
    condition = Q(pk__in=[])
    for status, days in workflow.CLOCKS.items():
        cutoff = working_days_before(today, days)
        condition |= Q(status=status, status_changed_at__date__lt=cutoff)
    return condition


def overdue_count(user) -> int:
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
    if isinstance(value, dt.date):
        # A date as a person writes it, "1 December 2026", never 2026-12-01.
        return long_date(value, weekday=False)
    return value


# --- The CAP team's queue -----------------------------------------------------------------
# Reads for the CAP casework pages: the queue of applications by step, each row's age in
# working days and its due date, and the application's timeline as the casework page shows it.
#
# Ages and due dates are computed in Python on the page's rows only; the overdue filter is a
# cut-off date in SQL, so neither grows the query count with the number of applications.

ONE_DAY = dt.timedelta(days=1)

# The officer filter's value for applications nobody has been assigned.
UNASSIGNED = "unassigned"
# The step filter's value for every step, finished ones included; no value means open ones.
ANY_STEP = "any"

# How the queue sorts: a column name, with "-" before it for descending by what the column
# shows. The age column descending is oldest first, the default.
SORT_COLUMNS = ("reference", "step", "age")
DEFAULT_SORT = "-age"


def _since(application: Application) -> dt.date | None:
    """The day the application reached its current step."""
    moment = application.status_changed_at or application.submitted_at
    return timezone.localdate(moment) if moment else None


def due_on(application: Application) -> dt.date | None:
    """The last day for the next step, where the workflow gives the step a clock."""
    days = workflow.CLOCKS.get(application.status)
    since = _since(application)
    if days is None or since is None:
        return None
    return add_working_days(since, days)


def queue(
    user: User,
    *,
    today: dt.date,
    programme: Programme | None = None,
    school: str = "",
    provider: str = "",
    step: str = "",
    officer: str = "",
    overdue: bool = False,
    reference: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Application]:
    """Submitted applications the user may see, filtered and sorted for the casework queue.

    `step` is a status, ANY_STEP, or empty for the open steps only; `officer` is a user's
    UUID, UNASSIGNED, or empty for anyone; `school` and `provider` all or part of a name;
    `reference` one application's reference, as reference_parse writes it, at whatever
    step. An application is overdue when `today` is after its due date (due_on)."""
    applications = applications_visible_to(
        user, Application.objects.exclude(status__in=[Status.DRAFT, Status.DISCARDED])
    ).filter(submitted_at__isnull=False)
    if step == ANY_STEP or reference:
        # The one application someone quoted is found even once it is finished.
        pass
    elif step:
        applications = applications.filter(status=step)
    else:
        applications = applications.filter(status__in=workflow.OPEN)
    if reference:
        applications = applications.filter(reference=reference)
    if programme is not None:
        applications = applications.filter(programme=programme)
    if school:
        applications = applications.filter(school__name__icontains=school)
    if provider:
        applications = applications.filter(course__provider__name__icontains=provider)
    if officer == UNASSIGNED:
        applications = applications.filter(assigned_to__isnull=True)
    elif officer:
        applications = applications.filter(assigned_to__uuid=officer)
    applications = applications.annotate(since=Coalesce("status_changed_at", "submitted_at"))
    if overdue:
        applications = applications.filter(overdue_filter(today))
    return applications.select_related(
        "student", "school", "programme__year", "course__provider", "assigned_to"
    ).order_by(*_ordering(sort))


def _ordering(sort: str) -> list:
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORT_COLUMNS:
        return _ordering(DEFAULT_SORT)
    if column == "age":
        # An older step has an earlier date: age descending is date ascending.
        return ["since", "id"] if descending else ["-since", "-id"]
    # The same expressions as the queue's indexes (applications.models), to be read from them.
    expressions = {"reference": list(REFERENCE_ORDER), "step": [STEP_ORDER]}[column]
    return [e.desc() if descending else e.asc() for e in expressions] + ["since", "id"]


@dataclass(frozen=True)
class QueueRow:
    application: Application
    age: int | None  # working days in the current step
    due_on: dt.date | None
    overdue: bool


def queue_rows(applications, *, today: dt.date) -> list[QueueRow]:
    """The queue's rows for one page of applications, with ages counted in one pass back
    from today however many rows there are."""
    applications = list(applications)
    since = {a.pk: _since(a) for a in applications}
    ages: dict[dt.date, int] = {}
    count, day = 0, today
    for start in sorted({d for d in since.values() if d}, reverse=True):
        while day > start:
            count += is_working_day(day)
            day -= ONE_DAY
        ages[start] = count
    rows = []
    for application in applications:
        due = due_on(application)
        rows.append(
            QueueRow(
                application=application,
                age=ages.get(since[application.pk]),
                due_on=due,
                overdue=due is not None and due < today,
            )
        )
    return rows
