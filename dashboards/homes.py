"""What a home page lists, oldest first and bounded: a count, the first few by name, and a
link to the whole list. Nothing is listed that the person cannot act on or open."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_cap_officer
from applications.models import Application
from applications.rules import applications_visible_to
from applications.selectors import WAITING, overdue_filter
from applications.workflow import CLOCKS
from lib.dates import add_working_days, working_days_between
from lib.words import plural
from programmes.models import AcademicYear, YearStatus
from programmes.selectors import year_current
from students.rules import on_roll_at

# How many overdue items a home page lists by name; the rest are counted.
OVERDUE_SHOWN = 5


@dataclass(frozen=True)
class Overdue:
    application: Application
    waiting_days: int  # working days at its step
    due: dt.date  # the working day its step was due by


def overdue_for(user: User, *, today: dt.date | None = None, limit: int = OVERDUE_SHOWN):
    """(count, the oldest `limit`) of the applications whose step's clock ran out, for
    whoever acts for CAP on them (applications.rules: the workflow's CAP actor); nothing for
    anyone else, who could open them but not act. Two queries."""
    if not is_cap_officer(user):
        return 0, []
    today = today or timezone.localdate()
    overdue = applications_visible_to(user, Application.objects.all()).filter(overdue_filter(today))
    rows = []
    for application in overdue.select_related("student", "programme").order_by(
        "status_changed_at", "id"
    )[:limit]:
        since = timezone.localtime(application.status_changed_at).date()
        rows.append(
            Overdue(
                application=application,
                waiting_days=working_days_between(since, today),
                due=add_working_days(since, CLOCKS[application.status]),
            )
        )
    return overdue.count(), rows


@dataclass(frozen=True)
class Waiting:
    application: Application
    words: str  # what waits: "questions from the CAP team to answer"
    waiting_days: int  # working days at its step


def school_waiting(user: User, schools) -> QuerySet[Application]:
    """The school's applications at a step that waits for it, of students it holds on roll
    today: after a managed move the former school still reads its applications but acts on
    none of them (applications.rules), so none waits for it."""
    return Application.objects.filter(
        school__in=schools, status__in=[status for status, *_ in WAITING["schools"]]
    ).filter(on_roll_at(user, "student_id"))


def school_waiting_oldest(
    user: User, schools, *, today: dt.date | None = None, limit: int = OVERDUE_SHOWN
) -> list[Waiting]:
    """The first `limit` of what waits for the school, oldest first, with its age in
    working days at its step. One query."""
    today = today or timezone.localdate()
    # What waits on one application, in the plural as a row reads: "questions from the
    # CAP team to answer".
    words = {status: plural(noun) + rest for status, noun, rest in WAITING["schools"]}
    rows = []
    for application in (
        school_waiting(user, schools)
        .select_related("student", "programme")
        .order_by("status_changed_at", "id")[:limit]
    ):
        since = application.status_changed_at or application.submitted_at
        rows.append(
            Waiting(
                application=application,
                words=words[application.status],
                waiting_days=working_days_between(timezone.localtime(since).date(), today)
                if since
                else 0,
            )
        )
    return rows


def year_to_confirm(*, today: dt.date | None = None) -> AcademicYear | None:
    """The year whose dates the CAP manager is asked to check and confirm: the coming one,
    that is the next year that has not started, or while none is loaded the year in
    progress; only while it is still a draft. Never a year that has ended."""
    today = today or timezone.localdate()
    coming = AcademicYear.objects.filter(starts_on__gt=today).order_by(
        "starts_on"
    ).first() or year_current(on=today)
    if coming is None or coming.status != YearStatus.DRAFT or coming.ends_on < today:
        return None
    return coming
