"""Who sees and keeps a student's record. CAP staff and the CAP safeguarding lead see every
student; school staff see only their own school's students; nobody else sees any. The
student's own school keeps the record."""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Organisation, User
from accounts.rules import is_cap_manager, school_ids, sees_every_student


@rules.predicate
def can_view_student(user: User, student) -> bool:
    if sees_every_student(user):
        return True
    return student.home_school_id in school_ids(user)


def check_can_view_student(user: User, student) -> None:
    if not can_view_student(user, student):
        raise PermissionDenied("This student's record is not yours to see.")


def students_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_student, as a queryset filter for lists."""
    if sees_every_student(user):
        return queryset
    return queryset.filter(home_school_id__in=school_ids(user))


@rules.predicate
def can_edit_student(user: User, student) -> bool:
    return student.home_school_id in school_ids(user)


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
