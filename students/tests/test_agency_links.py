"""Linking an agency professional to a student: who may, the consent it needs, and how it
ends."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from accounts.tests.factories import OrganisationFactory, member
from audit.models import Event
from lib.errors import Refused
from students.models import AgencyLink, AgencyLinkEnd, ConsentMethod
from students.rules import can_end_agency_link, can_link_agency, is_linked_to
from students.services import (
    agency_link_create,
    agency_link_end,
    agency_links_end_with_placement,
    agency_student_read,
)


def _link(student, professional, *, by, **changes):
    fields = {
        "consent_given_by": "Jane Smith, mother",
        "consent_given_on": timezone.localdate(),
        "consent_method": ConsentMethod.IN_WRITING,
        **changes,
    }
    return agency_link_create(student=student, professional=professional, by=by, **fields)


@pytest.fixture
def other_agency_worker(db):
    agency = OrganisationFactory(name="Youth Justice", kind=OrganisationKind.AGENCY)
    return member(agency, Role.AGENCY_PROFESSIONAL)


@pytest.mark.parametrize("who", ["alice", "headteacher", "school_dsl", "officer", "manager"])
def test_the_school_and_cap_officers_link_a_professional(cast, student, who):
    by = getattr(cast, who)
    assert can_link_agency(by, student)
    link = _link(student, cast.agency_worker, by=by)
    assert (link.agency, link.created_by, link.is_open) == (cast.agency, by, True)
    assert is_linked_to(cast.agency_worker, student)
    event = Event.objects.get(action="agency_link.created")
    assert (event.actor, event.object_id) == (by, str(link.uuid))
    assert "Jane" not in str(event.detail)  # identifiers only, never a name


@pytest.mark.parametrize(
    "who",
    [
        "bob",
        "provider_staff",
        "academy_staff",
        "monitoring",
        "safeguarding",
        "chair",
        "agency_worker",
        "outsider",
    ],
)
def test_nobody_else_links_a_professional(cast, student, who):
    by = getattr(cast, who)
    assert not can_link_agency(by, student)
    with pytest.raises(PermissionDenied):
        _link(student, cast.agency_worker, by=by)
    assert not AgencyLink.objects.exists()


def test_another_agency_cannot_link_its_own_professional(cast, student, other_agency_worker):
    with pytest.raises(PermissionDenied):
        _link(student, other_agency_worker, by=cast.agency_worker)


def test_nobody_links_themselves(cast, student):
    both = cast.officer  # a CAP officer who is also an agency professional
    cast.agency.memberships.create(user=both, role=Role.AGENCY_PROFESSIONAL)
    with pytest.raises(Refused, match="Nobody links themselves"):
        _link(student, both, by=both)


@pytest.mark.parametrize("who", ["alice", "provider_staff", "outsider"])
def test_only_an_agency_professional_is_linked(cast, student, who):
    with pytest.raises(Refused, match="There is no agency professional") as refused:
        _link(student, getattr(cast, who), by=cast.officer)
    assert refused.value.field == "professional_email"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent_given_by": "   "}, "consent_given_by", "Enter who gave consent"),
        (
            {"consent_given_on": timezone.localdate() + dt.timedelta(days=1)},
            "consent_given_on",
            "today or in the past",
        ),
        ({"consent_method": "by_pigeon"}, "consent_method", "Choose how consent was given"),
    ],
)
def test_consent_must_be_recorded_and_not_in_the_future(cast, student, changes, field, message):
    with pytest.raises(Refused, match=message) as refused:
        _link(student, cast.agency_worker, by=cast.alice, **changes)
    assert refused.value.field == field
    assert not AgencyLink.objects.exists()


def test_a_professional_is_linked_once_at_a_time(cast, student):
    _link(student, cast.agency_worker, by=cast.alice)
    with pytest.raises(Refused, match="already linked"):
        _link(student, cast.agency_worker, by=cast.officer)


def test_the_school_removes_a_link_with_a_reason(cast, student):
    link = _link(student, cast.agency_worker, by=cast.officer)
    assert can_end_agency_link(cast.alice, link)
    agency_link_end(link=link, reason=AgencyLinkEnd.CONSENT_WITHDRAWN, by=cast.alice)
    link.refresh_from_db()
    assert (link.is_open, link.ended_by, link.end_reason) == (
        False,
        cast.alice,
        AgencyLinkEnd.CONSENT_WITHDRAWN,
    )
    assert not is_linked_to(cast.agency_worker, type(student).objects.get(pk=student.pk))
    event = Event.objects.get(action="agency_link.ended")
    assert event.detail["reason"] == "consent_withdrawn"
    assert not can_end_agency_link(cast.alice, link)  # already ended
    # A new link can be made after, with fresh consent.
    assert _link(student, cast.agency_worker, by=cast.alice).is_open


@pytest.mark.parametrize("who", ["bob", "provider_staff", "agency_worker"])
def test_others_cannot_remove_a_link(cast, student, who):
    link = _link(student, cast.agency_worker, by=cast.officer)
    with pytest.raises(PermissionDenied):
        agency_link_end(link=link, reason=AgencyLinkEnd.MADE_IN_ERROR, by=getattr(cast, who))


@pytest.mark.parametrize("reason", ["", "placement_ended", "bored"])
def test_a_removal_needs_one_of_the_reasons(cast, student, reason):
    link = _link(student, cast.agency_worker, by=cast.officer)
    with pytest.raises(Refused, match="Choose why"):
        agency_link_end(link=link, reason=reason, by=cast.officer)


def test_links_end_when_the_placement_ends(cast, student, other_agency_worker):
    _link(student, cast.agency_worker, by=cast.alice)
    _link(student, other_agency_worker, by=cast.alice)
    assert agency_links_end_with_placement(student=student, by=cast.officer) == 2
    assert set(AgencyLink.objects.values_list("end_reason", flat=True)) == {"placement_ended"}
    assert Event.objects.filter(action="agency_link.ended").count() == 2


def test_a_read_is_audited_only_for_the_linked_professional(cast, student):
    link = _link(student, cast.agency_worker, by=cast.alice)
    agency_student_read(link=link, by=cast.agency_worker)
    link.refresh_from_db()
    assert link.last_seen_at is not None
    assert Event.objects.filter(action="agency_link.student_read", actor=cast.agency_worker)
    with pytest.raises(Refused):
        agency_student_read(link=link, by=cast.alice)


def test_a_professional_who_left_the_agency_is_no_longer_linked(cast, student):
    _link(student, cast.agency_worker, by=cast.alice)
    cast.agency_worker.memberships.all().delete()
    cast.agency_worker.__dict__.pop("_cap_memberships", None)
    fresh = type(student).objects.get(pk=student.pk)
    assert not is_linked_to(cast.agency_worker, fresh)
