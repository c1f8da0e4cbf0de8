"""Sending a pack to, or setting up a placement with, a provider that is not approved: warned
(and recorded) or refused, as the CAP manager chooses; at the expiry boundary."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.tests.factories import (
    complete_application,
    early_help_done,
    load_model,
    subscribe,
)
from applications.workflow import Status
from audit.models import Event
from placements.models import Placement
from quality.models import GateMode, QualitySettings
from quality.selectors import settings_current
from quality.tests.factories import approved_provider, set_expiry
from students.tests.factories import StudentFactory

INSURANCE = "public-liability-insurance"


@pytest.fixture
def accepted(cast, year, areas):
    """An application accepted by CAP, for a course of Provider P."""

    subscribe(cast.school_a, year)
    course = year.programmes.get(key="curriculum-support").courses.first()
    course.provider = cast.provider
    course.save()
    student = StudentFactory(home_school=cast.school_a)
    early_help_done(student)
    application = complete_application(student=student, by=cast.alice, programme=course.programme)
    application = services.application_submit(
        application=application, version=application.version, by=cast.alice
    )
    return services.application_accept(
        application=application, version=application.version, by=cast.officer
    )


@pytest.fixture
def year(db):

    return load_model()


def send_pack(application, by):
    return services.application_send_pack(
        application=application,
        sections=["reasons"],
        documents=[],
        note="",
        version=application.version,
        by=by,
    )


def block():
    QualitySettings.objects.update_or_create(pk=1, defaults={"gate_mode": GateMode.BLOCK})


def test_a_pack_goes_to_an_approved_provider_without_a_warning(cast, accepted):
    approved_provider(cast.provider)
    block()
    application = send_pack(accepted, cast.officer)
    assert application.status == Status.PACK_SENT
    assert not Event.objects.filter(action="quality.not_approved_warning").exists()


def test_blocked_a_day_after_the_insurance_expired(cast, accepted):
    record = approved_provider(cast.provider)
    set_expiry(record, INSURANCE, timezone.localdate() - dt.timedelta(days=1))
    block()
    with pytest.raises(services.Refused, match="Public liability insurance certificate expired"):
        send_pack(accepted, cast.officer)
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


def test_not_blocked_on_the_day_the_insurance_expires(cast, accepted):
    record = approved_provider(cast.provider)
    set_expiry(record, INSURANCE, timezone.localdate())
    block()
    assert send_pack(accepted, cast.officer).status == Status.PACK_SENT


def test_warned_the_pack_goes_and_the_warning_is_recorded(cast, accepted):
    record = approved_provider(cast.provider)
    set_expiry(record, INSURANCE, timezone.localdate() - dt.timedelta(days=1))
    assert settings_current().gate_mode == GateMode.WARN
    application = send_pack(accepted, cast.officer)
    assert application.status == Status.PACK_SENT
    warning = Event.objects.get(action="quality.not_approved_warning")
    assert warning.object_id == str(cast.provider.uuid)
    assert warning.detail == {
        "application": str(application.uuid),
        "step": "send_pack",
        "status": "suspended",
    }
    assert warning.actor == cast.officer


def test_a_provider_with_no_record_is_refused_when_blocking(cast, accepted):
    block()
    with pytest.raises(services.Refused, match="no quality-assurance record"):
        send_pack(accepted, cast.officer)


def test_the_placement_is_refused_when_the_provider_lapsed_after_the_pack(cast, accepted):
    record = approved_provider(cast.provider)
    application = send_pack(accepted, cast.officer)
    Placement.objects.all().delete()

    Application.objects.filter(pk=application.pk).update(
        status=Status.START_CONFIRMED, start_on=timezone.localdate() + dt.timedelta(days=7)
    )
    application.refresh_from_db()
    set_expiry(record, INSURANCE, timezone.localdate() - dt.timedelta(days=1))
    block()
    with pytest.raises(services.Refused, match="suspended"):
        services.application_set_up_placement(
            application=application, version=application.version, by=cast.officer
        )
    assert not Placement.objects.exists()


def test_the_casework_page_warns_before_the_pack_is_sent(client, cast, accepted):
    record = approved_provider(cast.provider)
    set_expiry(record, INSURANCE, timezone.localdate() - dt.timedelta(days=1))
    client.force_login(cast.officer)
    url = reverse("casework:application", args=[accepted.uuid])
    page = client.get(url).content.decode()
    assert "Provider P is suspended for quality assurance" in page
    assert "CAP will record that you went ahead" in page
    block()
    page = client.get(url).content.decode()
    assert "You cannot send the pack until the CAP team approves the provider again" in page


def test_the_refusal_is_shown_on_the_page_when_the_officer_tries(client, cast, accepted):
    record = approved_provider(cast.provider)
    set_expiry(record, INSURANCE, timezone.localdate() - dt.timedelta(days=1))
    block()
    client.force_login(cast.officer)
    response = client.post(
        reverse("casework:act", args=[accepted.uuid, "send_pack"]),
        {"version": accepted.version, "sections": ["reasons"]},
        follow=True,
    )
    assert "Provider P is suspended for quality assurance" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


def test_no_notice_once_the_provider_is_approved(client, cast, accepted):
    approved_provider(cast.provider)
    client.force_login(cast.officer)
    page = client.get(reverse("casework:application", args=[accepted.uuid])).content.decode()
    assert "for quality assurance" not in page
