import pytest

from students.models import Student
from students.rules import can_view_student, students_visible_to
from students.tests.factories import StudentFactory


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
