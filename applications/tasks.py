"""Background work for applications, run by `manage.py db_worker`."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from applications.models import Application
from applications.rules import can_assign_application


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


@task()
def send_transition_emails(application_id: int, transition_name: str) -> None:
    """Tell the people the workflow table names that an application moved on. The e-mail
    gives the reference, what happened and a link; never the student's name or details,
    which each person reads in CAP, where their access is checked."""
    from accounts.models import Membership, Role
    from applications.workflow import TRANSITIONS

    application = Application.objects.select_related(
        "created_by", "assigned_to", "course__provider", "school"
    ).get(pk=application_id)
    transition = TRANSITIONS[transition_name]
    for audience in transition.notify:
        if audience == "school":
            recipients = _school_recipients(application)
            url = reverse("applications:detail", args=[application.uuid])
        elif audience == "cap":
            officer = application.assigned_to
            acts_for_cap = (
                officer is not None
                and officer.is_active
                and can_assign_application(officer, application)
            )
            recipients = [officer.email if acts_for_cap else settings.CAP_TEAM_EMAIL]
            url = reverse("casework:application", args=[application.uuid])
        else:
            # Only a provider that has been sent the pack hears about the application.
            if application.course is None or application.pack_sent_at is None:
                continue
            recipients = list(
                Membership.objects.filter(
                    organisation=application.course.provider_id,
                    role__in=[Role.PROVIDER_STAFF, Role.DSL],
                    user__is_active=True,
                    organisation__is_active=True,
                ).values_list("user__email", flat=True)
            )
            url = reverse("providers:pack", args=[application.uuid])
        if not recipients:
            continue
        context = {
            "application": application,
            "done": transition.done,
            "url": settings.CAP_BASE_URL + url,
            "service_name": settings.CAP_SERVICE_NAME,
        }
        send_mail(
            subject=f"CAP application {application.reference}: {transition.done}",
            message=render_to_string("applications/email/transition.txt", context),
            from_email=None,
            recipient_list=sorted(set(recipients)),
        )


def _school_recipients(application: Application) -> list[str]:
    """The person who made the application while they still work at the school; otherwise
    the school's CAP coordinators and headteachers."""
    from accounts.models import Membership, Role

    people = Membership.objects.filter(
        organisation=application.school,
        organisation__is_active=True,
        user__is_active=True,
        role__in=[Role.REFERRER, Role.HEADTEACHER],
    ).values_list("user_id", "user__email")
    emails = dict(people)
    if application.created_by_id in emails:
        return [emails[application.created_by_id]]
    return sorted(set(emails.values()))
