"""Background work for panels, run by `manage.py db_worker`: the pack and letter PDFs and
the e-mails. The sweep for overdue outcome notices is `manage.py mark_overdue_notices`,
which the platform's scheduler runs daily."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from documents.storage import document_storage, new_stored_name
from panels import selectors
from panels.models import MeetingRecord, OutcomeNotice


def render_pdf(template: str, context: dict) -> bytes:
    """A tagged (PDF/UA-1) A4 PDF from a template, with the fonts installed on the machine."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "service_name": settings.CAP_SERVICE_NAME})
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _store(data: bytes, previous: str) -> str:
    storage = document_storage()
    name = storage.save(new_stored_name(), ContentFile(data))
    if previous:
        storage.delete(previous)
    return name


def read_stored(name: str) -> bytes:
    with document_storage().open(name) as f:
        return f.read()


@task()
def render_pack(meeting_id: int) -> None:
    record = MeetingRecord.objects.select_related("meeting__panel__year").get(meeting_id=meeting_id)
    meeting = record.meeting
    data = render_pdf(
        "panels/pack_pdf.html",
        {"meeting": meeting, "items": selectors.pack(meeting), "rendered_at": timezone.now()},
    )
    record.pack_file = _store(data, record.pack_file)
    record.pack_rendered_at = timezone.now()
    record.save(update_fields=["pack_file", "pack_rendered_at"])


@task()
def render_letter(notice_id: int) -> None:
    notice = OutcomeNotice.objects.select_related(
        "application__school", "decision__item__meeting__panel"
    ).get(pk=notice_id)
    data = render_pdf("panels/letter_pdf.html", {"notice": notice})
    notice.letter_file = _store(data, notice.letter_file)
    notice.letter_rendered_at = timezone.now()
    notice.save(update_fields=["letter_file", "letter_rendered_at"])


@task()
def tell_members_pack_published(meeting_id: int) -> None:
    """Tell the panel's members their pack is ready. The e-mail names no student."""
    record = MeetingRecord.objects.select_related("meeting__panel").get(meeting_id=meeting_id)
    meeting = record.meeting
    recipients = sorted(
        set(
            meeting.panel.members.filter(is_active=True, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
    )
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
