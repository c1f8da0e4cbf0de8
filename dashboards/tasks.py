"""Background work for oversight, run by `manage.py db_worker`: the multi-agency panel's
termly oversight report, made, published and e-mailed to the panel's members."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from dashboards import services
from dashboards.models import PanelReport
from dashboards.rules import panel_report_recipients

logger = logging.getLogger(__name__)


@task()
def make_panel_report(report_id: int) -> None:
    """Make the report and publish it. One that cannot be made is marked failed with the
    reason, for the CAP team to ask again; the log names the report's id only."""
    try:
        report = services.panel_report_make(report_id=report_id)
    except Exception as error:
        logger.exception("Panel oversight report %s could not be made", report_id)
        services.panel_report_fail(
            report_id=report_id,
            reason=f"The PDF could not be made ({type(error).__name__}). Ask for it again.",
        )
        return
    if report.made_at is not None:
        services.panel_report_publish(report=report)


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
