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
from accounts.rules import (
    Area,
    is_cap_manager,
    is_cap_officer,
    organisations_in_area,
    school_ids,
    sees_every_student,
)
from students.models import ON_ROLL, AgencyLink, SchoolRegistration


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


# --- Agency professionals -------------------------------------------------------------------
# A school that holds the student on roll, or a CAP officer, links an agency professional to
# the student, with a parent's or carer's consent; the same people end the link. Nobody
# links themselves. While the link is open the professional reads the student's plans,
# reviews and placement summary (on the agency's own pages, never the school's record),
# adds notes and actions to reviews and may raise a safeguarding concern; they never read a
# concern unless they are a designated safeguarding lead by another role.


@rules.predicate
def can_link_agency(user: User, student) -> bool:
    return is_cap_officer(user) or holds_on_roll(user, student)


def check_can_link_agency(user: User, student) -> None:
    if not can_link_agency(user, student):
        raise PermissionDenied("Only the student's school or a CAP officer links an agency.")


@rules.predicate
def can_end_agency_link(user: User, link) -> bool:
    return link.ended_at is None and can_link_agency(user, link.student)


def check_can_end_agency_link(user: User, link) -> None:
    if not can_end_agency_link(user, link):
        raise PermissionDenied("Only the student's school or a CAP officer removes this link.")


def agency_ids(user: User) -> set[int]:
    """The agencies for which the user is an agency professional."""
    return {o.pk for o in organisations_in_area(user, Area.AGENCIES)}


def may_be_linked(user: User) -> bool:
    """Whether the user can be linked to a student: an agency professional."""
    return bool(agency_ids(user))


def open_links_of(user: User) -> QuerySet[AgencyLink]:
    """The user's open links, for agencies they still work for."""
    ids = agency_ids(user)
    if not ids:
        return AgencyLink.objects.none()
    return AgencyLink.objects.filter(professional=user, agency_id__in=ids, ended_at__isnull=True)


def open_link(user: User, student) -> AgencyLink | None:
    """The user's open link to the student, or None. Read once per student and user in a
    request."""
    cache = student.__dict__.setdefault("_cap_agency_link", {})
    if user.pk not in cache:
        cache[user.pk] = (
            open_links_of(user).filter(student=student).select_related("agency").first()
        )
    return cache[user.pk]


@rules.predicate
def is_linked_to(user: User, student) -> bool:
    """Whether the user is an agency professional with an open link to the student."""
    return open_link(user, student) is not None


rules.add_perm("students.view_student", is_cap_manager)
