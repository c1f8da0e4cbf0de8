"""Every write of the figures, keyword-only, atomic and audited with no personal data:
what the CAP manager changes (the secondary population and the threshold under which
numbers are withheld), and the multi-agency panel's termly oversight report, asked for by
the CAP team, made and published in the background (the tasks at the end of this module)
and kept exactly as made."""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from audit.services import event_record
from dashboards import rules, selectors
from dashboards.models import (
    DEFAULT_THRESHOLD,
    OversightSettings,
    PanelReport,
    PopulationCount,
    PopulationUpload,
)
from dashboards.population import Read
from dashboards.rules import (
    check_can_make_panel_reports,
    check_can_read_panel_report,
    panel_report_recipients,
)
from documents.storage import document_storage, stored_read, stored_save
from lib.errors import Refused
from lib.pdf import render_pdf
from programmes.models import AcademicYear, Panel, Term

logger = logging.getLogger(__name__)


def _check_can_manage(by: User) -> None:
    if not rules.can_manage_oversight(by):
        raise Refused("Only the CAP manager changes the oversight settings.")


def population_load(*, year: AcademicYear, read: Read, filename: str, by: User) -> PopulationUpload:
    """Replace the year's population counts for the schools the file names with the file's
    counts, all at once: a school the file does not name keeps what it had."""
    _check_can_manage(by)
    if not read.ok:
        raise Refused("The file has problems: fix them and upload it again.", field="file")
    with transaction.atomic():
        # Two uploads for one year at once: the second waits here, so the year's totals it
        # records count the first's rows.
        list(AcademicYear.objects.select_for_update().filter(pk=year.pk).values_list("pk"))
        schools = read.schools
        upload = PopulationUpload.objects.create(
            year=year,
            filename=filename[:255],
            rows=len(read.rows),
            schools=len(schools),
            uploaded_by=by,
        )
        replaced, _ = PopulationCount.objects.filter(year=year, school_id__in=schools).delete()
        PopulationCount.objects.bulk_create(
            PopulationCount(
                year=year,
                school=row.school,
                characteristic=row.characteristic,
                value=row.value,
                count=row.count,
                upload=upload,
            )
            for row in read.rows
        )
        # The year's totals, once, here: the population page reads them from the upload.
        totals = PopulationCount.objects.filter(year=year).aggregate(
            schools=Count("school", distinct=True), counts=Count("pk")
        )
        upload.year_schools, upload.year_counts = totals["schools"], totals["counts"]
        upload.save(update_fields=["year_schools", "year_counts"])
        event_record(
            actor=by,
            action="oversight.population_loaded",
            obj=upload,
            detail={
                "year": year.name,
                "rows": len(read.rows),
                "schools": len(schools),
                "replaced": replaced,
            },
        )
    return upload


def oversight_threshold_set(*, suppress_below: int, by: User) -> OversightSettings:
    """Set the threshold under which counts are withheld outside the CAP team."""
    _check_can_manage(by)
    if not 1 <= suppress_below <= 20:
        raise Refused("Enter a whole number from 1 to 20", field="suppress_below")
    with transaction.atomic():
        row = OversightSettings.objects.select_for_update().order_by("pk").first()
        if row is None:
            row, before = OversightSettings(), DEFAULT_THRESHOLD
        else:
            before = row.suppress_below
        row.suppress_below = suppress_below
        row.updated_by = by
        row.save()
        event_record(
            actor=by,
            action="oversight.threshold_set",
            obj=row,
            detail={"from": before, "to": suppress_below},
        )
    return row


# A report asked for this long ago and still not made was lost (a worker stopped, say):
# asking again gives it up and starts afresh.
GIVE_UP_AFTER = dt.timedelta(hours=1)


def _named(report: PanelReport) -> str:
    return f"The {report.panel.name}'s report for {report.term.name} {report.term.year.name}"


@transaction.atomic
def panel_report_request(*, panel: Panel, term: Term, by: User) -> PanelReport:
    """Ask for a panel's oversight report for a term; it is made in the background. Refused
    for a term of another year, and for a panel and term whose report is made already (a
    report is never made again) or being made."""
    check_can_make_panel_reports(by)
    if term.year_id != panel.year_id:
        raise Refused(f"Choose a term of {panel.year.name}, the {panel.name}'s year", field="term")
    now = timezone.now()
    for earlier in PanelReport.objects.select_for_update().filter(
        panel=panel, term=term, failed=""
    ):
        if earlier.made_at is not None:
            raise Refused(
                f"{_named(earlier)} was made on {selectors.when(earlier.made_at)}. A report "
                "is kept as it was made and is not made again: you can download it below.",
                field="term",
            )
        if earlier.requested_at > now - GIVE_UP_AFTER:
            raise Refused(
                f"{_named(earlier)} is being made. It will be listed below when it is ready.",
                field="term",
            )
        _fail(earlier, "Not made within an hour of being asked for: asked for again.")
    report = PanelReport.objects.create(panel=panel, term=term, requested_by=by, requested_at=now)
    event_record(
        actor=by,
        action="panel_report.requested",
        obj=report,
        detail={"panel": str(panel.uuid), "term": term.pk},
    )
    transaction.on_commit(lambda: make_panel_report.enqueue(report.pk))
    return report


def panel_report_make(*, report_id: int) -> PanelReport:
    """Make the report's PDF from the figures as they are now, and keep it encrypted with
    its checksum. A report made already is returned as it is: never made again. The PDF is
    written before the row that points to it, so a failure leaves the report unmade."""
    report = PanelReport.objects.select_related("panel", "term__year", "requested_by").get(
        pk=report_id
    )
    if not report.is_pending:
        return report
    made_at = timezone.now()
    pdf = render_pdf(
        "dashboards/panel_reports/report_pdf.html",
        selectors.panel_report_contents(report=report, made_at=made_at),
    )
    name = stored_save(pdf)
    try:
        with transaction.atomic():
            report = PanelReport.objects.select_for_update().get(pk=report_id)
            if not report.is_pending:  # made or given up while this one rendered
                document_storage().delete(name)
                return report
            report.stored_name = name
            report.sha256 = hashlib.sha256(pdf).hexdigest()
            report.size = len(pdf)
            report.made_at = made_at
            report.save(update_fields=["stored_name", "sha256", "size", "made_at"])
            event_record(
                action="panel_report.made",
                obj=report,
                detail={"sha256": report.sha256, "size": report.size},
            )
    except IntegrityError:
        # Another request for the same panel and term was made first: that one is kept.
        document_storage().delete(name)
        return panel_report_fail(report_id=report_id, reason="Made already by another request.")
    return report


@transaction.atomic
def panel_report_publish(*, report: PanelReport) -> PanelReport:
    """Open a made report to the panel's members and e-mail them a link."""
    report = PanelReport.objects.select_for_update().get(pk=report.pk)
    if report.made_at is None or report.published_at is not None:
        return report
    report.published_at = timezone.now()
    report.save(update_fields=["published_at"])
    event_record(action="panel_report.published", obj=report)
    transaction.on_commit(lambda: tell_members_panel_report.enqueue(report.pk))
    return report


def _fail(report: PanelReport, reason: str) -> PanelReport:
    report.failed = reason
    report.save(update_fields=["failed"])
    event_record(action="panel_report.failed", obj=report, detail={"reason": reason})
    return report


@transaction.atomic
def panel_report_fail(*, report_id: int, reason: str) -> PanelReport:
    """Record why a report could not be made; the CAP team can ask for it again."""
    report = PanelReport.objects.select_for_update().get(pk=report_id)
    if not report.is_pending:
        return report
    return _fail(report, reason)


def panel_report_read(*, report: PanelReport, by: User) -> bytes:
    """The PDF as made, for someone who may read it; each download is audited."""
    check_can_read_panel_report(by, report)
    data = stored_read(report.stored_name)
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise ValueError("The stored report does not match the one made.")
    event_record(actor=by, action="panel_report.downloaded", obj=report)
    return data


# --- Background work, run by `manage.py db_worker` ------------------------------------


@task()
def make_panel_report(report_id: int) -> None:
    """Make the report and publish it. One that cannot be made is marked failed with the
    reason, for the CAP team to ask again; the log names the report's id only."""
    try:
        report = panel_report_make(report_id=report_id)
    except Exception as error:
        logger.exception("Panel oversight report %s could not be made", report_id)
        panel_report_fail(
            report_id=report_id,
            reason=f"The PDF could not be made ({type(error).__name__}). Ask for it again.",
        )
        return
    if report.made_at is not None:
        panel_report_publish(report=report)


@task()
def tell_members_panel_report(report_id: int) -> None:
    """One e-mail to each of the panel's members who may read the report: a link to it in
    CAP, where access is checked. It names no student."""
    report = PanelReport.objects.select_related("panel", "term__year").get(pk=report_id)
    context = {
        "panel": report.panel,
        "term_name": f"{report.term.name} {report.term.year.name}",
        "url": settings.CAP_BASE_URL
        + reverse("dashboards:panel_report_download", args=[report.uuid]),
        "service_name": settings.CAP_SERVICE_NAME,
    }
    subject = f"The {report.panel.name}'s oversight report for {context['term_name']} is ready"
    message = render_to_string("dashboards/panel_reports/email/published.txt", context)
    send_mass_mail([(subject, message, None, [email]) for email in panel_report_recipients(report)])
