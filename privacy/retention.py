"""Retention: the schedule (privacy/retention.toml), what has expired on a day, the daily
job that deletes or anonymises it, the legal holds that stop it, and the 30-day forecast.

The schedule is a file in the repository, not rows a person edits: a period is a decision
with a source that should be reviewed like code, and a changed period shows in the
history. It is read and checked at start-up and by `manage.py check` (`schedule()` and the
system check below); the code acts on each kind it knows and refuses a file that asks
for another action or clock than the code carries out.

What goes, per student, when their record ends (see the file for sources):
the carers and the documents are deleted; applications, their panel decisions and outcome
notices keep their rows for the figures with every written answer, reason and letter
removed; a placement's written records (targets, reviews, plans, behaviour, assessments,
qualifications, the student's view, follow-ups, alerts, termly reports) are deleted; the
placement and its marks stay under the anonymised student (names, date of birth and UPN
replaced). Never-submitted drafts go a year after their last change. Safeguarding concerns
and looked-after students' records are listed for review, never deleted by the job. Audit
events go after six years through the one sanctioned path past the append-only triggers
(lib.append_only.retention_delete).

Not covered yet: issued statements' lines (finance, append-only) name the student and are
kept as issued; how long finance records are kept is not in the shared reference and is
for the authority's finance and information governance leads to decide.

Each student is dealt with in one transaction; a legal hold (checked again inside it)
leaves the student untouched. A run records counts by kind, overall and per student
(the student's database id only).
"""

import datetime as dt
import logging
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationDocument, Status
from audit.models import Event
from audit.services import event_record
from documents.models import Document
from documents.storage import document_storage
from entitlements.models import Allocation, Delivery
from lib.append_only import retention_delete
from lib.errors import Refused
from panels.models import Decision, OutcomeNotice
from placements.models import (
    Alert,
    Assessment,
    BehaviourEntry,
    ExitFollowUp,
    Mark,
    Placement,
    Qualification,
    Review,
    ReviewEntry,
    StudentView,
    SupportPlan,
    Target,
    TargetReview,
    TermlyReport,
    Visit,
)
from privacy.models import AnonymisedStudent, LegalHold, RetentionRemoval, RetentionRun
from privacy.rules import check_can_manage_retention
from safeguarding.models import Concern
from school_reviews.models import AgendaItem
from students.models import AgencyLink, Carer, SenProvision, Student

logger = logging.getLogger(__name__)

SCHEDULE_FILE = Path(__file__).with_name("retention.toml")

# --- The schedule --------------------------------------------------------------------------

# Each kind the code acts on: the clock it reads and the actions it can carry out.
KINDS: dict[str, tuple[str, frozenset[str]]] = {
    "student_record": ("date_of_birth", frozenset({"anonymise", "review"})),
    "student_record_sen": ("date_of_birth", frozenset({"anonymise", "review"})),
    "student_record_looked_after": ("date_of_birth", frozenset({"anonymise", "review"})),
    "carers": ("student_record", frozenset({"delete"})),
    "documents": ("student_record", frozenset({"delete"})),
    "applications": ("student_record", frozenset({"anonymise"})),
    "placement_records": ("student_record", frozenset({"delete"})),
    "marks": ("student_record", frozenset({"anonymise"})),
    "draft_application": ("last_change", frozenset({"delete"})),
    "safeguarding_concerns": ("date_of_birth", frozenset({"review"})),
    "audit_events": ("occurred_at", frozenset({"delete"})),
}
CERTAINTIES = frozenset({"V", "V-LA", "S", "S-code", "U", "local"})
REQUIRED = ("kind", "what", "clock", "action", "source", "certainty")


@dataclass(frozen=True)
class Entry:
    kind: str
    what: str
    clock: str
    action: str
    source: str
    certainty: str
    years: int | None = None
    applies_to: str = ""
    note: str = ""


@dataclass(frozen=True)
class Schedule:
    version: int
    reviewed_on: dt.date
    entries: dict[str, Entry]

    def __getitem__(self, kind: str) -> Entry:
        return self.entries[kind]


def schedule_problems(data: dict) -> list[str]:
    """Everything wrong with a parsed schedule file, in words; empty if it is sound."""
    problems = []
    if not isinstance(data.get("version"), int):
        problems.append("The schedule has no version number.")
    if not isinstance(data.get("reviewed_on"), dt.date):
        problems.append("The schedule does not say when it was last reviewed (reviewed_on).")
    seen = set()
    for number, record in enumerate(data.get("record", []), start=1):
        kind = record.get("kind", f"record {number}")
        for key in REQUIRED:
            if not str(record.get(key, "")).strip():
                problems.append(f"{kind}: {key} is missing.")
        unknown = set(record) - {*REQUIRED, "years", "applies_to", "note"}
        if unknown:
            problems.append(f"{kind}: unknown keys {', '.join(sorted(unknown))}.")
        if kind not in KINDS:
            problems.append(f"{kind}: not a kind of record retention knows.")
            continue
        if kind in seen:
            problems.append(f"{kind}: appears twice.")
        seen.add(kind)
        clock, actions = KINDS[kind]
        if record.get("clock") != clock:
            problems.append(f"{kind}: its clock must be {clock}, the date the code reads.")
        if record.get("action") not in actions:
            problems.append(f"{kind}: the action must be one of {', '.join(sorted(actions))}.")
        if record.get("certainty") not in CERTAINTIES:
            problems.append(f"{kind}: certainty must be one of {', '.join(sorted(CERTAINTIES))}.")
        years = record.get("years")
        if clock == "student_record":
            if years is not None:
                problems.append(f"{kind}: it follows the student's record, so it has no years.")
        elif not (isinstance(years, int) and not isinstance(years, bool) and years > 0):
            problems.append(f"{kind}: years must be a whole number above 0.")
    for kind in KINDS.keys() - seen:
        problems.append(f"{kind}: missing from the schedule.")
    return problems


def schedule_read(path: Path = SCHEDULE_FILE) -> Schedule:
    """Read and check the schedule; ImproperlyConfigured lists every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(f"The retention schedule cannot be read: {error}") from error
    problems = schedule_problems(data)
    if problems:
        raise ImproperlyConfigured("The retention schedule is wrong: " + " ".join(problems))
    return Schedule(
        version=data["version"],
        reviewed_on=data["reviewed_on"],
        entries={record["kind"]: Entry(**record) for record in data["record"]},
    )


@cache
def schedule() -> Schedule:
    return schedule_read()


@checks.register()
def schedule_check(app_configs=None, **kwargs):
    try:
        schedule_read()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="privacy.E001")]
    return []


# --- Dates ---------------------------------------------------------------------------------


def years_after(day: dt.date, years: int) -> dt.date:
    """The anniversary: someone born on 29 February is a year older on 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def years_before(day: dt.date, years: int) -> dt.date:
    """The latest date whose anniversary `years` on is on or before `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 2, 28)


def _start_of_day_after(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def record_entry(student: Student) -> Entry:
    """Which of the three student-record entries applies to this student."""
    if student.looked_after:
        return schedule()["student_record_looked_after"]
    if student.sen_provision != SenProvision.NONE:
        return schedule()["student_record_sen"]
    return schedule()["student_record"]


def record_ends_on(student: Student) -> dt.date:
    return years_after(student.date_of_birth, record_entry(student).years)


def _records_ending(on: dt.date, *, action: str) -> Q:
    """Students whose record's end (under the entry for them with this action) is on or
    before `on`."""
    groups = (
        ("student_record", Q(looked_after=False, sen_provision=SenProvision.NONE)),
        ("student_record_sen", Q(looked_after=False) & ~Q(sen_provision=SenProvision.NONE)),
        ("student_record_looked_after", Q(looked_after=True)),
    )
    found, latest = Q(pk__in=[]), None
    for kind, who in groups:
        entry = schedule()[kind]
        if entry.action == action:
            born_by = years_before(on, entry.years)
            found |= who & Q(date_of_birth__lte=born_by)
            latest = max(latest or born_by, born_by)
    # The latest birthday of them all as well, so the index on it finds the few students
    # whose record ends instead of every student being read.
    return found & Q(date_of_birth__lte=latest) if latest else found


def _drafts_expired(on: dt.date) -> QuerySet[Application]:
    entry = schedule()["draft_application"]
    return Application.objects.filter(
        status=Status.DRAFT,
        submitted_at__isnull=True,
        updated_at__lt=_start_of_day_after(years_before(on, entry.years)),
    )


def _audit_events_expired(on: dt.date) -> QuerySet[Event]:
    """Events past their period, but none about a student on legal hold (the student, their
    applications, placements and concerns): a hold keeps who did what to them too."""
    entry = schedule()["audit_events"]
    held = LegalHold.objects.filter(lifted_at__isnull=True).values("student_id")
    held_records = [
        str(uuid)
        for model, field in (
            (Student, "pk__in"),
            (Application, "student_id__in"),
            (Placement, "student_id__in"),
            (Concern, "student_id__in"),
        )
        for uuid in model.objects.filter(**{field: held}).values_list("uuid", flat=True)
    ]
    return Event.objects.filter(
        occurred_at__lt=_start_of_day_after(years_before(on, entry.years))
    ).exclude(object_id__in=held_records)


def _standing_hold() -> Exists:
    return Exists(LegalHold.objects.filter(student=OuterRef("pk"), lifted_at__isnull=True))


def _anonymised() -> Exists:
    return Exists(AnonymisedStudent.objects.filter(student=OuterRef("pk")))


def students_due(on: dt.date) -> QuerySet[Student]:
    """Students with something to delete or anonymise on `on`: their record has ended and is
    not yet anonymised, or a draft of theirs has expired. Annotated `held`."""
    return (
        Student.objects.annotate(held=_standing_hold(), anonymised=_anonymised())
        .filter(
            Q(_records_ending(on, action="anonymise"), anonymised=False)
            | Q(Exists(_drafts_expired(on).filter(student=OuterRef("pk"))))
        )
        .order_by("legal_last_name", "legal_first_name", "id")
    )


# --- What goes with a student's record -----------------------------------------------------

_APPLICATION_TEXT = {
    "reasons_detail": "",
    "question_answers": {},
    "needs_summary": "",
    "risks_summary": "",
    "behaviour_summary": "",
    "interventions": "",
    "agencies_detail": "",
    "student_voice": "",
    "parent_views": "",
    "plan_objectives": "",
    "plan_success": "",
    "plan_readiness": "",
    "cap_question": "",
    "school_answer": "",
    "decision_reason": "",
    "pack_note": "",
    "interview_details": "",
    "provider_decline_detail": "",
    "closed_reason": "",
    "alternatives_explored": "",
    "withdrawn_reason": "",
}

# A placement's written records, children before parents.
_PLACEMENT_RECORDS = (
    (TargetReview, "target__placement__student__in"),
    (Target, "placement__student__in"),
    (Assessment, "placement__student__in"),
    (Qualification, "placement__student__in"),
    (BehaviourEntry, "placement__student__in"),
    (ReviewEntry, "review__placement__student__in"),
    (Review, "placement__student__in"),
    (SupportPlan, "placement__student__in"),
    (StudentView, "placement__student__in"),
    (ExitFollowUp, "placement__student__in"),
    (Alert, "placement__student__in"),
    (TermlyReport, "placement__student__in"),
    (Visit, "placement__student__in"),
    # The student's items on a school's termly review agenda, with the minutes about them.
    (AgendaItem, "placement__student__in"),
)


def _delete_files_on_commit(names: list[str]) -> None:
    names = [name for name in names if name]
    if names:

        def remove():
            storage = document_storage()
            for name in names:
                storage.delete(name)

        transaction.on_commit(remove)


def _delete_documents(links: QuerySet[ApplicationDocument]) -> int:
    ids = list(links.values_list("document_id", flat=True))
    if not ids:
        return 0
    documents = Document.objects.filter(pk__in=ids)
    _delete_files_on_commit(list(documents.values_list("stored_name", flat=True)))
    links.delete()
    return documents.delete()[1].get(Document._meta.label, 0)


def _anonymise(student: Student, run: RetentionRun) -> Counter:
    removed = Counter()
    one = Student.objects.filter(pk=student.pk)
    removed["carers"] = Carer.objects.filter(student=student).delete()[1].get(Carer._meta.label, 0)
    removed["documents"] += _delete_documents(
        ApplicationDocument.objects.filter(application__student=student)
    )
    applications = Application.objects.filter(student=student)
    removed["applications"] = applications.update(**_APPLICATION_TEXT)
    Decision.objects.filter(item__application__student=student).update(
        rationale="", conditions="", information_needed=""
    )
    notices = OutcomeNotice.objects.filter(application__student=student)
    _delete_files_on_commit(list(notices.values_list("letter_file", flat=True)))
    notices.update(subject="", body="", letter_file="")
    _delete_files_on_commit(
        list(
            TermlyReport.objects.filter(placement__student=student).values_list(
                "stored_name", flat=True
            )
        )
    )
    for model, path in _PLACEMENT_RECORDS:
        removed["placement_records"] += (
            model.objects.filter(**{path: one}).delete()[1].get(model._meta.label, 0)
        )
    Placement.objects.filter(student=student).update(exit_detail="", safeguarding_confirmed_by="")
    # Who was linked, and when, stays; the name of the parent who consented goes.
    AgencyLink.objects.filter(student=student).update(consent_given_by="")
    # The agreement's support given to the student stays counted, without what was written.
    Allocation.objects.filter(student=student).update(note="")
    Delivery.objects.filter(students=student).update(what="", cancelled_because="")
    removed["marks"] = Mark.objects.filter(placement__student=student).count()
    born = student.date_of_birth
    Student.objects.filter(pk=student.pk).update(
        legal_first_name="Anonymised",
        legal_last_name="student",
        preferred_name="",
        # The first day of the school year they were born in: year groups stay right.
        date_of_birth=dt.date(born.year if born.month >= 9 else born.year - 1, 9, 1),
        upn=f"ANON{student.pk:09d}",
    )
    AnonymisedStudent.objects.create(student=student, run=run)
    removed["student_record"] = 1
    return removed


def _retire(student_id: int, on: dt.date, run: RetentionRun) -> Counter | None:
    """Everything expired of one student, in the caller's transaction; None if held."""
    student = Student.objects.select_for_update().get(pk=student_id)
    if LegalHold.objects.filter(student=student, lifted_at__isnull=True).exists():
        return None
    removed = Counter()
    for draft in _drafts_expired(on).filter(student=student):
        removed["documents"] += _delete_documents(
            ApplicationDocument.objects.filter(application=draft)
        )
        draft.delete()
        removed["draft_application"] += 1
    due = Student.objects.filter(_records_ending(on, action="anonymise"), pk=student.pk).exclude(
        _anonymised_q()
    )
    if due.exists():
        removed.update(_anonymise(student, run))
    return +removed


def _anonymised_q() -> Q:
    return Q(pk__in=AnonymisedStudent.objects.values("student_id"))


AUDIT_BATCH = 1000


def retention_run(*, on: dt.date) -> RetentionRun:
    """Delete or anonymise everything expired on `on`: one transaction per student, then
    the audit events in batches. Returns the run, with what it removed."""
    run = RetentionRun.objects.create(as_of=on)
    totals = Counter()
    for student_id, held in students_due(on).values_list("id", "held"):
        if held:
            run.held += 1
            continue
        try:
            with transaction.atomic():
                removed = _retire(student_id, on, run)
                if removed is None:
                    run.held += 1
                    continue
                if removed:
                    RetentionRemoval.objects.create(
                        run=run, student_ref=student_id, removed=dict(removed)
                    )
                    run.students += 1
                    totals.update(removed)
        except Exception:
            # The student's transaction is undone; the rest go on. The log has the class and
            # frames, never a message that could quote a name (lib logging).
            logger.exception("Retention failed for one student (database id %s)", student_id)
            run.failed += 1
    while True:
        with transaction.atomic():
            ids = list(
                _audit_events_expired(on).order_by("id").values_list("id", flat=True)[:AUDIT_BATCH]
            )
            if not ids:
                break
            totals["audit_events"] += retention_delete(Event.objects.filter(pk__in=ids))
    with transaction.atomic():
        run.removed = dict(sorted(totals.items()))
        run.finished_at = timezone.now()
        run.save()
        event_record(
            action="retention.run",
            obj=run,
            detail={
                "as_of": on.isoformat(),
                "students": run.students,
                "held": run.held,
                "failed": run.failed,
                "removed": run.removed,
            },
        )
    return run


# --- Legal holds ---------------------------------------------------------------------------


def standing_hold(student: Student) -> LegalHold | None:
    return LegalHold.objects.filter(student=student, lifted_at__isnull=True).first()


@transaction.atomic
def legal_hold_set(*, student: Student, reason: str, by: User) -> LegalHold:
    check_can_manage_retention(by)
    Student.objects.select_for_update().get(pk=student.pk)
    if standing_hold(student) is not None:
        raise Refused("This student is already on legal hold.")
    hold = LegalHold.objects.create(student=student, reason=reason, set_by=by)
    event_record(
        actor=by, action="retention.hold_set", obj=student, detail={"hold": str(hold.uuid)}
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, reason: str, by: User) -> LegalHold:
    check_can_manage_retention(by)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise Refused("This legal hold has already been lifted.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = by
    hold.lifted_reason = reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lifted_reason"])
    event_record(
        actor=by,
        action="retention.hold_lifted",
        obj=hold.student,
        detail={"hold": str(hold.uuid)},
    )
    return hold


# --- The 30-day forecast -------------------------------------------------------------------

FORECAST_DAYS = 30


@dataclass
class Due:
    """One student's row in the forecast: what goes and when."""

    student: Student
    held: bool
    record_on: dt.date | None  # when their record is anonymised, if in the window
    record_action: str
    drafts: int
    drafts_on: dt.date | None


def forecast_students(today: dt.date) -> QuerySet[Student]:
    """Students with something going within the window (held ones too, shown as held),
    annotated for `forecast_rows`; one query a page."""
    until = today + dt.timedelta(days=FORECAST_DAYS)
    drafts = _drafts_expired(until).filter(student=OuterRef("pk"))
    return (
        Student.objects.annotate(
            held=_standing_hold(),
            anonymised=_anonymised(),
            drafts_due=Subquery(
                drafts.order_by().values("student").annotate(n=Count("id")).values("n")[:1]
            ),
            drafts_first=Subquery(
                drafts.order_by().values("student").annotate(m=Min("updated_at")).values("m")[:1]
            ),
        )
        .filter(pk__in=_records_or_drafts_ending(until))
        .order_by("legal_last_name", "legal_first_name", "id")
    )


def _records_or_drafts_ending(until: dt.date) -> QuerySet:
    """The ids of the students whose record (not yet anonymised) ends by `until`, and of
    those with a draft expired by then: each found through its own index, then joined, so
    that no student's row is read for the others."""
    records = (
        Student.objects.filter(
            _records_ending(until, action="anonymise") | _records_ending(until, action="review")
        )
        .exclude(_anonymised_q())
        .order_by()
        .values("pk")
    )
    return records.union(_drafts_expired(until).order_by().values("student_id"))


def forecast_rows(students) -> list[Due]:
    entry = schedule()["draft_application"]
    rows = []
    for student in students:
        ends = None if student.anonymised else record_ends_on(student)
        first = student.drafts_first
        rows.append(
            Due(
                student=student,
                held=student.held,
                record_on=ends,
                record_action=record_entry(student).action,
                drafts=student.drafts_due or 0,
                drafts_on=(
                    years_after(timezone.localtime(first).date(), entry.years) if first else None
                ),
            )
        )
    return rows


def forecast_counts(today: dt.date) -> dict[str, int]:
    """How many of each kind go within the window, leaving out students on hold."""
    until = today + dt.timedelta(days=FORECAST_DAYS)
    not_held = Student.objects.annotate(held=_standing_hold()).filter(held=False)
    records = not_held.filter(_records_ending(until, action="anonymise")).exclude(_anonymised_q())
    drafts = _drafts_expired(until).filter(student__in=not_held)
    # What goes with the records, counted per student whose record ends (the index on the
    # date of birth finds the few) and added up: one query, not one a kind.
    per_student = {
        "carers": _per_student(Carer, "student"),
        "marks": _per_student(Mark, "placement__student"),
        **{
            f"placement_records_{n}": _per_student(model, path.removesuffix("__in"))
            for n, (model, path) in enumerate(_PLACEMENT_RECORDS)
        },
    }
    summed = records.annotate(
        **{f"n_{name}": count for name, count in per_student.items()}
    ).aggregate(student_record=Count("pk"), **{name: Sum(f"n_{name}") for name in per_student})
    return {
        "student_record": summed["student_record"],
        "carers": summed["carers"] or 0,
        "documents": ApplicationDocument.objects.filter(
            Q(application__student__in=records) | Q(application__in=drafts)
        ).count(),
        "applications": Application.objects.filter(student__in=records)
        .exclude(pk__in=drafts)
        .count(),
        "placement_records": sum(
            summed[f"placement_records_{n}"] or 0 for n in range(len(_PLACEMENT_RECORDS))
        ),
        "marks": summed["marks"] or 0,
        "draft_application": drafts.count(),
        "audit_events": _audit_events_expired(until).count(),
        "student_record_looked_after": not_held.filter(_records_ending(until, action="review"))
        .exclude(_anonymised_q())
        .count(),
        "safeguarding_concerns": Concern.objects.filter(
            student__date_of_birth__lte=years_before(
                until, schedule()["safeguarding_concerns"].years
            )
        ).count(),
    }


def _per_student(model, path: str) -> Subquery:
    """How many of `model`'s rows are the student's (`path` leads from it to the student)."""
    return Subquery(
        model.objects.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


# How the forecast names each count, and what happens to it.
FORECAST_LABELS = (
    ("student_record", "Students’ records anonymised", "anonymise"),
    ("carers", "Parents and carers", "delete"),
    ("documents", "Documents", "delete"),
    ("applications", "Applications (written answers removed)", "anonymise"),
    ("placement_records", "Placement records (targets, reviews, plans and others)", "delete"),
    ("marks", "Attendance marks (kept under the anonymised student)", "anonymise"),
    ("draft_application", "Drafts never submitted", "delete"),
    ("audit_events", "Audit events", "delete"),
    ("student_record_looked_after", "Looked-after students’ records", "review"),
    ("safeguarding_concerns", "Safeguarding concerns", "review"),
)
ACTION_WORDS = {
    "delete": "Deleted",
    "anonymise": "Anonymised",
    "review": "Listed for review, not deleted",
}


def forecast_table(today: dt.date) -> list[tuple[str, int, str]]:
    counts = forecast_counts(today)
    return [(label, counts[kind], ACTION_WORDS[action]) for kind, label, action in FORECAST_LABELS]


def removed_words(removed: dict[str, int]) -> list[str]:
    """A run's counts in words, in the forecast's order."""
    labels = {kind: label for kind, label, _ in FORECAST_LABELS}
    return [f"{labels.get(kind, kind)}: {n}" for kind, n in removed.items() if n]
