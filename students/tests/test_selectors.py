import pytest
from django.http import Http404

from students import selectors
from students.tests.factories import CarerFactory, StudentFactory


def test_a_school_sees_only_its_own_students(cast):
    mine = StudentFactory(home_school=cast.school_a)
    StudentFactory(home_school=cast.school_b)
    assert list(selectors.students_for(cast.alice)) == [mine]


def test_cap_staff_see_every_student_and_others_none(cast):
    StudentFactory(home_school=cast.school_a)
    StudentFactory(home_school=cast.school_b)
    assert selectors.students_for(cast.officer).count() == 2
    for who in ("provider_staff", "chair", "agency_worker", "outsider"):
        assert not selectors.students_for(getattr(cast, who)).exists()


def test_students_are_listed_by_last_name(cast):
    for last in ("Young", "Adams", "Mills"):
        StudentFactory(home_school=cast.school_a, legal_last_name=last)
    names = [s.legal_last_name for s in selectors.students_for(cast.alice)]
    assert names == ["Adams", "Mills", "Young"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sam", True),
        ("SMITH", True),
        ("Sam Smith", True),
        ("Sammy", True),  # the preferred name
        ("Sam Jones", False),
        ("H801200001001", True),
        ("h8012 0000 1001", True),
        ("80120000", True),
        ("G80120000101A", False),
    ],
)
def test_a_search_matches_names_or_the_upn(cast, query, found):
    StudentFactory(
        home_school=cast.school_a,
        upn="H801200001001",
        legal_first_name="Samuel",
        legal_last_name="Smith",
        preferred_name="Sammy",
    )
    assert selectors.students_for(cast.alice, query=query).exists() is found


def test_a_search_never_finds_another_schools_student(cast):
    StudentFactory(home_school=cast.school_b, legal_last_name="Smith", upn="H801200001001")
    assert not selectors.students_for(cast.alice, query="Smith").exists()
    assert not selectors.students_for(cast.alice, query="H801200001001").exists()


def test_the_getter_answers_404_for_a_student_the_user_may_not_see(cast):
    student = StudentFactory(home_school=cast.school_a)
    assert selectors.get_student_for_user(cast.alice, student.uuid) == student
    assert selectors.get_student_for_user(cast.officer, student.uuid) == student
    for who in ("bob", "provider_staff", "chair", "agency_worker", "outsider"):
        with pytest.raises(Http404):
            selectors.get_student_for_user(getattr(cast, who), student.uuid)


def test_the_carer_getter_answers_404_for_another_schools_or_another_students_carer(cast):
    carer = CarerFactory(student__home_school=cast.school_a)
    other = StudentFactory(home_school=cast.school_a)
    assert selectors.get_carer_for_user(cast.alice, carer.student.uuid, carer.uuid) == carer
    with pytest.raises(Http404):
        selectors.get_carer_for_user(cast.bob, carer.student.uuid, carer.uuid)
    with pytest.raises(Http404):
        selectors.get_carer_for_user(cast.alice, other.uuid, carer.uuid)
