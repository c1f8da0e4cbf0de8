"""Background work for panels, run by `manage.py db_worker`: the pack and letter PDFs and
the e-mails. The sweep for overdue outcome notices is `manage.py mark_overdue_notices`,
which the platform's scheduler runs daily."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from panels.models import MeetingRecord, OutcomeNotice
from panels.rules import pack_recipients


@task()
def render_pack(meeting_id: int) -> None:
    from panels.services import pack_render

    pack_render(meeting_id=meeting_id)


@task()
def render_letter(notice_id: int) -> None:
    from panels.services import letter_render

    letter_render(notice_id=notice_id)


@task()
def tell_members_pack_published(meeting_id: int) -> None:
    """Tell the panel's members their pack is ready. The e-mail names no student."""
    record = MeetingRecord.objects.select_related("meeting__panel").get(meeting_id=meeting_id)
    meeting = record.meeting
    recipients = pack_recipients(meeting)
    if not recipients:
        return
    send_mail(
        subject=f"The pack for the {meeting} is ready",
        message=render_to_string(
            "panels/email/pack_published.txt",
            {
                "meeting": meeting,
                "url": settings.CAP_BASE_URL + reverse("panels:meeting", args=[meeting.uuid]),
                "service_name": settings.CAP_SERVICE_NAME,
            },
        ),
        from_email=None,
        recipient_list=recipients,
    )


@task()
def send_notice_email(notice_id: int) -> None:
    """Tell the school the outcome. The e-mail gives the reference, the panel, the outcome
    and a link to the letter in CAP, where access is checked; never the student's name."""
    notice = OutcomeNotice.objects.select_related(
        "application", "decision__item__meeting__panel"
    ).get(pk=notice_id)
    send_mail(
        subject=f"CAP outcome for application {notice.application.reference}",
        message=render_to_string(
            "panels/email/outcome.txt",
            {
                "notice": notice,
                "url": settings.CAP_BASE_URL
                + reverse("applications:detail", args=[notice.application.uuid]),
                "service_name": settings.CAP_SERVICE_NAME,
            },
        ),
        from_email=None,
        recipient_list=notice.sent_to,
    )
