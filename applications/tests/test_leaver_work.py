"""An officer who leaves passes their open applications to another CAP officer
(applications/hooks.py registers them with accounts/leavers.py)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.leavers import open_work_registered
from accounts.models import Role
from accounts.tests.factories import member
from applications.models import Application
from audit.models import Event
from programmes.models import AcademicYear, Programme, Tier
from students.tests.factories import StudentFactory


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _programme() -> Programme:
    year, _ = AcademicYear.objects.get_or_create(
        name="2025-26", defaults={"starts_on": dt.date(2025, 9, 1), "ends_on": dt.date(2026, 8, 31)}
    )
    tier, _ = Tier.objects.get_or_create(year=year, number=1, defaults={"name": "Universal"})
    programme, _ = Programme.objects.get_or_create(
        year=year,
        key="insight",
        defaults={
            "tier": tier,
            "name": "Insight",
            "route": "provider",
            "min_weeks": 1,
            "max_weeks": 39,
        },
    )
    return programme


def _assigned(cast, officer, status="submitted"):
    return Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        programme=_programme(),
        created_by=cast.alice,
        status=status,
        submitted_at=timezone.now(),
        assigned_to=officer,
    )


def test_it_is_registered(db):
    assert "applications_assigned" in {w.key for w in open_work_registered()}


def test_an_officers_open_applications_pass_to_the_officer_chosen(
    cast, client, django_capture_on_commit_callbacks
):
    application = _assigned(cast, cast.officer)
    closed = _assigned(cast, cast.officer, status="closed")
    other = member(cast.la, Role.CAP_OFFICER, full_name="Nia New")
    client.force_login(cast.manager)
    url = reverse("accounts:leaver", args=[cast.officer.uuid])

    page = client.get(url)
    assert "Open applications they handle for CAP" in page.text
    assert "Nia New" in page.text
    assert "Alice Referrer" not in page.text  # a school's coordinator cannot take it

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"applications_assigned": str(other.uuid)})

    assert response.status_code == 302
    application.refresh_from_db()
    closed.refresh_from_db()
    assert application.assigned_to == other
    assert closed.assigned_to == cast.officer  # finished work stays as it was
    assert Event.objects.filter(action="application.assigned", actor=cast.manager).count() == 1
    [email] = mail.outbox
    assert email.to == [other.email]
    assert "1 item" in email.body
    assert application.student.legal_last_name not in email.body
