"""Background work for safeguarding, run by `manage.py db_worker`.

Alerts say who raised a concern, for which organisation, its category and whether it is
urgent — never what was seen or heard, nor the student's name: an e-mail can be forwarded,
misdirected or read on a shared screen. Each DSL reads the concern in CAP, where the
access check and the audit happen.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from safeguarding.models import Concern
from safeguarding.rules import concern_alert_recipients, lead_recipients


def _send(concern, *, template: str, subject: str, recipients: list[str]) -> None:
    if not recipients:
        return
    context = {
        "concern": concern,
        "url": settings.CAP_BASE_URL + reverse("safeguarding:concern", args=[concern.uuid]),
        "service_name": settings.CAP_SERVICE_NAME,
    }
    send_mail(
        subject=subject,
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=recipients,
    )


def _concern(concern_id: int) -> Concern:
    return Concern.objects.select_related(
        "raised_by", "raised_for", "category", "student", "placement"
    ).get(pk=concern_id)


@task()
def send_concern_alert(concern_id: int) -> None:
    concern = _concern(concern_id)
    urgency = "URGENT safeguarding concern" if concern.urgent else "Safeguarding concern"
    _send(
        concern,
        template="safeguarding/email/raised.txt",
        subject=f"{urgency} {concern.reference} raised in CAP",
        recipients=concern_alert_recipients(concern),
    )


@task()
def send_escalation_alert(concern_id: int) -> None:
    concern = _concern(concern_id)
    _send(
        concern,
        template="safeguarding/email/escalated.txt",
        subject=f"Escalated: urgent safeguarding concern {concern.reference} not acknowledged",
        recipients=lead_recipients(),
    )


@task()
def escalate_overdue_concerns() -> int:
    """Queued for the moment an urgent concern's time is up; escalates every overdue one."""
    from safeguarding.services import concerns_escalate_overdue

    return concerns_escalate_overdue()
