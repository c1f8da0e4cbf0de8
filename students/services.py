"""Every write to the student record. Each is atomic and appends an audit event naming
objects by identifier only: never a name, which an unchangeable event must not hold."""

from django.db import IntegrityError, transaction

from accounts.models import Organisation, User
from audit.services import event_record
from students.models import Carer, Student
from students.rules import check_can_create_student, check_can_edit_student

STUDENT_FIELDS = frozenset(
    {
        "upn",
        "legal_first_name",
        "legal_last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "sen_provision",
        "free_school_meals",
        "looked_after",
        "care_plan",
        "youth_justice",
        "early_help_offer_made",
        "early_help_consent_gained",
        "early_help_recorded_on_ehm",
        "early_help_assessment_and_plan",
    }
)
CARER_FIELDS = frozenset(
    {
        "name",
        "relationship",
        "phone",
        "email",
        "has_parental_responsibility",
        "lives_with_student",
        "consent_to_contact",
    }
)


class DuplicateUPN(Exception):
    """The UPN is already on CAP's records. The message never says whose record it is: it
    may belong to another school's student."""

    def __init__(self):
        super().__init__(
            "A student with this UPN is already on CAP's records. If they have moved to your "
            "school, contact the CAP team."
        )


class LikelyDuplicate(Exception):
    """A student at the same school has the same legal names and date of birth."""

    def __init__(self, existing: Student):
        super().__init__("A student with the same name and date of birth is already recorded.")
        self.existing = existing


def _only(fields: dict, allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not fields that can be set here: {', '.join(sorted(unknown))}")


def _upn_taken(upn: str, *, other_than: Student | None = None) -> bool:
    students = Student.objects.filter(upn=upn)
    if other_than is not None:
        students = students.exclude(pk=other_than.pk)
    return students.exists()


def _save(obj, **kwargs) -> None:
    """Save in a savepoint, so that a UPN taken by a concurrent request is reported as a
    duplicate rather than as a broken transaction."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        if isinstance(obj, Student) and _upn_taken(obj.upn, other_than=obj):
            raise DuplicateUPN() from None
        raise


@transaction.atomic
def student_create(
    *, school: Organisation, by: User, confirm_not_duplicate: bool = False, **fields
) -> Student:
    """Add a student to the school's records.

    Raises DuplicateUPN if the UPN is held anywhere, and LikelyDuplicate if the school
    already has a student with the same legal names and date of birth, unless the user has
    confirmed that this is a different student."""
    _only(fields, STUDENT_FIELDS)
    check_can_create_student(by, school)
    student = Student(home_school=school, **fields)
    if _upn_taken(student.upn):
        raise DuplicateUPN()
    existing = (
        Student.objects.filter(
            home_school=school,
            legal_first_name__iexact=student.legal_first_name,
            legal_last_name__iexact=student.legal_last_name,
            date_of_birth=student.date_of_birth,
        )
        .order_by("pk")
        .first()
    )
    if existing is not None and not confirm_not_duplicate:
        raise LikelyDuplicate(existing)
    student.full_clean(validate_unique=False)
    _save(student)
    event_record(
        actor=by,
        action="student.created",
        obj=student,
        detail={
            "school": str(school.uuid),
            "temporary_upn": student.upn_is_temporary,
            "confirmed_not_duplicate_of": str(existing.uuid) if existing else None,
        },
    )
    return student


@transaction.atomic
def student_update(*, student: Student, by: User, **fields) -> Student:
    """Change a student's details. The event names the fields changed, not their values."""
    _only(fields, STUDENT_FIELDS)
    check_can_edit_student(by, student)
    changed = sorted(name for name, value in fields.items() if getattr(student, name) != value)
    if not changed:
        return student
    if "upn" in changed and _upn_taken(fields["upn"], other_than=student):
        raise DuplicateUPN()
    for name in changed:
        setattr(student, name, fields[name])
    student.full_clean(validate_unique=False)
    _save(student, update_fields=changed)
    event_record(
        actor=by,
        action="student.changed",
        obj=student,
        detail={"fields": changed, "temporary_upn": student.upn_is_temporary},
    )
    return student


@transaction.atomic
def carer_add(*, student: Student, by: User, **fields) -> Carer:
    _only(fields, CARER_FIELDS)
    check_can_edit_student(by, student)
    carer = Carer(student=student, **fields)
    carer.full_clean()
    carer.save()
    event_record(
        actor=by, action="student.carer_added", obj=student, detail={"carer": str(carer.uuid)}
    )
    return carer


@transaction.atomic
def carer_update(*, carer: Carer, by: User, **fields) -> Carer:
    _only(fields, CARER_FIELDS)
    check_can_edit_student(by, carer.student)
    changed = sorted(name for name, value in fields.items() if getattr(carer, name) != value)
    if not changed:
        return carer
    for name in changed:
        setattr(carer, name, fields[name])
    carer.full_clean()
    carer.save(update_fields=changed)
    event_record(
        actor=by,
        action="student.carer_changed",
        obj=carer.student,
        detail={"carer": str(carer.uuid), "fields": changed},
    )
    return carer


@transaction.atomic
def carer_remove(*, carer: Carer, by: User) -> None:
    check_can_edit_student(by, carer.student)
    event_record(
        actor=by,
        action="student.carer_removed",
        obj=carer.student,
        detail={"carer": str(carer.uuid)},
    )
    carer.delete()
