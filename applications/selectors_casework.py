"""Reads for the CAP casework pages: the queue of applications by step, each row's age in
working days and its due date, and the application's timeline as the casework page shows it.

Ages and due dates are computed in Python on the page's rows only; the overdue filter is a
cut-off date in SQL, so neither grows the query count with the number of applications.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Organisation, User
from applications import workflow
from applications.models import Application
from applications.rules import applications_visible_to
from applications.selectors import overdue_filter
from applications.workflow import Status
from lib.dates import add_working_days, is_working_day
from programmes.models import Programme

ONE_DAY = dt.timedelta(days=1)

# The officer filter's value for applications nobody has been assigned.
UNASSIGNED = "unassigned"
# The step filter's value for every step, finished ones included; no value means open ones.
ANY_STEP = "any"

# How the queue sorts: a column name, with "-" before it for descending by what the column
# shows. The age column descending is oldest first, the default.
SORT_COLUMNS = ("reference", "school", "step", "age")
DEFAULT_SORT = "-age"
_STEP_ORDER = Case(
    *[When(status=status, then=Value(index)) for index, status in enumerate(Status.values)],
    output_field=IntegerField(),
)


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
    school: Organisation | None = None,
    provider: Organisation | None = None,
    step: str = "",
    officer: str = "",
    overdue: bool = False,
    sort: str = DEFAULT_SORT,
) -> QuerySet[Application]:
    """Submitted applications the user may see, filtered and sorted for the casework queue.

    `step` is a status, ANY_STEP, or empty for the open steps only; `officer` is a user's
    UUID, UNASSIGNED, or empty for anyone. An application is overdue when `today` is after
    its due date (due_on)."""
    applications = applications_visible_to(
        user, Application.objects.exclude(status__in=[Status.DRAFT, Status.DISCARDED])
    ).filter(submitted_at__isnull=False)
    if step == ANY_STEP:
        pass
    elif step:
        applications = applications.filter(status=step)
    else:
        applications = applications.filter(status__in=workflow.OPEN)
    if programme is not None:
        applications = applications.filter(programme=programme)
    if school is not None:
        applications = applications.filter(school=school)
    if provider is not None:
        applications = applications.filter(course__provider=provider)
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
    expression = {"reference": F("uuid"), "school": F("school__name"), "step": _STEP_ORDER}[column]
    first = expression.desc() if descending else expression.asc()
    return [first, "since", "id"]


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
