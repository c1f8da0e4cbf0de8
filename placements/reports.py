"""The termly student report: a tagged PDF per placement and term, made once and kept
exactly as issued (stored encrypted, with its SHA-256)."""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from audit.services import event_record
from documents.storage import document_storage, new_stored_name
from placements import selectors
from placements.models import Mark, Placement, ReportRun, TermlyReport
from placements.rules import check_can_view_placement
from programmes.models import Term


def report_context(placement: Placement, term: Term) -> dict:
    """What the report says: attendance in the term, progress, behaviour, the latest
    review's commentary and its actions as next steps."""
    first = max(term.starts_on, placement.starts_on)
    last = min(term.ends_on, placement.last_day)
    marks = Mark.objects.filter(placement=placement, date__gte=first, date__lte=last)
    in_term = {"placement": placement}
    behaviour = placement.behaviour.filter(happened_on__gte=first, happened_on__lte=last)
    reviews = list(placement.reviews.filter(held_on__lte=last).order_by("-held_on")[:1])
    return {
        "placement": placement,
        "student": placement.student,
        "term": term,
        "first": first,
        "last": last,
        "figures": selectors.figures(marks),
        "trend": selectors.weekly_trend(marks, weeks=14),
        "hours": selectors.hours(placement, first),
        "targets": [
            (t, list(t.reviews.all())[-1:] or None)
            for t in placement.targets.prefetch_related("reviews")
        ],
        "assessments": placement.assessments.filter(taken_on__lte=last),
        "qualifications": placement.qualifications.filter(gained_on__lte=last),
        "positive": behaviour.filter(kind="positive").count(),
        "negative": behaviour.filter(kind="negative").count(),
        "behaviour": behaviour,
        "review": reviews[0] if reviews else None,
        "student_view": placement.student_views.filter(given_on__lte=last).last(),
        "authority_name": settings.CAP_AUTHORITY_NAME,
        "service_name": settings.CAP_SERVICE_NAME,
        "issued_on": timezone.localdate(),
        **in_term,
    }


def render_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("placements/report_pdf.html", context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def report_issue(*, placement_id: int, term: Term, run: ReportRun | None = None) -> TermlyReport:
    """Make and keep one report. The PDF is written before the row that points to it; a
    failure leaves no row, so the report can be asked for again."""
    placement = (
        selectors.with_related(Placement.objects.filter(pk=placement_id)).select_related("student")
    ).get()
    pdf = render_pdf(report_context(placement, term))
    storage = document_storage()
    name = storage.save(new_stored_name(), ContentFile(pdf))
    with transaction.atomic():
        report = TermlyReport.objects.create(
            placement=placement,
            term=term,
            run=run,
            stored_name=name,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            issued_at=timezone.now(),
        )
        event_record(
            action="termly_report.issued",
            obj=report,
            detail={"placement": str(placement.uuid), "term": term.name},
        )
    return report


def report_read(*, report: TermlyReport, by) -> bytes:
    """The PDF as issued, for someone who may see the placement; each download is
    audited."""
    check_can_view_placement(by, report.placement)
    with document_storage().open(report.stored_name) as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise ValueError("The stored report does not match the one issued.")
    event_record(actor=by, action="termly_report.downloaded", obj=report)
    return data


def term_for(day: dt.date) -> Term | None:
    return Term.objects.filter(starts_on__lte=day, ends_on__gte=day).first()
