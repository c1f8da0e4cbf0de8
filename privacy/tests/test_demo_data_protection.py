"""Subject access and retention on the demo's realistic data, across every app.

Retention run today removes nothing; run far in the future, every student's expired
records go or are anonymised, while a student on legal hold and the looked-after students
(for review) are untouched, and the rows kept for the figures (applications, placements,
marks, panel decisions, fees, statements, concerns) are all still there. A subject access
zip for a placed student holds their records and nothing of any other student."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from applications.models import Application, ApplicationDocument
from applications.tests.factories import REFERENCE
from audit import db as audit_db
from audit.models import Event
from documents.models import Document
from finance import db as finance_db
from finance.models import Fee, Statement, StatementLine
from panels.models import AgendaItem, Decision, OutcomeNotice
from placements.models import BehaviourEntry, Mark, MarkChange, Placement, Target
from privacy.models import BuildStatus, Requester
from privacy.retention import legal_hold_set, retention_run
from privacy.subject_access import subject_access_read, subject_access_start
from privacy.tests.test_retention_run import everything_about
from safeguarding import db as safeguarding_db
from safeguarding.models import Concern, Entry
from students.models import Carer, Student

KEPT = (
    Organisation,
    User,
    Student,
    Application,
    Placement,
    Mark,
    MarkChange,
    AgendaItem,
    Decision,
    OutcomeNotice,
    Fee,
    Statement,
    StatementLine,
    Concern,
    Entry,
)


@pytest.fixture
def demo(db, settings):
    for guard in (audit_db, safeguarding_db, finance_db):
        guard.install_guards(connection)
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(REFERENCE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in KEPT}


def test_retention_on_the_demo_loses_nothing_outside_its_scope(demo):
    manager = Membership.objects.filter(role=Role.CAP_MANAGER).first().user
    held = Student.objects.filter(placements__isnull=False, looked_after=False).first()
    legal_hold_set(student=held, reason="Subject access request", by=manager)
    looked_after = list(Student.objects.filter(looked_after=True))
    assert looked_after and Target.objects.exists() and BehaviourEntry.objects.exists()
    assert Concern.objects.exists() and StatementLine.objects.exists() and Mark.objects.exists()

    # Today: the demo's students are of school age and its records recent.
    before = _counts()
    documents, carers, events = (
        Document.objects.count(),
        Carer.objects.count(),
        Event.objects.count(),
    )
    today = retention_run(on=timezone.localdate())
    assert (today.students, today.removed) == (0, {})
    assert _counts() == before
    assert (Document.objects.count(), Carer.objects.count()) == (documents, carers)
    assert Event.objects.count() == events + 1  # the run's own

    # Far in the future: everything has expired.
    untouched = {s.pk: everything_about(s) for s in [held, *looked_after]}
    run = retention_run(on=dt.date(2100, 1, 1))

    assert run.failed == 0 and run.held == 1
    assert _counts() == before
    for pk, about in untouched.items():
        assert everything_about(Student.objects.get(pk=pk)) == about
    gone = Student.objects.exclude(pk__in=untouched)
    assert run.students == gone.count() > 100
    assert set(gone.values_list("legal_first_name", "legal_last_name")) == {
        ("Anonymised", "student")
    }
    assert not Carer.objects.filter(student__in=gone).exists()
    assert not ApplicationDocument.objects.filter(application__student__in=gone).exists()
    assert not Target.objects.filter(placement__student__in=gone).exists()
    assert not BehaviourEntry.objects.filter(placement__student__in=gone).exists()
    assert set(
        Application.objects.filter(student__in=gone).values_list("needs_summary", flat=True)
    ) <= {""}
    assert (
        not Decision.objects.filter(item__application__student__in=gone)
        .exclude(rationale="")
        .exists()
    )
    # Concerns are for the safeguarding lead to review, never deleted by the job.
    assert Concern.objects.count() == before["Concern"]
    # Every audit event was more than six years old, but the run's own and those about the
    # held student, which the hold keeps.
    left = Event.objects.exclude(action="retention.run")
    assert left.exists()
    assert set(left.values_list("object_id", flat=True)) <= {
        str(held.uuid),
        *(str(u) for u in Application.objects.filter(student=held).values_list("uuid", flat=True)),
        *(str(u) for u in Placement.objects.filter(student=held).values_list("uuid", flat=True)),
        *(str(u) for u in Concern.objects.filter(student=held).values_list("uuid", flat=True)),
    }
    assert sum(run.removed.values()) > 0 and run.removed["student_record"] == run.students


def test_subject_access_on_the_demo_holds_the_student_and_no_one_else(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    manager = Membership.objects.filter(role=Role.CAP_MANAGER).first().user
    student = (
        Student.objects.filter(placements__isnull=False, applications__documents__isnull=False)
        .distinct()
        .first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = subject_access_start(
            student=student,
            requester=Requester.PARENT,
            received_on=timezone.localdate(),
            by=manager,
        )
    request.refresh_from_db()
    assert request.status == BuildStatus.READY, request.failed

    with zipfile.ZipFile(io.BytesIO(subject_access_read(request=request, by=manager))) as zipped:
        texts = {
            name: zipped.read(name).decode("utf-8-sig")
            for name in zipped.namelist()
            if name.endswith(".csv")
        }
    everything = "\n".join(texts.values())
    assert student.upn in texts["student/record.csv"]
    assert any(name.startswith("placements/") for name in texts)
    others = Student.objects.exclude(pk=student.pk).values_list("upn", flat=True)
    assert not [upn for upn in others if upn in everything]
