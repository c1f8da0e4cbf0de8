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
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import Membership, Role
from placements.models import Alert, ReportRun, TermlyReport

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


def _home_school_contacts(placement) -> list[str]:
    """The person who made the application while they still work at the school; otherwise
    the school's CAP coordinators and headteachers."""
    people = dict(
        Membership.objects.filter(
            organisation=placement.home_school_id,
            organisation__is_active=True,
            user__is_active=True,
            role__in=[Role.REFERRER, Role.HEADTEACHER],
        ).values_list("user_id", "user__email")
    )
    author = placement.application.created_by_id
    if author in people:
        return [people[author]]
    return sorted(set(people.values()))


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
    for alert in alerts:
        for email in _home_school_contacts(alert.placement):
            by_person[(email, "schools")].append(alert)
        officer = alert.placement.monitoring_officer
        email = officer.email if officer and officer.is_active else settings.CAP_TEAM_EMAIL
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
    from placements.reports import report_issue

    run = ReportRun.objects.select_related("term").get(pk=run_id)
    for placement_id in placement_ids:
        try:
            if not TermlyReport.objects.filter(placement_id=placement_id, term=run.term).exists():
                report_issue(placement_id=placement_id, term=run.term, run=run)
        except Exception:
            # One report that cannot be made must not stop the others. The log names the
            # placement's id only; the run page shows how many failed, to ask again.
            logger.exception("Termly report failed: run %s, placement %s", run.pk, placement_id)
            ReportRun.objects.filter(pk=run.pk).update(failed=F("failed") + 1)
        ReportRun.objects.filter(pk=run.pk).update(done=F("done") + 1)
    ReportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
