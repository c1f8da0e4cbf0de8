"""Separation of duties: who may give which role where (accounts/rules.py), and the
services that refuse whatever the rules refuse."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from accounts.models import Membership, Role
from accounts.rules import (
    can_end_membership,
    can_grant_role,
    can_manage_people,
    can_view_person,
    grant_organisations,
)
from accounts.tests.factories import member


@pytest.fixture
def admins(cast):
    """School A's administrator (who holds no other role) and the agency's."""
    cast.school_admin = member(cast.school_a, Role.ADMINISTRATOR, full_name="Sam Admin")
    cast.agency_admin = member(cast.agency, Role.ADMINISTRATOR)
    return cast


def test_nobody_gives_themselves_a_role(admins):
    c = admins
    assert not can_grant_role(c.manager, c.la, Role.DSL, c.manager)
    assert not can_grant_role(c.manager, c.la, Role.CAP_OFFICER, c.manager)
    assert not can_grant_role(c.safeguarding, c.la, Role.DSL, c.safeguarding)
    assert not can_grant_role(c.school_admin, c.school_a, Role.HEADTEACHER, c.school_admin)


def test_only_the_safeguarding_lead_gives_the_safeguarding_lead_role(admins):
    c = admins
    assert can_grant_role(c.safeguarding, c.la, Role.DSL, c.officer)
    for actor in (c.manager, c.officer, c.monitoring, c.school_admin, c.finance, c.alice):
        assert not can_grant_role(actor, c.la, Role.DSL, c.officer), actor


def test_the_manager_gives_the_authoritys_other_roles(admins):
    c = admins
    for role in (Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER, Role.FINANCE_OFFICER):
        assert can_grant_role(c.manager, c.la, role, c.outsider)
        assert not can_grant_role(c.safeguarding, c.la, role, c.outsider)
        assert not can_grant_role(c.officer, c.la, role, c.outsider)
        assert not can_grant_role(c.school_admin, c.la, role, c.outsider)


def test_an_organisations_administrator_gives_its_roles_and_no_others(admins):
    c = admins
    assert can_grant_role(c.school_admin, c.school_a, Role.REFERRER, c.outsider)
    assert can_grant_role(c.school_admin, c.school_a, Role.ADMINISTRATOR, c.outsider)
    assert not can_grant_role(c.school_admin, c.school_b, Role.REFERRER, c.outsider)
    assert not can_grant_role(c.school_admin, c.agency, Role.AGENCY_PROFESSIONAL, c.outsider)
    assert can_grant_role(c.agency_admin, c.agency, Role.AGENCY_PROFESSIONAL, c.outsider)
    # The CAP manager gives any organisation's roles too.
    assert can_grant_role(c.manager, c.school_b, Role.HEADTEACHER, c.outsider)
    assert can_grant_role(c.manager, c.provider, Role.ADMINISTRATOR, c.outsider)


def test_nobody_else_gives_roles(admins):
    c = admins
    for actor in (c.alice, c.headteacher, c.school_dsl, c.officer, c.provider_staff, c.chair):
        assert not can_manage_people(actor), actor
        assert not grant_organisations(actor).exists(), actor
        assert not can_grant_role(actor, c.school_a, Role.REFERRER, c.outsider), actor


def test_a_role_the_organisation_cannot_give_or_an_inactive_organisation_is_refused(admins):
    c = admins
    assert not can_grant_role(c.manager, c.provider, Role.CAP_MANAGER, c.outsider)
    c.school_b.is_active = False
    c.school_b.save()
    assert not can_grant_role(c.manager, c.school_b, Role.REFERRER, c.outsider)


def test_ending_a_role_takes_the_right_to_give_it_and_never_ones_own(admins):
    c = admins
    alices = Membership.objects.get(user=c.alice)
    assert can_end_membership(c.school_admin, alices)
    assert not can_end_membership(c.agency_admin, alices)
    own = Membership.objects.get(user=c.school_admin)
    assert not can_end_membership(c.school_admin, own)
    lead = Membership.objects.get(user=c.safeguarding)
    assert not can_end_membership(c.manager, lead)


def test_administrators_see_their_organisations_people_only(admins):
    c = admins
    assert can_view_person(c.school_admin, c.alice)
    assert not can_view_person(c.school_admin, c.bob)
    assert not can_view_person(c.school_admin, c.outsider)
    assert can_view_person(c.manager, c.outsider)
    assert can_view_person(c.safeguarding, c.officer)
    assert not can_view_person(c.safeguarding, c.alice)


def test_the_services_refuse_the_managers_own_safeguarding_lead_role(cast):
    with pytest.raises(PermissionDenied):
        services.membership_create(
            user=cast.manager, organisation=cast.la, role=Role.DSL, by=cast.manager
        )
    assert not Membership.objects.filter(user=cast.manager, role=Role.DSL).exists()


def test_the_services_refuse_what_the_rules_refuse(admins):
    c = admins
    with pytest.raises(PermissionDenied):
        services.membership_create(
            user=c.outsider, organisation=c.school_b, role=Role.REFERRER, by=c.school_admin
        )
    with pytest.raises(PermissionDenied):
        services.membership_end(membership=Membership.objects.get(user=c.bob), by=c.school_admin)
    own = Membership.objects.get(user=c.school_admin)
    with pytest.raises(PermissionDenied):
        services.membership_end(membership=own, by=c.school_admin)
    assert Membership.objects.filter(user=c.bob).exists()


def test_a_role_given_is_emailed_to_the_person_and_the_organisations_administrators(
    admins, mailoutbox, django_capture_on_commit_callbacks
):
    c = admins
    second_admin = member(c.school_a, Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_create(
            user=c.outsider, organisation=c.school_a, role=Role.HEADTEACHER, by=c.school_admin
        )
    assert [m.to for m in mailoutbox] == [[c.outsider.email], [second_admin.email]]
    assert "Headteacher at School A" in mailoutbox[0].subject
    assert "Sam Admin has given you the role headteacher at School A" in mailoutbox[0].body


def test_a_role_given_at_the_authority_is_emailed_to_the_cap_managers(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_create(
            user=cast.officer, organisation=cast.la, role=Role.DSL, by=cast.safeguarding
        )
    assert [m.to for m in mailoutbox] == [[cast.officer.email], [cast.manager.email]]
