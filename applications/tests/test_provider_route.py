"""The school's steps after submission, the work queues on each home page, the e-mails,
and the withdrawal clock."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.selectors import overdue_filter
from applications.tests.factories import complete_application
from applications.workflow import Status
from programmes.models import Course


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def course(cast, programmes):
    return Course.objects.create(
        programme=programmes["curriculum-support"],
        provider=cast.provider,
        title="Maths for life",
        weeks=6,
        days_per_week=1,
        year_groups=[10],
    )


@pytest.fixture
def submitted(cast, programmes, student, course):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    Application.objects.filter(pk=application.pk).update(course=course)
    application.refresh_from_db()
    return services.application_submit(
        application=application, version=application.version, by=cast.alice
    )


def pack_sent(application, cast):
    application = services.application_accept(
        application=application, version=application.version, by=cast.officer
    )
    return services.application_send_pack(
        application=application,
        sections=["reasons"],
        documents=[],
        note="",
        version=application.version,
        by=cast.officer,
    )


def test_the_school_answers_the_cap_team_s_question(client, cast, submitted):
    application = services.application_return(
        application=submitted, question="Which days?", version=submitted.version, by=cast.officer
    )
    client.force_login(cast.alice)
    page = client.get(reverse("applications:detail", args=[application.uuid])).content.decode()
    assert "Which days?" in page and "Send your answer" in page
    url = reverse("applications:act", args=[application.uuid, "resubmit"])
    response = client.post(url, {"version": application.version})
    assert "Enter your answer to the CAP team" in response.content.decode()
    response = client.post(url, {"version": application.version, "answer": "Tuesdays."})
    assert response.url == reverse("applications:detail", args=[application.uuid])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.school_answer == "Tuesdays."


def test_the_school_records_the_interview_it_arranged(client, cast, submitted):
    application = pack_sent(submitted, cast)
    client.force_login(cast.alice)
    url = reverse("applications:act", args=[application.uuid, "arrange_interview"])
    day = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        url,
        {
            "version": application.version,
            "on_day": day.day,
            "on_month": day.month,
            "on_year": day.year,
            "details": "10am at the main site, with Jo",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW_ARRANGED
    assert application.interview_on == day


def test_an_interview_in_the_past_is_refused_beside_the_field(client, cast, submitted):
    application = pack_sent(submitted, cast)
    client.force_login(cast.alice)
    url = reverse("applications:act", args=[application.uuid, "arrange_interview"])
    day = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        url,
        {
            "version": application.version,
            "on_day": day.day,
            "on_month": day.month,
            "on_year": day.year,
            "details": "Typed details",
        },
    )
    page = response.content.decode()
    assert "The interview date must be today or later" in page
    assert "Typed details" in page
    application.refresh_from_db()
    assert application.status == Status.PACK_SENT


def test_a_school_step_that_is_not_open_is_explained(client, cast, submitted):
    client.force_login(cast.alice)
    url = reverse("applications:act", args=[submitted.uuid, "resubmit"])
    response = client.post(url, {"version": submitted.version, "answer": "x"}, follow=True)
    assert "so you cannot send your answer" in response.content.decode()
    # A step that is not the school's is explained the same way, and not taken.
    response = client.post(
        reverse("applications:act", args=[submitted.uuid, "accept"]),
        {"version": submitted.version},
        follow=True,
    )
    assert "Only a CAP officer can accept the application" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    client.force_login(cast.bob)
    assert client.post(url, {"version": submitted.version, "answer": "x"}).status_code == 404


def test_each_home_page_counts_what_waits_there(client, cast, submitted, course):
    client.force_login(cast.officer)
    assert "1 application to review" in client.get(reverse("dashboards:casework")).content.decode()
    application = services.application_return(
        application=submitted, question="?", version=submitted.version, by=cast.officer
    )
    client.force_login(cast.alice)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert "1 question from the CAP team to answer" in page
    application = services.application_resubmit(
        application=application, answer="!", version=application.version, by=cast.alice
    )
    application = pack_sent(application, cast)
    client.force_login(cast.provider_staff)
    page = client.get(reverse("dashboards:providers")).content.decode()
    assert "1 pack to answer" in page
    client.force_login(cast.alice)
    assert "1 interview to arrange" in client.get(reverse("dashboards:schools")).content.decode()


def test_the_e_mails_go_to_the_people_the_table_names_and_name_no_student(
    cast, submitted, student, django_capture_on_commit_callbacks, settings
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_accept(
            application=submitted, version=submitted.version, by=cast.officer
        )
    assert [m.to for m in mail.outbox] == [[cast.alice.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_send_pack(
            application=application,
            sections=[],
            documents=[],
            note="",
            version=application.version,
            by=cast.officer,
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.provider_staff.email, cast.alice.email]
    )
    for message in mail.outbox:
        assert student.legal_last_name not in message.subject + message.body
        assert application.reference in message.subject
        assert settings.CAP_BASE_URL in message.body


def test_a_submission_is_e_mailed_to_the_cap_team_inbox_until_someone_is_assigned(
    cast, programmes, student, course, django_capture_on_commit_callbacks, settings
):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(
            application=application, version=application.version, by=cast.alice
        )
    assert mail.outbox[-1].to == [settings.CAP_TEAM_EMAIL]


def test_a_withdrawal_is_overdue_after_five_working_days(cast, submitted):
    application = services.application_withdraw(
        application=submitted, reason="Moved.", version=submitted.version, by=cast.alice
    )
    friday = dt.date(2026, 11, 27)
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
    )
    assert not Application.objects.filter(overdue_filter(friday + dt.timedelta(days=7))).exists()
    assert Application.objects.filter(overdue_filter(friday + dt.timedelta(days=10))).exists()


def test_an_interview_more_than_a_year_ahead_is_refused(cast, submitted):
    application = pack_sent(submitted, cast)
    with pytest.raises(services.Refused, match="within the next year"):
        services.application_arrange_interview(
            application=application,
            on=timezone.localdate() + dt.timedelta(days=400),
            details="x",
            version=application.version,
            by=cast.provider_staff,
        )


def test_the_school_is_told_even_when_the_person_who_applied_has_left(
    cast, submitted, django_capture_on_commit_callbacks
):
    cast.alice.memberships.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_accept(
            application=submitted, version=submitted.version, by=cast.officer
        )
    assert mail.outbox[0].to == [cast.headteacher.email]


def test_the_first_decision_is_kept_as_when_the_application_was_decided(cast, submitted):
    assert submitted.decided_at is None
    accepted = services.application_accept(
        application=submitted, version=submitted.version, by=cast.officer
    )
    assert accepted.decided_at is not None
    decided_at = accepted.decided_at
    # A later step moves the application on but does not change when it was decided.
    sent = services.application_send_pack(
        application=accepted,
        sections=["reasons"],
        documents=[],
        note="",
        version=accepted.version,
        by=cast.officer,
    )
    assert sent.decided_at == decided_at
