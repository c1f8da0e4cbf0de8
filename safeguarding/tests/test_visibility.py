"""Who can find a concern: every role in the cast, and a few more DSLs, against every
concern URL. Whoever must see nothing gets 404 on every one, by GET and by POST, exactly as
for a concern that does not exist."""

import uuid

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from accounts.tests.factories import ProviderFactory, member
from audit.models import Event
from safeguarding.models import Entry

CAST = [
    "alice",
    "bob",
    "headteacher",
    "school_dsl",
    "officer",
    "monitoring",
    "manager",
    "safeguarding",
    "chair",
    "provider_staff",
    "academy_staff",
    "agency_worker",
    "outsider",
]
EXTRA = ["provider_dsl", "academy_dsl", "school_b_dsl", "other_provider_dsl"]
SEES = {"school_dsl", "safeguarding", "provider_dsl"}
CAN_RAISE = {
    "alice",
    "headteacher",
    "school_dsl",
    "officer",
    "monitoring",
    "manager",
    "safeguarding",
    "provider_staff",
    "provider_dsl",
}


@pytest.fixture
def people(cast):

    extra = {
        "provider_dsl": member(cast.provider, Role.DSL),
        "academy_dsl": member(cast.academy, Role.DSL),
        "school_b_dsl": member(cast.school_b, Role.DSL),
        "other_provider_dsl": member(ProviderFactory(), Role.DSL),
    }
    return {**{name: getattr(cast, name) for name in CAST}, **extra}


def concern_urls(concern):
    return {
        name: reverse(f"safeguarding:{name}", args=[concern.uuid])
        for name in ("concern", "acknowledge", "update", "action", "close")
    } | {
        name: reverse(f"safeguarding:{name}", args=[concern.student.uuid])
        for name in ("chronology", "chronology_pdf")
    }


@pytest.mark.parametrize("name", CAST + EXTRA)
def test_every_role_sees_a_concern_only_if_it_is_theirs(client, people, concern, name):
    client.force_login(people[name])
    urls = concern_urls(concern)
    for url_name, url in urls.items():
        if url_name == "acknowledge":
            continue  # a POST that would change the concern; below
        status = client.get(url).status_code
        assert status == (200 if name in SEES else 404), (name, url_name, status)
    if name not in SEES:
        for url_name in ("acknowledge", "update", "action", "close"):
            response = client.post(
                urls[url_name], {"text": "x", "outcome": "other", "action": "police"}
            )
            assert response.status_code == 404, (name, url_name)
        assert not Entry.objects.filter(concern=concern).exists()
        assert not Event.objects.filter(
            action="safeguarding.concern_viewed", actor=people[name]
        ).exists()


@pytest.mark.parametrize("name", CAST + EXTRA)
def test_only_the_person_who_raised_it_sees_the_receipt(client, people, concern, name):
    client.force_login(people[name])
    response = client.get(reverse("safeguarding:receipt", args=[concern.uuid]))
    assert response.status_code == (200 if name == "provider_staff" else 404)
    if name == "provider_staff":
        # The receipt says that they raised it, and nothing of what they wrote.
        assert concern.reference in response.text
        assert concern.account not in response.text
        assert concern.category.name not in response.text


@pytest.mark.parametrize("how", ["organisation made inactive", "membership ended"])
def test_whoever_raised_it_loses_the_receipt_when_they_leave_the_organisation(
    client, cast, concern, how
):
    # The receipt names the student: it is theirs while they work for the organisation
    # they raised it for, and no longer.
    if how == "organisation made inactive":
        cast.provider.is_active = False
        cast.provider.save()
    else:
        Membership.objects.filter(user=cast.provider_staff, organisation=cast.provider).delete()
    client.force_login(cast.provider_staff)
    response = client.get(reverse("safeguarding:receipt", args=[concern.uuid]))
    assert response.status_code == 404
    listing = client.get(reverse("safeguarding:raised"))
    assert concern.reference not in listing.text
    assert concern.student.legal_last_name not in listing.text


def test_a_receipt_stays_with_whoever_raised_it_while_they_still_work_there(client, cast, concern):
    client.force_login(cast.provider_staff)
    assert client.get(reverse("safeguarding:receipt", args=[concern.uuid])).status_code == 200
    assert concern.reference in client.get(reverse("safeguarding:raised")).text


@pytest.mark.parametrize("name", CAST + EXTRA)
def test_the_queue_lists_a_concern_only_for_those_who_see_it(client, people, concern, name):
    client.force_login(people[name])
    response = client.get(reverse("safeguarding:queue"), follow=True)
    assert response.status_code == 200
    # The person who raised it is sent to their receipts, which carry the reference.
    assert (concern.reference in response.text) == (name in SEES or name == "provider_staff")
    assert (concern.account in response.text) is False
    nav = [item["label"] for item in response.context["service_nav"]]
    is_a_dsl = name in {"school_dsl", "safeguarding", *EXTRA}
    assert ("Safeguarding" in nav) == is_a_dsl


@pytest.mark.parametrize("name", CAST + EXTRA)
def test_only_those_who_work_with_the_student_can_raise_a_concern(
    client, people, student, placement, name
):
    client.force_login(people[name])
    response = client.get(reverse("safeguarding:raise", args=[student.uuid]))
    assert response.status_code == (200 if name in CAN_RAISE else 404), name


def test_a_concern_that_does_not_exist_answers_404_too(client, cast):
    client.force_login(cast.safeguarding)
    missing = uuid.uuid4()
    for url_name in ("concern", "update", "action", "close", "receipt"):
        assert client.get(reverse(f"safeguarding:{url_name}", args=[missing])).status_code == 404
    assert client.post(reverse("safeguarding:acknowledge", args=[missing])).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, concern):
    for url in concern_urls(concern).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign_in"))


def test_the_home_schools_dsls_see_a_concern_not_raised_on_a_placement(client, cast, student):
    from safeguarding.tests.conftest import raise_concern

    concern = raise_concern(student, by=cast.alice)
    provider_dsl = member(cast.provider, Role.DSL)
    for user, status in ((cast.school_dsl, 200), (cast.safeguarding, 200), (provider_dsl, 404)):
        client.force_login(user)
        assert client.get(reverse("safeguarding:concern", args=[concern.uuid])).status_code == (
            status
        )
