"""The admin shows a person's roles but no longer gives, changes or removes them: roles are
given on CAP's people pages, where nobody can give themselves one."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import Event


def _membership_form(user, rows: list[dict], initial: int = 0) -> dict:
    """What the admin's old roles inline posted: a form that can no longer give a role."""
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


def test_the_manager_cannot_give_themselves_the_safeguarding_lead_role_in_the_admin(client, cast):
    client.force_login(cast.manager)
    url = reverse("admin:accounts_user_change", args=[cast.manager.pk])
    data = _membership_form(
        cast.manager, [{"organisation": cast.la.pk, "role": Role.DSL, "user": cast.manager.pk}]
    )
    client.post(url, data)
    assert not Membership.objects.filter(user=cast.manager, role=Role.DSL).exists()
    assert not Event.objects.filter(action="membership.created").exists()


def test_the_admin_gives_nobody_a_role(client, cast):
    client.force_login(cast.manager)
    url = reverse("admin:accounts_user_change", args=[cast.outsider.pk])
    data = _membership_form(
        cast.outsider,
        [{"organisation": cast.school_a.pk, "role": "referrer", "user": cast.outsider.pk}],
    )
    client.post(url, data)
    assert not Membership.objects.filter(user=cast.outsider).exists()


def test_the_admin_shows_roles_and_links_to_the_persons_page(client, cast):
    client.force_login(cast.manager)
    response = client.get(reverse("admin:accounts_user_change", args=[cast.alice.pk]))
    html = response.content.decode()
    assert "CAP coordinator at School A" in html
    assert reverse("accounts:person", args=[cast.alice.uuid]) in html
    assert 'name="memberships-TOTAL_FORMS"' not in html


@pytest.mark.parametrize("verb", ["add", "change", "delete"])
def test_nobody_has_the_admins_permissions_to_edit_memberships(cast, verb):
    assert not cast.manager.has_perm(f"accounts.{verb}_membership")
    assert cast.manager.has_perm("accounts.view_membership")


def test_the_manager_cannot_delete_a_person(client, cast):
    client.force_login(cast.manager)
    response = client.post(reverse("admin:accounts_user_delete", args=[cast.alice.pk]))
    assert response.status_code == 403
    assert type(cast.alice).objects.filter(pk=cast.alice.pk).exists()


def test_the_admin_changes_no_ones_e_mail_address_or_account(client, cast):
    # The e-mail address is where a password reset goes: changing the safeguarding lead's
    # to one's own would take over their account.
    client.force_login(cast.manager)
    url = reverse("admin:accounts_user_change", args=[cast.safeguarding.pk])
    data = _membership_form(cast.safeguarding, [])
    data |= {"email": "manager.own@example.org", "full_name": "Renamed"}
    data.pop("is_active")
    client.post(url, data)
    cast.safeguarding.refresh_from_db()
    assert cast.safeguarding.email != "manager.own@example.org"
    assert cast.safeguarding.is_active
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_an_organisations_kind_is_set_once_and_never_to_the_authority(client, cast):
    # Turning a provider into a local authority would make its DSL the safeguarding lead.
    client.force_login(cast.manager)
    url = reverse("admin:accounts_organisation_change", args=[cast.provider.pk])
    client.post(url, {"name": cast.provider.name, "kind": "local_authority", "is_active": "on"})
    cast.provider.refresh_from_db()
    assert cast.provider.kind != "local_authority"
    add = client.get(reverse("admin:accounts_organisation_add")).content.decode()
    assert 'value="training_provider"' in add and 'value="local_authority"' not in add
