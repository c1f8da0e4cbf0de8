"""Reads of the student record, always scoped to what the user may see."""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from lib import upn
from students.models import Carer, SchoolRegistration, Student
from students.rules import can_view_student, students_visible_to


def get_student_for_user(user: User, student_uuid: UUID | str) -> Student:
    """The student, or 404 whether it does not exist or is not the user's to see: the
    answer must not tell another school that a student is on CAP's records."""
    student = Student.objects.select_related("home_school").filter(uuid=student_uuid).first()
    if student is None or not can_view_student(user, student):
        raise Http404("No student found")
    return student


def get_carer_for_user(user: User, student_uuid: UUID | str, carer_uuid: UUID | str) -> Carer:
    """One of the student's carers, or 404 on the same terms as the student."""
    carer = (
        Carer.objects.select_related("student__home_school")
        .filter(uuid=carer_uuid, student__uuid=student_uuid)
        .first()
    )
    if carer is None or not can_view_student(user, carer.student):
        raise Http404("No carer found")
    return carer


def students_for(user: User, *, query: str = "") -> QuerySet[Student]:
    """The students the user may see, by last name. The query matches every word against
    the names, or the whole query against the UPN."""
    students = students_visible_to(user, Student.objects.select_related("home_school"))
    query = query.strip()
    if query:
        by_name = Q()
        for word in query.split():
            by_name &= (
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        students = students.filter(by_name | Q(upn__contains=upn.normalise(query)))
    return students.order_by("legal_last_name", "legal_first_name", "pk")


def carers_of(student: Student) -> list[Carer]:
    return list(student.carers.order_by("created_at", "pk"))


def registrations_of(student: Student) -> list[SchoolRegistration]:
    """Where the student has been on roll and with what enrolment status, latest first.
    A student has a handful: one per school and change of status."""
    return list(
        SchoolRegistration.objects.filter(student=student)
        .select_related("school")
        .order_by("-starts_on", "-pk")
    )
