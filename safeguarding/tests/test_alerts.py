import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import member
from safeguarding import services
from safeguarding.models import Concern, Entry, EntryKind
from safeguarding.tests.conftest import ACCOUNT, raise_concern


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def provider_dsl(cast):
    return member(cast.provider, Role.DSL, email="pdsl@example.org")


def test_raising_alerts_every_dsl_who_may_see_it_and_nobody_else(
    cast, student, placement, provider_dsl, immediate_tasks, django_capture_on_commit_callbacks
):
    member(cast.school_b, Role.DSL, email="other-school-dsl@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(student, by=cast.provider_staff, placement=placement, urgent=True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted(
        [cast.school_dsl.email, cast.safeguarding.email, provider_dsl.email]
    )
    assert concern.reference in message.subject
    assert "URGENT" in message.subject
    # Who raised it and the category; never the content or who the student is.
    assert cast.provider_staff.full_name in message.body
    assert cast.provider.name in message.body
    assert "Physical abuse" in message.body
    for secret in (ACCOUNT, "belt", student.legal_first_name, student.legal_last_name, student.upn):
        assert secret not in message.body
        assert secret not in message.subject


def test_a_concern_without_a_placement_alerts_the_school_and_the_lead(
    cast, student, provider_dsl, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(student, by=cast.alice)
    assert sorted(mail.outbox[0].to) == sorted([cast.school_dsl.email, cast.safeguarding.email])
    assert "URGENT" not in mail.outbox[0].subject


def test_an_urgent_concern_queues_the_escalation_check_for_when_its_time_is_up(
    cast, student, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES = 30
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(student, by=cast.alice, urgent=True)
    check = DBTaskResult.objects.get(task_path__endswith="escalate_overdue_concerns")
    assert check.run_after == concern.raised_at + dt.timedelta(minutes=30)


# --- Escalation --------------------------------------------------------------------------


@pytest.fixture
def urgent(cast, student, settings):
    settings.CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES = 60
    return raise_concern(student, by=cast.alice, urgent=True)


def _escalated(concern) -> bool:
    return Entry.objects.filter(concern=concern, kind=EntryKind.ESCALATED).exists()


def test_an_urgent_concern_is_not_escalated_a_second_before_its_time(urgent):
    now = urgent.raised_at + dt.timedelta(minutes=60) - dt.timedelta(seconds=1)
    assert services.concerns_escalate_overdue(now=now) == 0
    assert not _escalated(urgent)


def test_an_urgent_concern_is_escalated_once_its_time_is_up(
    cast, urgent, immediate_tasks, django_capture_on_commit_callbacks
):
    now = urgent.raised_at + dt.timedelta(minutes=60)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.concerns_escalate_overdue(now=now) == 1
    entry = Entry.objects.get(concern=urgent, kind=EntryKind.ESCALATED)
    assert entry.by is None
    assert [m.to for m in mail.outbox] == [[cast.safeguarding.email]]
    assert "Escalated" in mail.outbox[0].subject
    assert ACCOUNT not in mail.outbox[0].body
    # Once only, however often the sweep runs.
    assert services.concerns_escalate_overdue(now=now + dt.timedelta(hours=5)) == 0
    assert Entry.objects.filter(kind=EntryKind.ESCALATED).count() == 1


def test_an_acknowledged_or_not_urgent_concern_is_never_escalated(cast, student, urgent):
    services.concern_acknowledge(concern=urgent, by=cast.school_dsl)
    calm = raise_concern(student, by=cast.alice, urgent=False)
    later = timezone.now() + dt.timedelta(days=3)
    assert services.concerns_escalate_overdue(now=later) == 0
    assert not _escalated(urgent) and not _escalated(calm)


def test_the_time_is_a_setting(settings, urgent):
    settings.CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES = 5
    assert services.concerns_escalate_overdue(now=urgent.raised_at + dt.timedelta(minutes=5)) == 1


def test_the_command_escalates_what_is_overdue_now(urgent, settings):
    settings.CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES = 0
    out = io.StringIO()
    call_command("escalate_concerns", stdout=out)
    assert "Escalated 1" in out.getvalue()
    assert _escalated(urgent)


def test_the_queued_task_escalates_too(urgent, settings):
    from safeguarding.tasks import escalate_overdue_concerns

    settings.CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES = 0
    assert escalate_overdue_concerns.call() == 1
    assert _escalated(urgent)
    assert Concern.objects.count() == 1
