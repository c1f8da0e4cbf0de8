"""Every write to an application. Only application_transition changes its status, and only
along the transitions applications.workflow allows; what other domains do on a transition
they register in applications.effects."""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from applications import checks, workflow
from applications.effects import effects_run
from applications.models import (
    PACK_READ,
    READ,
    Application,
    ApplicationDocument,
    ReferenceCounter,
)
from applications.rules import (
    can_assign_application,
    check_can_act_on_application,
    check_can_edit_application,
    check_can_withdraw_application,
)
from applications.tasks import send_transition_emails
from audit.services import event_record
from documents.services import document_delete, document_store
from documents.validation import RISK_ASSESSMENT_KEY
from lib.dates import is_working_day, long_date
from lib.errors import Conflict, Refused
from programmes.models import ChecklistItem, Subscription, Term
from students.models import Student
from students.rules import check_can_edit_student


class SubmitRefused(Refused):
    def __init__(self, problems: list[checks.Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def _check_step(application: Application, name: str, by: User) -> None:
    """Refuse a step the table does not allow now, or that this user may not take."""
    if not workflow.allowed(name, application.status, workflow.route_of(application)):
        transition = workflow.TRANSITIONS[name]
        raise Refused(
            f"This application is “{application.get_status_display().lower()}”, so it cannot "
            f"be moved on by “{transition.label.lower()}”."
        )
    check_can_act_on_application(by, application, name)


def application_transition(
    application: Application,
    name: str,
    *,
    version: int,
    by: User,
    check: Callable[[], None] | None = None,
    **changes,
):
    """Move an application along one transition of the workflow table, if the user may take
    it and the application is still at `version`; record the event, run what other domains
    registered for the transition (applications.effects) and, after commit, queue the
    e-mails the table names. An effect that refuses undoes the whole step. `check` refuses
    what the table cannot (a date out of term, say), once the step is known to be open to
    the user and before anything is written."""
    transition = workflow.TRANSITIONS[name]
    _check_step(application, name, by)
    if check is not None:
        check()
    source = application.status
    if transition.decides and application.decided_at is None:
        changes["decided_at"] = timezone.now()
    with transaction.atomic():
        application = _move(
            application,
            version=version,
            status=transition.target,
            status_guard=transition.sources,
            status_changed_at=timezone.now(),
            **changes,
        )
        event_record(
            actor=by,
            action=transition.event,
            obj=application,
            detail={"from": source, "to": transition.target},
        )
        effects_run(name, application=application, by=by)
    if transition.notify:
        transaction.on_commit(lambda: send_transition_emails.enqueue(application.pk, name))
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


def application_read(*, application: Application, by: User, pack: bool = False) -> None:
    """Every opening of an application's page is audited, as a read: CAP's casework page,
    or (`pack`) the pack a provider was sent. The caller fetched it through its getter."""
    event_record(actor=by, action=PACK_READ if pack else READ, obj=application)


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
    problems = checks.submit_problems(application, today=timezone.localdate())
    if problems:
        raise SubmitRefused(problems)
    now = timezone.now()
    # The counter's row stays locked until this submission commits (ReferenceCounter.take).
    reference = application.reference or ReferenceCounter.take(submitted_at=now)
    return application_transition(
        application, "submit", version=version, by=by, submitted_at=now, reference=reference
    )


@transaction.atomic
def application_withdraw(
    *, application: Application, reason: str, version: int, by: User
) -> Application:
    check_can_withdraw_application(by, application)
    return application_transition(
        application, "withdraw", version=version, by=by, withdrawn_reason=reason
    )


@transaction.atomic
def application_discard(*, application: Application, version: int, by: User) -> Application:
    """A school may throw away its own draft; CAP never deletes one for it."""
    check_can_edit_application(by, application)
    # A discarded draft keeps its answers for the school, but not the documents: nothing
    # will use them, so they are not kept.
    for application_document in list(application.documents.select_related("document")):
        application_document_remove(application_document=application_document, by=by)
    return application_transition(application, "discard", version=version, by=by)


def application_mark_reminded(*, application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(reminded_at=timezone.now())


# --- The provider route --------------------------------------------------------------


def start_date_problem(application: Application, day, *, today) -> str | None:
    """Why a proposed start date cannot be used, or None."""
    if day < today:
        return "The start date must be today or later"
    if application.interview_on and day < application.interview_on:
        return "The start date must be on or after the interview"
    if not is_working_day(day):
        return f"{long_date(day)} is not a school day: it is a weekend or bank holiday"
    terms = Term.objects.filter(starts_on__lte=day, ends_on__gte=day)
    if not terms.exists():
        return f"{long_date(day)} is in the school holidays"
    if any(
        t.half_term_starts_on and t.half_term_starts_on <= day <= t.half_term_ends_on for t in terms
    ):
        return f"{long_date(day)} is in half term"
    return None


def _check_start(application: Application, day) -> None:
    problem = start_date_problem(application, day, today=timezone.localdate())
    if problem:
        raise Refused(problem, field="start_on")


@transaction.atomic
def application_return(*, application: Application, question: str, version: int, by: User):
    return application_transition(
        application,
        "return_to_school",
        version=version,
        by=by,
        cap_question=question,
        school_answer="",
    )


@transaction.atomic
def application_resubmit(*, application: Application, answer: str, version: int, by: User):
    return application_transition(
        application, "resubmit", version=version, by=by, school_answer=answer
    )


@transaction.atomic
def application_accept(*, application: Application, version: int, by: User):
    return application_transition(application, "accept", version=version, by=by)


@transaction.atomic
def application_decline(*, application: Application, reason: str, version: int, by: User):
    return application_transition(
        application, "decline", version=version, by=by, decision_reason=reason
    )


@transaction.atomic
def application_send_pack(
    *,
    application: Application,
    sections: list[str],
    documents: list,
    note: str,
    version: int,
    by: User,
):
    """Send the provider what CAP chooses to share: some of the form's pages and some of
    the documents."""
    if application.course_id is None:
        raise Refused("The application has no course, so there is no provider to send to.")
    application = application_transition(
        application,
        "send_pack",
        version=version,
        by=by,
        shared_sections=sections,
        pack_note=note,
        pack_sent_at=timezone.now(),
    )
    application.documents.filter(pk__in=[d.pk for d in documents]).update(shared_with_provider=True)
    return application


@transaction.atomic
def application_arrange_interview(
    *, application: Application, on, details: str, version: int, by: User
):

    def check_date() -> None:
        today = timezone.localdate()
        if on < today:
            raise Refused("The interview date must be today or later", field="on")
        if on > today + dt.timedelta(days=365):
            raise Refused("The interview date must be within the next year", field="on")

    return application_transition(
        application,
        "arrange_interview",
        version=version,
        by=by,
        check=check_date,
        interview_on=on,
        interview_details=details,
    )


@transaction.atomic
def application_hold_interview(*, application: Application, version: int, by: User):
    return application_transition(application, "hold_interview", version=version, by=by)


@transaction.atomic
def application_provider_accept(*, application: Application, start_on, version: int, by: User):
    return application_transition(
        application,
        "provider_accept",
        version=version,
        by=by,
        check=lambda: _check_start(application, start_on),
        proposed_start_on=start_on,
    )


@transaction.atomic
def application_provider_decline(
    *, application: Application, reason: str, detail: str, version: int, by: User
):
    return application_transition(
        application,
        "provider_decline",
        version=version,
        by=by,
        provider_decline_reason=reason,
        provider_decline_detail=detail,
    )


@transaction.atomic
def application_confirm_start(*, application: Application, start_on, version: int, by: User):
    return application_transition(
        application,
        "confirm_start",
        version=version,
        by=by,
        check=lambda: _check_start(application, start_on),
        start_on=start_on,
    )


@transaction.atomic
def application_set_up_placement(*, application: Application, version: int, by: User):
    """The placement itself is made by placements (its effect on this transition), at the
    application's setting, once quality assurance has let the provider through."""
    return application_transition(application, "set_up_placement", version=version, by=by)


@transaction.atomic
def application_close(*, application: Application, reason: str, version: int, by: User):
    return application_transition(
        application, "close", version=version, by=by, closed_reason=reason
    )


# --- The panel routes -----------------------------------------------------------------
# Panels puts the application on an agenda (its effects on refer_to_panel and answer_panel),
# records the decisions (panels.services.decision_record) and offers places from the
# waiting list (panels.services.application_offer_place).


@transaction.atomic
def application_refer_to_panel(*, application: Application, version: int, by: User):
    """CAP's check is done: the application goes on the agenda of its first panel's next
    meeting whose referral deadline its submission met."""
    return application_transition(application, "refer_to_panel", version=version, by=by)


@transaction.atomic
def application_answer_panel(*, application: Application, answer: str, version: int, by: User):
    """The school answers the panel's question; the application goes back on the agenda of
    the panel that asked, at its next meeting."""
    return application_transition(
        application, "answer_panel", version=version, by=by, school_answer=answer
    )


@transaction.atomic
def application_record_alternatives(
    *, application: Application, alternatives: str, version: int, by: User
):
    return application_transition(
        application,
        "record_alternatives",
        version=version,
        by=by,
        alternatives_explored=alternatives,
    )


@transaction.atomic
def application_confirm_panel_start(
    *, application: Application, start_on, days_per_week, version: int, by: User
):
    return application_transition(
        application,
        "confirm_panel_start",
        version=version,
        by=by,
        check=lambda: _check_start(application, start_on),
        start_on=start_on,
        days_per_week=days_per_week,
    )


@transaction.atomic
def application_assign(*, application: Application, officer: User | None, by: User):
    if not can_assign_application(by, application) or (
        officer is not None and not can_assign_application(officer, application)
    ):
        raise PermissionDenied("Applications are assigned by and to CAP officers.")
    Application.objects.filter(pk=application.pk).update(
        assigned_to=officer, version=F("version") + 1
    )
    event_record(
        actor=by,
        action="application.assigned",
        obj=application,
        detail={"officer": str(officer.uuid) if officer else ""},
    )
    application.refresh_from_db()
    return application


# --- Evidence -----------------------------------------------------------------------------
# Every write to an application's documents: the school uploads evidence to its draft and
# removes it. The file itself is kept by documents.services, which knows nothing of
# applications; the link row (ApplicationDocument) says what it is evidence of.


def application_document_upload(
    *,
    application: Application,
    checklist_item: ChecklistItem | None,
    file,
    dated_on: dt.date | None,
    by: User,
) -> ApplicationDocument:
    """Check, encrypt and keep one file for a draft application of the user's school."""
    check_can_edit_application(by, application)
    if (
        checklist_item is not None
        and checklist_item.key == RISK_ASSESSMENT_KEY
        and dated_on is None
    ):
        raise ValidationError({"dated_on": "Enter the date of the risk assessment"})
    with document_store(file=file, by=by, detail=_detail(application, checklist_item)) as document:
        # The application may have been submitted since the check above; if so, the
        # document is not kept.
        check_can_edit_application(by, _locked(application))
        return ApplicationDocument.objects.create(
            application=application,
            document=document,
            checklist_item=checklist_item,
            dated_on=dated_on,
        )


@transaction.atomic
def application_document_remove(*, application_document: ApplicationDocument, by: User) -> None:
    """Remove a document from a draft; its file goes once the removal is committed."""
    application = application_document.application
    check_can_edit_application(by, _locked(application))
    document = application_document.document
    application_document.delete()
    document_delete(
        document=document, by=by, detail=_detail(application, application_document.checklist_item)
    )


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _detail(application: Application, checklist_item: ChecklistItem | None) -> dict:
    # Identifiers only: a filename may carry a student's name.
    return {
        "application": str(application.uuid),
        "checklist_item": checklist_item.key if checklist_item else None,
    }


@transaction.atomic
def applications_reassign(*, officer: User, to: User, by: User) -> int:
    """Pass every open application `officer` handles to `to`, each assigned (and audited)
    on its own: when the officer leaves CAP. Returns how many moved."""
    moved = 0
    for application in Application.objects.filter(
        assigned_to=officer, status__in=workflow.OPEN
    ).order_by("pk"):
        application_assign(application=application, officer=to, by=by)
        moved += 1
    return moved
