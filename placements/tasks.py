"""Background work for placements, run by `manage.py db_worker`: the attendance sweep that
raises same-day alerts and e-mails them, and termly reports for every placement at once.

A scheduler calls `manage.py sweep_attendance` every few minutes in the school day (it
enqueues sweep_attendance below) and `manage.py make_termly_reports` at the end of a term.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from applications.rules import school_recipients
from placements.models import Alert, ReportRun, TermlyReport
from placements.rules import monitoring_recipients

logger = logging.getLogger(__name__)


@task()
def sweep_attendance() -> int:
    """Raise today's alerts, then queue their e-mails. Returns how many were raised."""
    from placements.services import alerts_raise

    raised = alerts_raise()
    if raised:
        ids = [a.pk for a in raised]
        transaction.on_commit(lambda: send_alert_emails.enqueue(ids))
    return len(raised)


@task()
def send_alert_emails(alert_ids: list[int]) -> None:
    """One e-mail per person for the alerts just raised: how many, and a link to their
    queue. It names no student: it may be read on a shared screen."""
    from placements.services import alerts_mark_emailed

    alerts = list(
        Alert.objects.filter(pk__in=alert_ids, emailed_at__isnull=True).select_related(
            "placement__application", "placement__monitoring_officer"
        )
    )
    by_person: dict[tuple[str, str], list[Alert]] = defaultdict(list)
    school_contacts = {}  # the same school and referrer hear once, whatever the alerts
    officers = {}  # one User a monitoring officer, so their roles are read once a sweep
    for alert in alerts:
        officer = alert.placement.monitoring_officer
        if officer is not None:
            alert.placement.monitoring_officer = officers.setdefault(officer.pk, officer)
        application = alert.placement.application
        key = (application.school_id, application.created_by_id)
        if key not in school_contacts:
            school_contacts[key] = school_recipients(application)
        for email in school_contacts[key]:
            by_person[(email, "schools")].append(alert)
        for email in monitoring_recipients(alert.placement):
            by_person[(email, "casework")].append(alert)
    for (email, area), mine in sorted(by_person.items()):
        context = {
            "count": len(mine),
            "missing": sum(a.kind == "missing" for a in mine),
            "absent": sum(a.kind == "absent" for a in mine),
            "url": settings.CAP_BASE_URL + reverse(f"placements:{area}_alerts"),
            "service_name": settings.CAP_SERVICE_NAME,
        }
        send_mail(
            subject=f"CAP: {len(mine)} new attendance alert{'s' if len(mine) != 1 else ''} today",
            message=render_to_string("placements/email/alerts.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    alerts_mark_emailed(alerts=alerts)


@task()
def make_reports(run_id: int, placement_ids: list[int]) -> None:
    """Make the termly report of each placement, counting progress as it goes. A placement
    that already has its report for the term keeps it: a report is never remade."""
    from placements.services import report_issue, report_run_finish, report_run_tally

    run = ReportRun.objects.select_related("term").get(pk=run_id)
    for placement_id in placement_ids:
        try:
            if not TermlyReport.objects.filter(placement_id=placement_id, term=run.term).exists():
                report_issue(placement_id=placement_id, term=run.term, run=run)
        except Exception:
            # One report that cannot be made must not stop the others. The log names the
            # placement's id only; the run page shows how many failed, to ask again.
            logger.exception("Termly report failed: run %s, placement %s", run.pk, placement_id)
            report_run_tally(run=run, failed=True)
        else:
            report_run_tally(run=run, failed=False)
    report_run_finish(run=run)
