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

from accounts.models import Membership, OrganisationKind, Role


def _emails(memberships) -> list[str]:
    return sorted(
        set(
            memberships.filter(
                role=Role.DSL, user__is_active=True, organisation__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def concern_alert_recipients(concern) -> list[str]:
    """Every DSL who may see the concern (safeguarding.rules.can_view_concern)."""
    from django.db.models import Q

    where = Q(organisation__kind=OrganisationKind.LOCAL_AUTHORITY) | Q(
        organisation_id=concern.student.home_school_id
    )
    if concern.placement_id is not None:
        where |= Q(organisation_id=concern.placement.provider_id)
    return _emails(Membership.objects.filter(where))


def lead_recipients() -> list[str]:
    return _emails(Membership.objects.filter(organisation__kind=OrganisationKind.LOCAL_AUTHORITY))


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


def _concern(concern_id: int):
    from safeguarding.models import Concern

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
