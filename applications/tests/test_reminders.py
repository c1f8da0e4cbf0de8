import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.workflow import Status


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def age(application, days: int) -> None:
    Application.objects.filter(pk=application.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=days)
    )


def remind(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_old_drafts", stdout=io.StringIO())


def test_an_old_draft_s_author_is_reminded_once(
    cast, student, year, django_capture_on_commit_callbacks
):
    application = services.application_start(student=student, by=cast.alice)
    age(application, year.draft_reminder_days + 1)
    remind(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.alice.email]
    # A draft has no reference yet (it is given on submission): the link names it.
    assert message.subject == "Your CAP draft application is waiting"
    assert "None" not in message.body
    assert f"/schools/applications/{application.uuid}/check/" in message.body
    # The e-mail names no student.
    assert student.legal_last_name not in message.body + message.subject
    remind(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    application.refresh_from_db()
    assert application.status == Status.DRAFT  # reminded, never deleted


def test_a_recent_draft_and_a_submitted_application_are_left_alone(
    cast, student, year, django_capture_on_commit_callbacks
):
    recent = services.application_start(student=student, by=cast.alice)
    age(recent, year.draft_reminder_days - 1)
    sent = services.application_start(student=student, by=cast.alice)
    Application.objects.filter(pk=sent.pk).update(status=Status.SUBMITTED)
    age(sent, 100)
    remind(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_saving_a_draft_again_lets_it_be_reminded_again_later(
    cast, student, year, programmes, django_capture_on_commit_callbacks
):
    application = services.application_start(student=student, by=cast.alice)
    age(application, year.draft_reminder_days + 1)
    remind(django_capture_on_commit_callbacks)
    application.refresh_from_db()
    services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=application.version,
        by=cast.alice,
    )
    application.refresh_from_db()
    assert application.reminded_at is None
