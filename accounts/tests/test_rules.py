import pytest

from accounts.models import Membership, OrganisationKind, Role
from accounts.rules import (
    Area,
    areas_of,
    can_use_admin,
    is_cap_staff,
    is_finance_officer,
    role_allowed,
)

AREAS = {
    "alice": [Area.SCHOOLS],
    "headteacher": [Area.SCHOOLS],
    "school_dsl": [Area.SCHOOLS],
    "officer": [Area.CASEWORK],
    "monitoring": [Area.CASEWORK],
    "manager": [Area.CASEWORK],
    "finance": [Area.FINANCE],
    "safeguarding": [Area.CASEWORK],
    "chair": [Area.PANELS],
    "provider_staff": [Area.PROVIDERS],
    "academy_staff": [Area.PROVIDERS],
    "agency_worker": [Area.AGENCIES],
    "outsider": [],
}


@pytest.mark.parametrize(("who", "areas"), AREAS.items())
def test_each_role_enters_only_its_own_areas(cast, who, areas):
    assert areas_of(getattr(cast, who)) == areas


def test_a_person_with_two_memberships_enters_both_areas(cast):
    from accounts.models import Membership

    Membership.objects.create(user=cast.alice, organisation=cast.la, role=Role.PANEL_MEMBER)
    alice = type(cast.alice).objects.get(pk=cast.alice.pk)
    assert areas_of(alice) == [Area.SCHOOLS, Area.PANELS]


def test_an_inactive_organisation_gives_no_access(cast):
    cast.school_a.is_active = False
    cast.school_a.save()
    assert areas_of(cast.alice) == []


def test_an_inactive_user_has_no_access(cast):
    cast.officer.is_active = False
    assert areas_of(cast.officer) == []


@pytest.mark.parametrize(
    ("kind", "role", "allowed"),
    [
        (OrganisationKind.SCHOOL, Role.REFERRER, True),
        (OrganisationKind.SCHOOL, Role.CAP_MANAGER, False),
        (OrganisationKind.TRAINING_PROVIDER, Role.PROVIDER_STAFF, True),
        (OrganisationKind.TRAINING_PROVIDER, Role.REFERRER, False),
        (OrganisationKind.AP_ACADEMY, Role.PROVIDER_STAFF, True),
        (OrganisationKind.AP_ACADEMY, Role.HEADTEACHER, True),
        (OrganisationKind.LOCAL_AUTHORITY, Role.CAP_OFFICER, True),
        (OrganisationKind.AGENCY, Role.CAP_OFFICER, False),
        (OrganisationKind.AGENCY, Role.PANEL_MEMBER, True),
        (OrganisationKind.LOCAL_AUTHORITY, Role.FINANCE_OFFICER, True),
        (OrganisationKind.SCHOOL, Role.FINANCE_OFFICER, False),
        (OrganisationKind.TRAINING_PROVIDER, Role.FINANCE_OFFICER, False),
    ],
)
def test_an_organisation_gives_only_the_roles_its_kind_allows(kind, role, allowed):
    assert role_allowed(kind=kind, role=role) is allowed


@pytest.mark.parametrize("who", [w for w in AREAS if w != "manager"])
def test_only_the_manager_uses_the_admin(cast, who):
    assert can_use_admin(cast.manager)
    assert not can_use_admin(getattr(cast, who))


def test_a_finance_officer_enters_finance_only_and_is_not_cap_staff(cast):
    assert areas_of(cast.finance) == [Area.FINANCE]
    assert is_finance_officer(cast.finance) and not is_cap_staff(cast.finance)
    assert not is_finance_officer(cast.manager)
    # The role counts only at the local authority.
    Membership.objects.create(
        user=cast.alice, organisation=cast.school_a, role=Role.FINANCE_OFFICER
    )
    alice = type(cast.alice).objects.get(pk=cast.alice.pk)
    assert not is_finance_officer(alice)
    assert Area.FINANCE not in areas_of(alice)
