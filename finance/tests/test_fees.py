"""A fee on every place: copied from the course when the provider offers it, agreed by the
school's budget holder before CAP confirms the start, changed only with a reason."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from applications import services as applications
from applications.models import Application
from applications.tests.factories import (
    complete_application,
    early_help_done,
    load_model,
    uploaded_document,
)
from applications.tests.test_providers import school_day
from applications.workflow import Status
from audit.models import Event
from finance import services
from finance.models import Fee, FeeChange
from lib.errors import Refused
from lib.tests.rewrites import refused, rewrites
from programmes.models import Course
from students.tests.factories import StudentFactory


@pytest.fixture
def course(cast, db):
    year = load_model()
    return Course.objects.create(
        programme=year.programmes.get(key="curriculum-support"),
        provider=cast.provider,
        title="Motor vehicle",
        weeks=6,
        days_per_week=1,
        year_groups=[10],
        fee=Decimal("1234.50"),
    )


@pytest.fixture
def held(cast, course) -> Application:
    """The provider has interviewed the student and is about to offer a place."""
    student = StudentFactory(home_school=cast.school_a)
    early_help_done(student)
    application = complete_application(student=student, by=cast.alice, programme=course.programme)
    Application.objects.filter(pk=application.pk).update(
        course=course,
        status=Status.INTERVIEW_HELD,
        submitted_at=timezone.now(),
        pack_sent_at=timezone.now(),
    )
    application.refresh_from_db()
    application.save()  # as submitted: it takes its reference
    return application


def offer(application, cast) -> Application:
    return applications.application_provider_accept(
        application=application,
        start_on=school_day(timezone.localdate()),
        version=application.version,
        by=cast.provider_staff,
    )


def confirm(application, cast) -> Application:
    return applications.application_confirm_start(
        application=application,
        start_on=application.proposed_start_on,
        version=application.version,
        by=cast.officer,
    )


def agree(application, by, **changes):
    fee = Fee.objects.get(application=application)
    answers = {
        "agreed_by": "Sam Budget",
        "agreed_by_role": "School business manager",
        "agreed_on": timezone.localdate(),
        "document": application.documents.first(),
        **changes,
    }
    return services.fee_agree(fee=fee, version=fee.version, by=by, **answers)


def test_the_provider_s_offer_copies_the_course_s_fee(cast, held, course):
    application = offer(held, cast)
    fee = Fee.objects.get(application=application)
    assert fee.amount_pence == 123450 and not fee.agreed
    # The course's fee may change later; the place's does not.
    Course.objects.filter(pk=course.pk).update(fee=Decimal("2000.00"))
    assert Fee.objects.get(application=application).amount_pence == 123450
    assert Event.objects.filter(action="fee.set", object_id=str(fee.uuid)).exists()


def test_cap_cannot_confirm_the_start_until_the_budget_holder_agrees(cast, held):
    application = offer(held, cast)
    with pytest.raises(Refused, match=r"budget holder has not agreed the fee of £1,234\.50"):
        confirm(application, cast)
    application.refresh_from_db()
    assert application.status == Status.PROVIDER_ACCEPTED
    fee = agree(application, cast.alice)
    assert (fee.agreed_by, fee.agreed_by_role) == ("Sam Budget", "School business manager")
    assert fee.agreement_document == application.documents.first()
    assert confirm(application, cast).status == Status.START_CONFIRMED


def test_a_place_with_no_fee_needs_no_agreement(cast, held, course):
    Course.objects.filter(pk=course.pk).update(fee=None)
    application = offer(held, cast)
    assert Fee.objects.get(application=application).amount_pence == 0
    assert confirm(application, cast).status == Status.START_CONFIRMED


@pytest.mark.parametrize("who", ["bob", "provider_staff", "school_dsl", "finance"])
def test_only_the_school_or_cap_records_the_agreement(cast, held, who):
    application = offer(held, cast)
    with pytest.raises(PermissionDenied):
        agree(application, getattr(cast, who))
    assert agree(application, cast.officer).agreed


def test_the_agreement_is_checked(cast, held):
    application = offer(held, cast)
    with pytest.raises(Refused, match="today or in the past") as refused:
        agree(application, cast.alice, agreed_on=timezone.localdate() + dt.timedelta(days=1))
    assert refused.value.field == "agreed_on"
    with pytest.raises(Refused, match="budget holder's role"):
        agree(application, cast.alice, agreed_by_role=" ")
    other = StudentFactory(home_school=cast.school_a)
    elsewhere = Application.objects.create(
        student=other, school=cast.school_a, created_by=cast.alice
    )
    foreign = uploaded_document(elsewhere, by=cast.alice)
    with pytest.raises(Refused, match="this application's documents"):
        agree(application, cast.alice, document=foreign)
    assert not Fee.objects.get(application=application).agreed


def test_a_fee_changes_only_with_a_reason_and_keeps_the_old_amount(cast, held):
    application = offer(held, cast)
    agree(application, cast.alice)
    fee = Fee.objects.get(application=application)
    with pytest.raises(Refused, match="why the fee is changing"):
        services.fee_change(
            fee=fee, amount_pence=100000, reason=" ", version=fee.version, by=cast.finance
        )
    fee = services.fee_change(
        fee=fee, amount_pence=100000, reason="Shorter course", version=fee.version, by=cast.finance
    )
    change = FeeChange.objects.get(fee=fee)
    assert (change.previous_pence, change.amount_pence, change.reason) == (
        123450,
        100000,
        "Shorter course",
    )
    event = Event.objects.get(action="fee.changed", object_id=str(fee.uuid))
    assert event.detail == {"previous_pence": 123450, "amount_pence": 100000}
    assert fee.agreed  # a lower fee keeps the agreement
    fee = services.fee_change(
        fee=fee, amount_pence=150000, reason="Extra unit", version=fee.version, by=cast.manager
    )
    assert not fee.agreed  # a higher one before the start must be agreed again


def test_the_database_refuses_to_rewrite_a_fee_change_by_replacing_it(cast, held):
    application = offer(held, cast)
    fee = Fee.objects.get(application=application)
    fee = services.fee_change(
        fee=fee, amount_pence=100000, reason="Shorter course", version=fee.version, by=cast.finance
    )
    change = FeeChange.objects.get(fee=fee)
    for sql in rewrites("finance_feechange"):
        assert refused(sql, change.pk), sql
    assert FeeChange.objects.get(pk=change.pk).reason == "Shorter course"


@pytest.mark.parametrize("who", ["officer", "alice", "provider_staff", "monitoring"])
def test_only_the_cap_manager_and_finance_change_a_fee(cast, held, who):
    application = offer(held, cast)
    fee = Fee.objects.get(application=application)
    with pytest.raises(PermissionDenied):
        services.fee_change(
            fee=fee, amount_pence=1, reason="Cheaper", version=fee.version, by=getattr(cast, who)
        )
    assert Fee.objects.get(pk=fee.pk).amount_pence == 123450


def test_a_place_withdrawn_after_the_offer_is_marked_for_the_charging_rules(cast, held):
    application = offer(held, cast)
    applications.application_withdraw(
        application=application, reason="Moved away", version=application.version, by=cast.alice
    )
    assert Fee.objects.get(application=application).withdrawn_on == timezone.localdate()


def test_the_school_hears_of_the_offer_so_its_budget_holder_can_agree(
    cast, held, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = offer(held, cast)
    assert [cast.alice.email] in [m.to for m in mail.outbox]
    assert all(application.student.legal_last_name not in m.body for m in mail.outbox)


def test_places_offered_before_fees_were_kept_get_the_course_s_fee(cast, course):
    add_fees = importlib.import_module("finance.migrations.0003_fees_for_earlier_places").add_fees
    student = StudentFactory(home_school=cast.school_a)
    offered, drafted = (
        Application.objects.create(
            student=student, school=cast.school_a, course=course, created_by=cast.alice, status=s
        )
        for s in (Status.PROVIDER_ACCEPTED, Status.DRAFT)
    )
    add_fees(apps, None)
    assert Fee.objects.get(application=offered).amount_pence == 123450
    assert not Fee.objects.filter(application=drafted).exists()
    with pytest.raises(Refused, match="budget holder has not agreed"):
        services.fee_check_agreed(application=offered)
