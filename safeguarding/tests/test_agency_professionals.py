"""An agency professional linked to a student (students.AgencyLink) raises a concern from
the student's agency page and sees only a receipt; they never read a concern, linked or
not, unless they are a DSL."""

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.models import Concern
from safeguarding.rules import can_raise_concern, can_view_chronology, can_view_concern
from safeguarding.tests.conftest import ACCOUNT, raise_concern
from students.models import ConsentMethod
from students.services import agency_link_create


@pytest.fixture
def linked(cast, student, placement):
    return agency_link_create(
        student=student,
        professional=cast.agency_worker,
        consent_given_by="Jane Smith, mother",
        consent_given_on=timezone.localdate(),
        consent_method=ConsentMethod.IN_WRITING,
        by=cast.alice,
    )


def _raise_data():
    today = timezone.localdate()
    return {
        "placement": "none",
        "happened_on_day": str(today.day),
        "happened_on_month": str(today.month),
        "happened_on_year": str(today.year),
        "category": "neglect",
        "account": "Told me they had not eaten since Friday.",
        "injuries": "",
        "immediate_actions": "Gave them lunch.",
        "urgent": "no",
    }


def test_a_linked_professional_raises_a_concern_from_the_students_page(
    client, cast, student, linked
):
    client.force_login(cast.agency_worker)
    raise_url = reverse("safeguarding:raise", args=[student.uuid])
    page = client.get(reverse("agencies:student", args=[student.uuid]))
    assert raise_url in page.text
    assert client.get(raise_url).status_code == 200
    response = client.post(raise_url, _raise_data())
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:receipt", args=[concern.uuid])
    assert (concern.raised_by, concern.raised_for, concern.placement) == (
        cast.agency_worker,
        cast.agency,
        None,
    )
    # Only a receipt: the concern itself stays with the DSLs.
    assert client.get(reverse("safeguarding:concern", args=[concern.uuid])).status_code == 404


def test_an_unlinked_professional_cannot_raise_a_concern(client, cast, student, placement):
    assert not can_raise_concern(cast.agency_worker, student)
    client.force_login(cast.agency_worker)
    assert client.get(reverse("safeguarding:raise", args=[student.uuid])).status_code == 404


def test_a_linked_professional_never_reads_a_concern(client, cast, student, placement, linked):
    concern = raise_concern(student, by=cast.school_dsl, urgent=True)
    assert not can_view_concern(cast.agency_worker, concern)
    assert not can_view_chronology(cast.agency_worker, student)
    client.force_login(cast.agency_worker)
    page = client.get(reverse("agencies:student", args=[student.uuid])).text
    assert ACCOUNT not in page and concern.reference not in page
    assert client.get(reverse("safeguarding:concern", args=[concern.uuid])).status_code == 404
    chronology = reverse("safeguarding:chronology", args=[student.uuid])
    assert client.get(chronology).status_code == 404
    home = client.get(reverse("dashboards:agencies")).text
    assert ACCOUNT not in home and concern.reference not in home
