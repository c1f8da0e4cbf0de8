import datetime as dt

import pytest
from django.utils import timezone

from students.models import SchoolRegistration, Student
from students.rules import can_edit_student, can_view_student, students_visible_to
from students.services import student_school_move
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


# Registrations with dates ---------------------------------------------------------------


def _fresh(student: Student) -> Student:
    """The student read again, so no answer of the rules is remembered on it."""
    return Student.objects.get(pk=student.pk)


@pytest.mark.parametrize(
    ("status", "days_from_today", "days_to_end", "sees"),
    [
        ("C", -10, None, True),
        ("M", -10, None, True),
        ("S", -10, None, False),  # the subsidiary school hosts a placement, not the record
        ("C", 1, None, False),  # from tomorrow
        ("C", -10, -1, False),  # ended yesterday
        ("C", -10, 0, True),  # its last day is today
    ],
)
def test_a_school_sees_a_student_while_it_holds_the_main_or_single_registration(
    cast, status, days_from_today, days_to_end, sees
):
    today = timezone.localdate()
    student = StudentFactory(home_school=cast.school_b)
    student.registrations.all().delete()  # only the registration below
    SchoolRegistration.objects.create(
        student=student,
        school=cast.school_a,
        status=status,
        starts_on=today + dt.timedelta(days=days_from_today),
        ends_on=None if days_to_end is None else today + dt.timedelta(days=days_to_end),
    )
    assert can_view_student(cast.alice, _fresh(student)) is sees
    assert can_edit_student(cast.alice, _fresh(student)) is sees
    assert students_visible_to(cast.alice, Student.objects.all()).exists() is sees


def test_after_a_move_the_new_school_sees_the_student_and_the_former_school_does_not(cast):
    student = StudentFactory(home_school=cast.school_a)
    student_school_move(student=student, to=cast.school_b, on=timezone.localdate(), by=None)
    assert can_view_student(cast.bob, _fresh(student))
    assert not can_view_student(cast.alice, _fresh(student))
    assert not can_edit_student(cast.alice, _fresh(student))
    assert list(students_visible_to(cast.bob, Student.objects.all())) == [student]
    assert not students_visible_to(cast.alice, Student.objects.all()).exists()
