import pytest
from django.core.exceptions import PermissionDenied

from applications import services
from applications.models import Application
from applications.tests.factories import complete_application
from applications.workflow import Status
from audit.models import Event
from documents.models import Document


def events(application) -> list[str]:
    return list(
        Event.objects.filter(object_id=str(application.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_school_starts_a_draft_for_its_own_student(cast, student):
    application = services.application_start(student=student, by=cast.alice)
    assert application.status == Status.DRAFT
    assert application.school == cast.school_a
    assert events(application) == ["application.started"]


def test_another_school_cannot_start_a_draft_for_a_student_not_theirs(cast, student):
    with pytest.raises(PermissionDenied):
        services.application_start(student=student, by=cast.bob)
    assert not Application.objects.exists()


def test_a_page_save_bumps_the_version_and_a_stale_save_is_refused(cast, student, programmes):
    application = services.application_start(student=student, by=cast.alice)
    saved = services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=1,
        by=cast.alice,
    )
    assert saved.version == 2 and saved.programme == programmes["insight"]
    with pytest.raises(services.Conflict):
        services.application_save_page(
            application=saved, answers={"student_voice": "Late"}, version=1, by=cast.alice
        )
    saved.refresh_from_db()
    assert saved.student_voice == ""


def test_changing_the_programme_clears_its_course_and_questions(cast, student, programmes):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"], upload=False
    )
    assert application.course and application.question_answers
    application = services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=application.version,
        by=cast.alice,
    )
    assert application.course is None and application.question_answers == {}


def test_submit_moves_a_complete_draft_to_submitted(cast, student, programmes):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    submitted = services.application_submit(
        application=application, version=application.version, by=cast.alice
    )
    assert submitted.status == Status.SUBMITTED and submitted.submitted_at
    assert events(submitted)[-1] == "application.submit"


def test_submit_refuses_an_incomplete_draft_and_changes_nothing(cast, student, programmes):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"], upload=False
    )
    with pytest.raises(services.SubmitRefused) as refused:
        services.application_submit(
            application=application, version=application.version, by=cast.alice
        )
    assert refused.value.problems
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert "application.submit" not in events(application)


def test_a_double_submit_acts_once(cast, student, programmes):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    version = application.version
    services.application_submit(application=application, version=version, by=cast.alice)
    stale = Application.objects.get(pk=application.pk)
    stale.status, stale.version = Status.DRAFT, version  # as the second click saw it
    with pytest.raises(services.Conflict):
        services.application_submit(application=stale, version=version, by=cast.alice)
    assert events(application).count("application.submit") == 1


@pytest.mark.parametrize("who", ["bob", "officer", "provider_staff", "outsider"])
def test_only_the_referring_school_submits(cast, student, programmes, who):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    with pytest.raises(PermissionDenied):
        services.application_submit(
            application=application, version=application.version, by=getattr(cast, who)
        )


def test_a_submitted_application_is_withdrawn_with_a_reason(cast, student, programmes):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    application = services.application_submit(
        application=application, version=application.version, by=cast.alice
    )
    withdrawn = services.application_withdraw(
        application=application,
        reason="Family moved away.",
        version=application.version,
        by=cast.headteacher,
    )
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.withdrawn_reason == "Family moved away."
    assert events(withdrawn)[-1] == "application.withdraw"


def test_a_draft_cannot_be_withdrawn_and_a_withdrawn_one_cannot_be_submitted(
    cast, student, programmes
):
    application = services.application_start(student=student, by=cast.alice)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(
            application=application, reason="x", version=application.version, by=cast.alice
        )
    Application.objects.filter(pk=application.pk).update(status=Status.WITHDRAWN)
    application.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.application_submit(
            application=application, version=application.version, by=cast.alice
        )


def test_a_school_discards_its_own_draft_and_it_is_kept(cast, student):
    application = services.application_start(student=student, by=cast.alice)
    services.application_discard(application=application, version=1, by=cast.alice)
    application.refresh_from_db()
    assert application.status == Status.DISCARDED
    assert events(application) == ["application.started", "application.discard"]


def test_a_transition_records_where_it_came_from_and_went(cast, student, programmes):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    services.application_submit(application=application, version=application.version, by=cast.alice)
    event = Event.objects.get(action="application.submit")
    assert event.detail == {"from": "draft", "to": "submitted"}


def test_cap_staff_never_see_a_draft_even_once_discarded(cast, student):
    from applications.rules import applications_visible_to, can_view_application

    application = services.application_start(student=student, by=cast.alice)
    services.application_discard(application=application, version=1, by=cast.alice)
    application.refresh_from_db()
    assert not can_view_application(cast.officer, application)
    assert not applications_visible_to(cast.officer, Application.objects.all()).exists()
    assert can_view_application(cast.alice, application)


def test_discarding_a_draft_removes_its_documents(cast, student, programmes):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    document_ids = list(application.documents.values_list("document_id", flat=True))
    assert document_ids
    services.application_discard(
        application=application, version=application.version, by=cast.alice
    )
    assert not application.documents.exists()
    assert not Document.objects.filter(pk__in=document_ids).exists()
    assert Event.objects.filter(action="document.removed").count() == len(document_ids)


def test_a_step_is_refused_to_a_person_who_may_not_take_it_before_its_date_is_checked(
    cast, student, programmes
):
    """Who may act is asked first: a refused person learns nothing of the date rules."""
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    Application.objects.filter(pk=application.pk).update(status=Status.PROVIDER_ACCEPTED)
    application.refresh_from_db()
    yesterday = application.updated_at.date().replace(year=2000)
    with pytest.raises(PermissionDenied):
        services.application_confirm_start(
            application=application, start_on=yesterday, version=application.version, by=cast.bob
        )
    with pytest.raises(services.Refused, match="today or later") as refused:
        services.application_confirm_start(
            application=application,
            start_on=yesterday,
            version=application.version,
            by=cast.officer,
        )
    assert refused.value.field == "start_on"
    application.refresh_from_db()
    assert application.status == Status.PROVIDER_ACCEPTED and application.start_on is None
