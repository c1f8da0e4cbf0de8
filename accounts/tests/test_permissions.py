import pytest

from accounts.models import OrganisationKind, Role
from accounts.rules import Area, areas_of, can_use_admin, role_allowed
from programmes.rules import can_edit_model, can_view_model
from students.models import Student
from students.rules import can_view_student, students_visible_to
from students.tests.factories import StudentFactory

AREAS = {
    "alice": [Area.SCHOOLS],
    "headteacher": [Area.SCHOOLS],
    "school_dsl": [Area.SCHOOLS],
    "officer": [Area.CASEWORK],
    "monitoring": [Area.CASEWORK],
    "manager": [Area.CASEWORK],
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
    ],
)
def test_an_organisation_gives_only_the_roles_its_kind_allows(kind, role, allowed):
    assert role_allowed(kind=kind, role=role) is allowed


def test_every_member_may_read_the_model_but_an_outsider_may_not(cast):
    for who in AREAS:
        assert can_view_model(getattr(cast, who)) is (who != "outsider")


@pytest.mark.parametrize("who", [w for w in AREAS if w != "manager"])
def test_only_the_manager_edits_the_model_and_uses_the_admin(cast, who):
    assert can_edit_model(cast.manager) and can_use_admin(cast.manager)
    assert not can_edit_model(getattr(cast, who))
    assert not can_use_admin(getattr(cast, who))


def test_a_school_sees_only_its_own_students(cast):
    ours = StudentFactory(home_school=cast.school_a)
    theirs = StudentFactory(home_school=cast.school_b)
    assert can_view_student(cast.alice, ours)
    assert not can_view_student(cast.alice, theirs)
    assert not can_view_student(cast.bob, ours)
    assert list(students_visible_to(cast.alice, Student.objects.all())) == [ours]
    assert list(students_visible_to(cast.bob, Student.objects.all())) == [theirs]


@pytest.mark.parametrize("who", ["officer", "monitoring", "manager", "safeguarding"])
def test_cap_staff_see_every_student(cast, who):
    StudentFactory(home_school=cast.school_a)
    StudentFactory(home_school=cast.school_b)
    user = getattr(cast, who)
    assert students_visible_to(user, Student.objects.all()).count() == 2


@pytest.mark.parametrize("who", ["provider_staff", "chair", "agency_worker", "outsider"])
def test_people_outside_schools_and_cap_see_no_students(cast, who):
    student = StudentFactory(home_school=cast.school_a)
    user = getattr(cast, who)
    assert not can_view_student(user, student)
    assert not students_visible_to(user, Student.objects.all()).exists()
