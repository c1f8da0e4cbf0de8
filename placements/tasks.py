"""Background work for placements, run by `manage.py db_worker`: the attendance sweep that
raises same-day alerts and e-mails them, and termly reports, a batch of placements to a
task.

The scheduler (placements/hooks.py) runs `manage.py sweep_attendance` every few minutes in
the school day and `manage.py make_termly_reports` after each term ends.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from applications.rules import school_recipients
from lib.dates import long_date
from placements import services
from placements.models import Alert, ManagedMove, ReportRun
from placements.rules import monitoring_recipients


@task()
def sweep_attendance() -> int:
    """Raise today's alerts, then queue their e-mails. Returns how many were raised."""
    raised = services.alerts_raise()
    if raised:
        ids = [a.pk for a in raised]
        transaction.on_commit(lambda: send_alert_emails.enqueue(ids))
    return len(raised)


@task()
def send_alert_emails(alert_ids: list[int]) -> None:
    """One e-mail per person for the alerts just raised: how many, and a link to their
    queue. It names no student: it may be read on a shared screen."""
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
    services.alerts_mark_emailed(alerts=alerts)


@task()
def make_reports(run_id: int, round: int, placement_ids: list[int]) -> int:
    """One batch of a run's termly reports (placements.services.report_run_batch): a few
    reports to a task, so a worker told to stop finishes within seconds, and a worker
    recycled after so many tasks (`db_worker --max-tasks`) keeps its memory flat."""
    return services.report_run_batch(run_id=run_id, round=round, batch=placement_ids)


def report_run_enqueue(run: ReportRun, batches: list[list[int]]) -> None:
    """Queue a run's batches (for its current round) once the run is saved."""
    for batch in batches:
        transaction.on_commit(lambda batch=batch: make_reports.enqueue(run.pk, run.round, batch))


@task()
def send_managed_move_emails(move_id: int) -> None:
    """Tell the former school (whoever may see its application) and the CAP team (the
    monitoring officer, or the team's inbox) that the receiving school confirmed a managed
    move, and from when. Like every CAP e-mail it names no student."""
    move = ManagedMove.objects.select_related(
        "placement__application", "placement__monitoring_officer", "to_school"
    ).get(pk=move_id)
    placement = move.placement
    for recipients, area in (
        (school_recipients(placement.application), "schools"),
        (monitoring_recipients(placement), "casework"),
    ):
        if not recipients:
            continue
        context = {
            "reference": placement.application.reference,
            "school": move.to_school.name,
            "moves_on": long_date(move.moves_on),
            "url": settings.CAP_BASE_URL
            + reverse(f"placements:{area}_detail", args=[placement.uuid]),
            "service_name": settings.CAP_SERVICE_NAME,
        }
        send_mail(
            subject=f"CAP: managed move confirmed for application {context['reference']}",
            message=render_to_string("placements/email/managed_move.txt", context),
            from_email=None,
            recipient_list=recipients,
        )


def managed_move_notify(move: ManagedMove) -> None:
    """Queue the e-mails about a confirmed move once it is saved."""
    transaction.on_commit(lambda: send_managed_move_emails.enqueue(move.pk))


@task()
def apply_managed_moves() -> int:
    """Make the confirmed managed moves whose day has come."""
    return services.managed_moves_apply()
