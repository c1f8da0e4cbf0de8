"""Background work for applications, run by `manage.py db_worker`."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from applications.models import Application


@task()
def send_draft_reminder(application_id: int) -> None:
    """Remind a draft's author that it is still waiting. The e-mail names no student: it
    may be read on a shared screen."""
    application = Application.objects.select_related("created_by").get(pk=application_id)
    if application.status != "draft" or not application.created_by.is_active:
        return
    context = {
        "application": application,
        "url": settings.CAP_BASE_URL + reverse("applications:check", args=[application.uuid]),
        "service_name": settings.CAP_SERVICE_NAME,
    }
    send_mail(
        subject=f"Your CAP draft application {application.reference} is waiting",
        message=render_to_string("applications/email/draft_reminder.txt", context),
        from_email=None,
        recipient_list=[application.created_by.email],
    )
