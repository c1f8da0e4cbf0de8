"""Background work for quality assurance, run by `manage.py db_worker`."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from quality.models import Evidence
from quality.rules import provider_recipients


@task()
def send_expiry_reminder(evidence_id: int) -> None:
    """Tell the provider's staff and the CAP team that a piece of evidence is about to
    expire (or has). Names the provider and the evidence, nothing about any student."""
    evidence = Evidence.objects.select_related("item", "provider__organisation").get(pk=evidence_id)
    organisation = evidence.provider.organisation
    provider_emails = provider_recipients(evidence.provider)
    context = {
        "evidence": evidence,
        "organisation": organisation,
        "service_name": settings.CAP_SERVICE_NAME,
    }
    subject = (
        f"{evidence.item.name} for {organisation.name} expires on {evidence.expires_on:%-d %B %Y}"
    )
    if provider_emails:
        send_mail(
            subject=subject,
            message=render_to_string(
                "quality/email/expiry_reminder.txt",
                context
                | {
                    "url": settings.CAP_BASE_URL
                    + reverse(
                        "quality:evidence_new", args=[evidence.provider.uuid, evidence.item.key]
                    ),
                    "for_provider": True,
                },
            ),
            from_email=None,
            recipient_list=provider_emails,
        )
    send_mail(
        subject=subject,
        message=render_to_string(
            "quality/email/expiry_reminder.txt",
            context
            | {
                "url": settings.CAP_BASE_URL
                + reverse("quality:provider", args=[evidence.provider.uuid])
            },
        ),
        from_email=None,
        recipient_list=[settings.CAP_TEAM_EMAIL],
    )
