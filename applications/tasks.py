"""Background work for applications, run by `manage.py db_worker`."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from applications.models import Application
from applications.rules import cap_recipients, provider_recipients, school_recipients
from applications.workflow import TRANSITIONS, Actor


@task()
def send_draft_reminder(application_id: int) -> None:
    """Remind a draft's author that it is still waiting. The e-mail names no student: it
    may be read on a shared screen."""
    application = Application.objects.select_related("created_by", "programme").get(
        pk=application_id
    )
    if application.status != "draft" or not application.created_by.is_active:
        return
    context = {
        "application": application,
        "url": settings.CAP_BASE_URL + reverse("applications:check", args=[application.uuid]),
        "service_name": settings.CAP_SERVICE_NAME,
    }
    send_mail(
        subject="Your CAP draft application is waiting",
        message=render_to_string("applications/email/draft_reminder.txt", context),
        from_email=None,
        recipient_list=[application.created_by.email],
    )


# Whom each audience the workflow table names means: decided by the access rules.
RECIPIENTS = {
    Actor.SCHOOL: (school_recipients, "applications:detail"),
    Actor.CAP: (cap_recipients, "casework:application"),
    Actor.PROVIDER: (provider_recipients, "providers:pack"),
}


@task()
def send_transition_emails(application_id: int, transition_name: str) -> None:
    """Tell the people the workflow table names that an application moved on. The e-mail
    gives the reference, what happened and a link; never the student's name or details,
    which each person reads in CAP, where their access is checked."""
    application = Application.objects.select_related(
        "created_by", "assigned_to", "course__provider", "school"
    ).get(pk=application_id)
    transition = TRANSITIONS[transition_name]
    for audience in transition.notify:
        recipients_of, url_name = RECIPIENTS[audience]
        recipients = recipients_of(application)
        if not recipients:
            continue
        context = {
            "application": application,
            "done": transition.done,
            "url": settings.CAP_BASE_URL + reverse(url_name, args=[application.uuid]),
            "service_name": settings.CAP_SERVICE_NAME,
        }
        send_mail(
            subject=f"CAP application {application.reference}: {transition.done}",
            message=render_to_string("applications/email/transition.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
