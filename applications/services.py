"""Every write to an application. Only these functions change its status, and only along
the transitions applications.workflow allows."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.permissions import (
    check_can_edit_application,
    check_can_edit_student,
    check_can_withdraw_application,
)
from applications import rules, workflow
from applications.models import Application
from audit.services import event_record
from documents.services import document_remove
from programmes.models import Subscription
from students.models import Student


class Conflict(Exception):
    """Someone else changed the application since this person loaded it."""


class SubmitRefused(Exception):
    def __init__(self, problems: list[rules.Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


class NotAllowed(Exception):
    """The application is not in a state that allows this."""


def _transition(application: Application, name: str, *, version: int, by: User, **changes):
    """Move an application along one transition of the workflow table, if it is still at
    `version`, and record the event."""
    transition = workflow.TRANSITIONS[name]
    if not workflow.allowed(name, application.status):
        raise NotAllowed(
            f"A {application.get_status_display().lower()} application cannot be {name}ed."
        )
    source = application.status
    application = _move(
        application,
        version=version,
        status=transition.target,
        status_guard=transition.sources,
        **changes,
    )
    event_record(
        actor=by,
        action=transition.event,
        obj=application,
        detail={"from": source, "to": transition.target},
    )
    return application


def _move(application: Application, *, version: int, status_guard=None, **changes):
    """Change an application if it is still at `version`, and bump the version."""
    rows = Application.objects.filter(pk=application.pk, version=version)
    if status_guard is not None:
        rows = rows.filter(status__in=status_guard)
    if not rows.update(version=F("version") + 1, updated_at=timezone.now(), **changes):
        raise Conflict("The application was changed by someone else.")
    application.refresh_from_db()
    return application


@transaction.atomic
def application_start(*, student: Student, by: User) -> Application:
    check_can_edit_student(by, student)
    application = Application.objects.create(
        student=student, school=student.home_school, created_by=by
    )
    event_record(actor=by, action="application.started", obj=application)
    return application


@transaction.atomic
def application_save_page(
    *, application: Application, answers: dict, version: int, by: User
) -> Application:
    """Save one page's answers to the draft."""
    check_can_edit_application(by, application)
    if "programme" in answers and answers["programme"] != application.programme:
        # A new programme brings its own courses and questions.
        answers = {**answers, "course": None, "question_answers": {}}
    fields = {
        name: (value.pk if hasattr(value, "pk") else value) for name, value in answers.items()
    }
    fields = {
        (f"{name}_id" if name in ("programme", "course") else name): value
        for name, value in fields.items()
    }
    return _move(application, version=version, reminded_at=None, **fields)


@transaction.atomic
def application_submit(*, application: Application, version: int, by: User) -> Application:
    check_can_edit_application(by, application)
    # Two submissions at once must not both pass the one-open-application and allowance
    # rules: take the student's and the subscription's rows first.
    Student.objects.select_for_update().filter(pk=application.student_id).first()
    if application.programme_id:
        Subscription.objects.select_for_update().filter(
            school=application.school, year=application.programme.year_id
        ).first()
    problems = rules.submit_problems(application, today=timezone.localdate())
    if problems:
        raise SubmitRefused(problems)
    return _transition(application, "submit", version=version, by=by, submitted_at=timezone.now())


@transaction.atomic
def application_withdraw(
    *, application: Application, reason: str, version: int, by: User
) -> Application:
    check_can_withdraw_application(by, application)
    return _transition(application, "withdraw", version=version, by=by, withdrawn_reason=reason)


@transaction.atomic
def application_discard(*, application: Application, version: int, by: User) -> Application:
    """A school may throw away its own draft; CAP never deletes one for it."""
    check_can_edit_application(by, application)
    # A discarded draft keeps its answers for the school, but not the documents: nothing
    # will use them, so they are not kept.
    for document in list(application.documents.all()):
        document_remove(document=document, by=by)
    return _transition(application, "discard", version=version, by=by)


def application_mark_reminded(*, application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(reminded_at=timezone.now())
