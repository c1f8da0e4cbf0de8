"""Who sees and keeps a student's record. CAP staff and the CAP safeguarding lead see every
student; a school sees a student while it holds the student's main or single registration
(SchoolRegistration, from its first day to its last), and only then keeps the record and
acts for the student. A school that held it before (the former school after a managed move)
keeps what it did then, by the rules of applications, placements and panels, and nothing
else; a school holding a subsidiary registration sees the placement it hosts, not the
record. Nobody else sees any student."""

import datetime as dt

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.rules import is_cap_manager, school_ids, sees_every_student
from students.models import ON_ROLL, SchoolRegistration


def on_roll_on(day: dt.date) -> Q:
    """The main or single registrations that cover `day`."""
    return Q(status__in=ON_ROLL, starts_on__lte=day) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def holds_on_roll(user: User, student) -> bool:
    """Whether one of the user's schools holds the student's main or single registration
    today. Read once per student and user in a request."""
    ids = school_ids(user)
    if not ids:
        return False
    cache = student.__dict__.setdefault("_cap_on_roll", {})
    if user.pk not in cache:
        cache[user.pk] = SchoolRegistration.objects.filter(
            on_roll_on(timezone.localdate()), student=student, school_id__in=ids
        ).exists()
    return cache[user.pk]


def on_roll_at(user: User, student_field: str = "pk") -> Exists:
    """For a queryset: whether one of the user's schools holds the student (`student_field`
    of the row) on roll today."""
    return Exists(
        SchoolRegistration.objects.filter(
            on_roll_on(timezone.localdate()),
            student=OuterRef(student_field),
            school_id__in=school_ids(user),
        )
    )


@rules.predicate
def can_view_student(user: User, student) -> bool:
    if sees_every_student(user):
        return True
    return holds_on_roll(user, student)


def check_can_view_student(user: User, student) -> None:
    if not can_view_student(user, student):
        raise PermissionDenied("This student's record is not yours to see.")


def students_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_student, as a queryset filter for lists."""
    if sees_every_student(user):
        return queryset
    if not school_ids(user):
        return queryset.none()
    return queryset.filter(on_roll_at(user))


@rules.predicate
def can_edit_student(user: User, student) -> bool:
    return holds_on_roll(user, student)


def check_can_edit_student(user: User, student) -> None:
    if not can_edit_student(user, student):
        raise PermissionDenied("Only the student's own school keeps their record.")


@rules.predicate
def can_create_student(user: User, school: Organisation) -> bool:
    return school.pk in school_ids(user)


def check_can_create_student(user: User, school: Organisation) -> None:
    if not can_create_student(user, school):
        raise PermissionDenied("You can add students only to your own school.")


rules.add_perm("students.view_student", is_cap_manager)
