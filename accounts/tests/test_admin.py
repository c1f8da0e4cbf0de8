"""The CAP manager manages people in the admin; every change there is audited."""

from django.urls import reverse

from accounts.models import Membership
from audit.models import Event


def _membership_form(user, rows: list[dict], initial: int = 0) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{i}-{key}"] = value
    return data


def test_the_manager_gives_a_role_and_it_is_audited(client, cast):
    client.force_login(cast.manager)
    url = reverse("admin:accounts_user_change", args=[cast.outsider.pk])
    data = _membership_form(
        cast.outsider,
        [{"organisation": cast.school_a.pk, "role": "referrer", "user": cast.outsider.pk}],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user=cast.outsider, role="referrer").exists()
    event = Event.objects.get(action="membership.created")
    assert event.actor == cast.manager
    assert event.object_id == str(cast.outsider.uuid)


def test_a_role_the_organisation_cannot_give_is_refused_beside_the_field(client, cast):
    client.force_login(cast.manager)
    url = reverse("admin:accounts_user_change", args=[cast.outsider.pk])
    data = _membership_form(
        cast.outsider,
        [{"organisation": cast.provider.pk, "role": "cap_manager", "user": cast.outsider.pk}],
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot give this role" in response.content.decode()
    assert not Membership.objects.filter(user=cast.outsider).exists()
    assert not Event.objects.filter(action="membership.created").exists()


def test_the_manager_cannot_delete_a_person(client, cast):
    client.force_login(cast.manager)
    response = client.post(reverse("admin:accounts_user_delete", args=[cast.alice.pk]))
    assert response.status_code == 403
    assert type(cast.alice).objects.filter(pk=cast.alice.pk).exists()
