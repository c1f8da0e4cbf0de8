"""What CAP holds about one student, gathered app by app and written into a zip.

Every read is bounded and per student: one query a kind of record (a student has few of
each), with the related rows it names fetched in the same query; marks, which can be many,
are read in chunks and streamed into a CSV. Files CAP keeps encrypted (documents, termly
reports, outcome letters) are decrypted and written under their original names.

Safeguarding content is gathered only when `with_safeguarding` is set (the authority's
safeguarding lead released it for the request); otherwise neither the concerns nor the audit
events about them are read beyond their identifiers.
"""

import csv
import datetime as dt
import io
import json
import logging
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q, QuerySet

from accounts.models import User
from applications.models import Application, ApplicationDocument
from audit.models import Event
from documents.storage import Unreadable, stored_read
from entitlements.models import Allocation, Delivery
from finance.models import Fee, FeeChange
from lib import dates
from lib.pdf import render_pdf
from lib.spreadsheets import safe_cell
from panels.models import Decision, OutcomeNotice
from placements.models import (
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
from safeguarding.models import Concern, Entry
from school_reviews.models import AgendaItem
from students.models import AgencyLink, Carer, Student

logger = logging.getLogger(__name__)

# Marks read a chunk at a time, so memory does not grow with a long placement's register.
MARKS_CHUNK = 2000
# In place of a file CAP keeps but cannot open.
CANNOT_BE_OPENED = (
    b"CAP keeps this file but could not open it: no key opens it, or it is missing from the "
    b"store. Ask CAP's technical team to restore it, then build the zip again.\n"
)
# Internal bookkeeping that means nothing to the student: row numbers, where a file is
# kept in the store, checksums and edit counters.
_LEFT_OUT = {"id", "stored_name", "letter_file", "sha256", "version"}
INDEX_NAME = "index.pdf"


@dataclass
class Part:
    """One file in the zip, for the index."""

    path: str
    what: str
    count: int | None = None  # rows, for a CSV
    size: int | None = None  # bytes, for a file


@dataclass
class Section:
    title: str
    records: int = 0
    parts: list[Part] = field(default_factory=list)
    note: str = ""


@dataclass
class Export:
    sections: list[Section]
    safeguarding_included: bool


# --- Values as a reader sees them ---------------------------------------------------------


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _LEFT_OUT]


def _heading(f: models.Field) -> str:
    name = str(f.verbose_name)
    return name[:1].upper() + name[1:]


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return dates.moment_words(value)
    if isinstance(value, dt.date):
        return dates.long_date(value, weekday=False)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return safe_cell(str(value))


def _value(obj: models.Model, f: models.Field) -> str:
    if f.is_relation:
        related = getattr(obj, f.name)
        if related is None:
            return ""
        if isinstance(related, User):
            return safe_cell(related.full_name or related.email)
        return safe_cell(str(related))
    if f.choices:
        return safe_cell(str(obj._get_FIELD_display(f)))
    return _text(f.value_from_object(obj))


def _with_related(queryset: QuerySet) -> QuerySet:
    """The rows with what their foreign keys name, in the same query."""
    related = [f.name for f in _fields(queryset.model) if f.is_relation]
    return queryset.select_related(*related) if related else queryset


# --- Writing into the zip -----------------------------------------------------------------


class _Writer:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names: set[str] = set()

    def unique(self, path: str) -> str:
        """The path, or the path with a number before its extension if taken."""
        stem, ext = posixpath.splitext(path)
        candidate, n = path, 1
        while candidate in self.names:
            n += 1
            candidate = f"{stem} ({n}){ext}"
        self.names.add(candidate)
        return candidate

    def csv(self, path: str, heading: list[str], rows: Iterable[list[str]]) -> tuple[str, int]:
        path = self.unique(path)
        count = 0
        with self.archive.open(path, "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow(heading)
            for row in rows:
                writer.writerow(row)
                count += 1
            text.flush()
            text.detach()
        return path, count

    def file(self, path: str, data: bytes) -> str:
        path = self.unique(path)
        self.archive.writestr(path, data)
        return path

    def stored(self, path: str, stored_name: str) -> str:
        """A file CAP keeps encrypted, decrypted; or, where it cannot be opened (no key opens
        it, or it is missing from the store), a note in its place saying so, so that the
        rest of the request is still answered and the CAP manager sees what is missing."""
        try:
            data = stored_read(stored_name)
        except (Unreadable, FileNotFoundError):
            # The stored name is random: it says nothing of anyone.
            logger.warning("Subject access: stored file %s cannot be opened", stored_name)
            return self.file(f"{path} (cannot be opened).txt", CANNOT_BE_OPENED)
        return self.file(path, data)


def _table(writer: _Writer, section: Section, path: str, what: str, queryset: QuerySet) -> list:
    """Every row of the queryset as a CSV with a column a field; returns the rows."""
    fields = _fields(queryset.model)
    objects = list(_with_related(queryset))
    path, count = writer.csv(
        path, [_heading(f) for f in fields], ([_value(o, f) for f in fields] for o in objects)
    )
    section.parts.append(Part(path=path, what=what, count=count))
    section.records += count
    return objects


def _record(writer: _Writer, path: str, obj: models.Model, extra=()) -> tuple[str, int]:
    """One record as a CSV of question and answer, a row a field."""
    rows = [[_heading(f), _value(obj, f)] for f in _fields(type(obj))]
    rows.extend([safe_cell(k), _text(v)] for k, v in extra)
    return writer.csv(path, ["Field", "Value"], rows)


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "file"
    return cleaned[:120]


# --- The sections -------------------------------------------------------------------------


def _student(writer: _Writer, student: Student) -> tuple[Section, list]:
    section = Section("The student's record")
    path, _ = _record(writer, "student/record.csv", student)
    section.parts.append(Part(path=path, what="The student's record", count=1))
    section.records = 1
    carers = _table(
        writer,
        section,
        "student/carers.csv",
        "Parents and carers",
        Carer.objects.filter(student=student),
    )
    links = _table(
        writer,
        section,
        "student/agency_links.csv",
        "Agency professionals linked to the student, with the consent given",
        AgencyLink.objects.filter(student=student).order_by("created_at", "pk"),
    )
    return section, [student, *carers, *links]


def _applications(writer: _Writer, student: Student) -> tuple[Section, Section, list]:
    section = Section("Applications and their answers")
    applications = list(
        _with_related(Application.objects.filter(student=student)).order_by("created_at", "pk")
    )
    for application in applications:
        path, _ = _record(
            writer,
            f"applications/{application.reference}/answers.csv",
            application,
            extra=sorted((application.question_answers or {}).items()),
        )
        section.parts.append(
            Part(path=path, what=f"Application {application.reference}: every answer", count=1)
        )
    section.records = len(applications)

    documents = Section("Documents")
    links = list(
        ApplicationDocument.objects.filter(application__student=student)
        .select_related("document__uploaded_by", "application", "checklist_item")
        .order_by("document__uploaded_at", "pk")
    )
    listed = []
    for link in links:
        document = link.document
        path = writer.stored(
            f"documents/{link.application.reference}/{_safe_name(document.filename)}",
            document.stored_name,
        )
        documents.parts.append(
            Part(
                path=path,
                what=f"Given for application {link.application.reference}",
                size=document.size,
            )
        )
        listed.append(
            [
                link.application.reference,
                safe_cell(document.filename),
                safe_cell(str(link.checklist_item) if link.checklist_item_id else ""),
                _text(link.dated_on),
                _text(document.uploaded_at),
                safe_cell(document.uploaded_by.full_name),
                _text(link.shared_with_provider),
                path,
            ]
        )
    path, count = writer.csv(
        "documents/documents.csv",
        [
            "Application",
            "File name",
            "What it is",
            "Date on the document",
            "Uploaded",
            "Uploaded by",
            "Shared with the provider",
            "File in this zip",
        ],
        listed,
    )
    documents.parts.insert(0, Part(path=path, what="The list of documents", count=count))
    documents.records = count
    return section, documents, [*applications, *links, *(link.document for link in links)]


def _marks(placement_ids: list[int]) -> Iterator[list[str]]:
    rows = (
        Mark.objects.filter(placement_id__in=placement_ids)
        .order_by("placement_id", "date", "session")
        .values_list(
            "placement__uuid",
            "date",
            "session",
            "code_id",
            "code__meaning",
            "recorded_by__full_name",
            "recorded_at",
        )
    )
    for placement_uuid, day, session, code, description, by, at in rows.iterator(
        chunk_size=MARKS_CHUNK
    ):
        yield [
            f"Placement {str(placement_uuid)[:8]}",
            _text(day),
            session.upper(),
            code,
            safe_cell(description or ""),
            safe_cell(by or ""),
            _text(at),
        ]


_PLACEMENT_RECORDS = (
    ("targets", "Targets", Target),
    ("assessments", "Assessments", Assessment),
    ("qualifications", "Qualifications", Qualification),
    ("behaviour", "Behaviour", BehaviourEntry),
    ("reviews", "Review meetings", Review),
    ("plans", "Support plans", SupportPlan),
    ("student_views", "The student's views", StudentView),
    ("follow_ups", "Follow-ups after the placement", ExitFollowUp),
    ("visits", "Monitoring officers' visits", Visit),
)


def _placements(writer: _Writer, student: Student) -> tuple[Section, Section, list]:
    section = Section("Placements, progress, reviews and plans")
    placements = _table(
        writer,
        section,
        "placements/placements.csv",
        "Placements",
        Placement.objects.filter(student=student).order_by("starts_on", "pk"),
    )
    ids = [p.pk for p in placements]
    gathered: list = list(placements)
    for name, what, model in _PLACEMENT_RECORDS:
        gathered += _table(
            writer,
            section,
            f"placements/{name}.csv",
            what,
            model.objects.filter(placement_id__in=ids).order_by("pk"),
        )
    gathered += _table(
        writer,
        section,
        "placements/review_entries.csv",
        "Notes and actions added to review meetings",
        ReviewEntry.objects.filter(review__placement_id__in=ids).order_by("pk"),
    )
    gathered += _table(
        writer,
        section,
        "placements/target_reviews.csv",
        "Reviews of targets",
        TargetReview.objects.filter(target__placement_id__in=ids).order_by("pk"),
    )
    reports = list(
        TermlyReport.objects.filter(placement_id__in=ids)
        .select_related("term__year", "placement")
        .order_by("issued_at", "pk")
    )
    for report in reports:
        path = writer.stored(
            f"placements/reports/{_safe_name(f'{report.term.name} {report.term.year.name}')}.pdf",
            report.stored_name,
        )
        section.parts.append(Part(path=path, what="A termly report, as issued", size=report.size))
    section.records += len(reports)
    gathered += reports

    marks = Section("Attendance marks")
    path, count = writer.csv(
        "placements/marks.csv",
        ["Placement", "Date", "Session", "Code", "Meaning", "Recorded by", "Recorded"],
        _marks(ids),
    )
    marks.parts.append(Part(path=path, what="Every session's mark", count=count))
    marks.records = count
    return section, marks, gathered


def _panels(writer: _Writer, student: Student) -> tuple[Section, list]:
    section = Section("Panel decisions and outcome notices")
    decisions = _table(
        writer,
        section,
        "panels/decisions.csv",
        "Panel decisions",
        Decision.objects.filter(item__application__student=student).order_by("pk"),
    )
    notices = _table(
        writer,
        section,
        "panels/outcome_notices.csv",
        "Outcome notices",
        OutcomeNotice.objects.filter(application__student=student).order_by("due_on", "pk"),
    )
    for notice in notices:
        if notice.letter_file:
            path = writer.stored(
                f"panels/letters/outcome-letter-{str(notice.uuid)[:8]}.pdf",
                notice.letter_file,
            )
            section.parts.append(Part(path=path, what="An outcome letter, as sent", size=None))
    return section, [*decisions, *notices]


def _support(writer: _Writer, student: Student) -> tuple[Section, list]:
    """What else CAP recorded about the student: their items on their school's termly review
    agendas, and the agreement's support given to them (a mentor, a family worker)."""
    section = Section("School review meetings and the agreement's support")
    items = _table(
        writer,
        section,
        "support/review_items.csv",
        "The student on their school's termly review agendas",
        AgendaItem.objects.filter(placement__student=student).order_by("pk"),
    )
    allocations = _table(
        writer,
        section,
        "support/allocations.csv",
        "Support from the service level agreement given to the student",
        Allocation.objects.filter(student=student).order_by("pk"),
    )
    deliveries = _table(
        writer,
        section,
        "support/deliveries.csv",
        "Sessions of that support the student took part in",
        Delivery.objects.filter(students=student).order_by("on", "pk"),
    )
    return section, [*items, *allocations, *deliveries]


def _fees(writer: _Writer, student: Student) -> tuple[Section, list]:
    section = Section("Fees")
    fees = _table(
        writer,
        section,
        "fees/fees.csv",
        "Fees for places",
        Fee.objects.filter(application__student=student).order_by("set_at", "pk"),
    )
    changes = _table(
        writer,
        section,
        "fees/fee_changes.csv",
        "Changes to fees",
        FeeChange.objects.filter(fee__application__student=student).order_by("pk"),
    )
    return section, [*fees, *changes]


def _safeguarding(writer: _Writer, student: Student, included: bool, withheld: str):
    section = Section("Safeguarding concerns")
    concerns = Concern.objects.filter(student=student)
    if not included:
        section.note = withheld
        return section, []
    gathered = _table(
        writer,
        section,
        "safeguarding/concerns.csv",
        "Concerns",
        concerns.order_by("raised_at", "pk"),
    )
    gathered += _table(
        writer,
        section,
        "safeguarding/entries.csv",
        "What happened after each concern was raised",
        Entry.objects.filter(concern__student=student).order_by("recorded_at", "pk"),
    )
    return section, gathered


def _identifier(obj: models.Model) -> tuple[str, str]:
    """The object as audit.services.event_record names it."""
    return obj._meta.label_lower, str(getattr(obj, "uuid", None) or obj.pk)


def _events(writer: _Writer, records: list, safeguarding_hidden: Q) -> Section:
    """Who did what to the student and their records, with the actors' names: one query for
    every record, whatever their kinds."""
    section = Section("Who did what with these records (the audit trail)")
    by_type: dict[str, set[str]] = {}
    for obj in records:
        kind, key = _identifier(obj)
        by_type.setdefault(kind, set()).add(key)
    condition = Q(pk__in=[])
    for kind, keys in by_type.items():
        condition |= Q(object_type=kind, object_id__in=sorted(keys))
    events = (
        Event.objects.filter(condition)
        .exclude(safeguarding_hidden)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
    path, count = writer.csv(
        "audit/events.csv",
        ["When", "Who", "What they did", "Record", "Record's identifier"],
        (
            [
                _text(e.occurred_at),
                safe_cell(e.actor.full_name or e.actor.email) if e.actor_id else "CAP itself",
                e.action,
                e.object_type,
                e.object_id,
            ]
            for e in events.iterator(chunk_size=MARKS_CHUNK)
        ),
    )
    section.parts.append(Part(path=path, what="Every event, oldest first", count=count))
    section.records = count
    return section


def build_zip(
    *,
    student: Student,
    with_safeguarding: bool,
    withheld: str,
    safeguarding_events: Q,
    index_context: dict,
) -> tuple[bytes, Export]:
    """The zip's bytes and what it holds. `safeguarding_events` selects the audit events
    that belong to safeguarding, left out unless `with_safeguarding`."""
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            writer = _Writer(archive)
            writer.names.add(INDEX_NAME)
            record, records = _student(writer, student)
            applications, documents, more = _applications(writer, student)
            records += more
            placements, marks, more = _placements(writer, student)
            records += more
            panels, more = _panels(writer, student)
            records += more
            support, more = _support(writer, student)
            records += more
            fees, more = _fees(writer, student)
            records += more
            safeguarding, more = _safeguarding(writer, student, with_safeguarding, withheld)
            records += more
            hidden = Q(pk__in=[]) if with_safeguarding else safeguarding_events
            audit = _events(writer, records, hidden)
            export = Export(
                sections=[
                    record,
                    applications,
                    documents,
                    placements,
                    marks,
                    panels,
                    support,
                    fees,
                    safeguarding,
                    audit,
                ],
                safeguarding_included=with_safeguarding,
            )
            index = render_pdf(
                "privacy/subject_access/index_pdf.html",
                {**index_context, "export": export, "student": student},
            )
            archive.writestr(INDEX_NAME, index)
        spool.seek(0)
        return spool.read(), export
