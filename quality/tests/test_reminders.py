"""Expiry reminders: to the provider's staff and the CAP team, once, within the notice the
CAP manager sets."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from quality.models import Evidence, QualitySettings
from quality.tests.factories import set_expiry

INSURANCE = "public-liability-insurance"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def remind():
    call_command("remind_expiring_evidence", stdout=io.StringIO())


@pytest.mark.parametrize(("days_left", "reminded"), [(30, True), (31, False), (0, True)])
def test_evidence_is_reminded_within_the_notice(
    django_capture_on_commit_callbacks, record, days_left, reminded
):
    set_expiry(record, INSURANCE, timezone.localdate() + dt.timedelta(days=days_left))
    with django_capture_on_commit_callbacks(execute=True):
        remind()
    assert bool(mail.outbox) is reminded


def test_the_provider_and_the_cap_team_are_told_once(
    django_capture_on_commit_callbacks, cast, settings, record
):
    set_expiry(record, INSURANCE, timezone.localdate() + dt.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        remind()
        remind()
    assert [m.to for m in mail.outbox] == [[cast.provider_staff.email], [settings.CAP_TEAM_EMAIL]]
    assert (
        "Public liability insurance certificate for Provider P expires on" in mail.outbox[0].subject
    )
    assert "/providers/compliance/" in mail.outbox[0].body
    assert "/casework/providers/" in mail.outbox[1].body
    assert Evidence.objects.filter(reminded_at__isnull=False).count() == 1


def test_the_notice_is_the_cap_managers_choice(django_capture_on_commit_callbacks, record):
    QualitySettings.objects.update_or_create(pk=1, defaults={"reminder_notice_days": 60})
    set_expiry(record, INSURANCE, timezone.localdate() + dt.timedelta(days=45))
    with django_capture_on_commit_callbacks(execute=True):
        remind()
    assert len(mail.outbox) == 2
