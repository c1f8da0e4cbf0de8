"""Every write to the student record. Each is atomic and appends an audit event naming
objects by identifier only: never a name, which an unchangeable event must not hold."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.rules import Area, organisations_in_area
from audit.services import event_record
from lib.dates import long_date
from lib.errors import Refused
from students.models import (
    ON_ROLL,
    AgencyLink,
    AgencyLinkEnd,
    Carer,
    ConsentMethod,
    EnrolmentStatus,
    SchoolRegistration,
    Student,
)
from students.rules import (
    check_can_create_student,
    check_can_edit_student,
    check_can_end_agency_link,
    check_can_link_agency,
)

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
    _registration_open(
        student=student,
        school=school,
        status=EnrolmentStatus.SINGLE,
        starts_on=timezone.localdate(),
    )
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


# --- Registrations (where the student is on roll, with dates) -----------------------------
# Written for the services above students that change where a student is registered, after
# they have checked their own rules: placements (a dual registration from a placement's
# start to its end) and managed moves. Each change appends an event on the student.

ONE_DAY = dt.timedelta(days=1)


def _registration_open(
    *, student: Student, school: Organisation, status: str, starts_on: dt.date
) -> SchoolRegistration:
    return SchoolRegistration.objects.create(
        student=student, school=school, status=status, starts_on=starts_on
    )


def registration_first(*, student: Student, starts_on: dt.date) -> SchoolRegistration | None:
    """For a student written without student_create (the demo, an import): on their home
    school's roll, single-registered, from `starts_on`, unless already registered."""
    if SchoolRegistration.objects.filter(student=student).exists():
        return None
    return _registration_open(
        student=student,
        school=student.home_school,
        status=EnrolmentStatus.SINGLE,
        starts_on=starts_on,
    )


def _event(by: User | None, action: str, registration: SchoolRegistration, **detail) -> None:
    event_record(
        actor=by,
        action=action,
        obj=registration.student,
        detail={
            "registration": str(registration.uuid),
            "school": str(registration.school.uuid),
            "status": registration.status,
            **detail,
        },
    )


def _open_on_roll(student: Student) -> SchoolRegistration | None:
    return (
        SchoolRegistration.objects.select_for_update()
        .select_related("school")
        .filter(student=student, status__in=ON_ROLL, ends_on__isnull=True)
        .first()
    )


def _open_subsidiaries(student: Student):
    return SchoolRegistration.objects.filter(
        student=student, status=EnrolmentStatus.SUBSIDIARY, ends_on__isnull=True
    )


def _on_roll_becomes(*, student: Student, status: str, on: dt.date, by: User | None) -> None:
    """From `on`, the school holding the student on roll holds them with `status` (main
    while another school holds a subsidiary registration, single otherwise): the open
    registration ends the day before and the next one starts, or changes in place if it
    starts that day or later."""
    current = _open_on_roll(student)
    if current is None or current.status == status:
        return
    if current.starts_on >= on:
        current.status = status
        current.save(update_fields=["status"])
        _event(by, "student.registration_changed", current)
        return
    current.ends_on = on - ONE_DAY
    current.save(update_fields=["ends_on"])
    _event(by, "student.registration_ended", current, ends_on=str(current.ends_on))
    following = _registration_open(
        student=student, school=current.school, status=status, starts_on=on
    )
    _event(by, "student.registration_opened", following, starts_on=str(on))


@transaction.atomic
def registration_subsidiary_open(
    *, student: Student, school: Organisation, starts_on: dt.date, by: User | None
) -> SchoolRegistration:
    """A dual registration from `starts_on`: subsidiary at `school`, main at the school
    holding the student on roll. Opened once however many placements share it."""
    existing = _open_subsidiaries(student).filter(school=school).first()
    if existing is not None:
        return existing
    subsidiary = _registration_open(
        student=student, school=school, status=EnrolmentStatus.SUBSIDIARY, starts_on=starts_on
    )
    _event(by, "student.registration_opened", subsidiary, starts_on=str(starts_on))
    _on_roll_becomes(student=student, status=EnrolmentStatus.MAIN, on=starts_on, by=by)
    return subsidiary


@transaction.atomic
def registration_subsidiary_restart(
    *, student: Student, school: Organisation, was: dt.date, starts_on: dt.date, by: User | None
) -> None:
    """A dual registration not yet begun moves with its placement's new start: the
    subsidiary at `school`, and the on-roll school's main registration that began with it,
    begin on `starts_on` instead of `was`; the registration before them ends the day before."""
    subsidiary = _open_subsidiaries(student).filter(school=school, starts_on=was).first()
    if subsidiary is None or was == starts_on:
        return
    subsidiary.starts_on = starts_on
    subsidiary.save(update_fields=["starts_on"])
    _event(by, "student.registration_changed", subsidiary, starts_on=str(starts_on))
    main = _open_on_roll(student)
    if main is None or main.status != EnrolmentStatus.MAIN or main.starts_on != was:
        return
    before = (
        SchoolRegistration.objects.select_for_update()
        .filter(student=student, school=main.school, ends_on=was - ONE_DAY)
        .first()
    )
    if before is not None and before.starts_on > starts_on - ONE_DAY:
        return  # the student joined the roll after the new start: leave the history alone
    main.starts_on = starts_on
    main.save(update_fields=["starts_on"])
    _event(by, "student.registration_changed", main, starts_on=str(starts_on))
    if before is not None:
        before.ends_on = starts_on - ONE_DAY
        before.save(update_fields=["ends_on"])
        _event(by, "student.registration_changed", before, ends_on=str(before.ends_on))


@transaction.atomic
def registration_subsidiary_end(
    *, student: Student, school: Organisation, ends_on: dt.date, by: User | None
) -> SchoolRegistration | None:
    """End the dual registration at `school` on `ends_on` (its last day); with no other
    subsidiary registration open, the student is single-registered from the next day."""
    subsidiary = _open_subsidiaries(student).filter(school=school).select_related("school").first()
    if subsidiary is None:
        return None
    subsidiary.ends_on = max(ends_on, subsidiary.starts_on)
    subsidiary.save(update_fields=["ends_on"])
    _event(by, "student.registration_ended", subsidiary, ends_on=str(subsidiary.ends_on))
    if not _open_subsidiaries(student).exists():
        _on_roll_becomes(
            student=student, status=EnrolmentStatus.SINGLE, on=subsidiary.ends_on + ONE_DAY, by=by
        )
    return subsidiary


def _open_on_roll_and_subsidiary_at(student: Student, school: Organisation):
    """The registrations a move to `school` ends: the one holding the student on roll, and
    the dual registration with `school`."""
    return list(
        SchoolRegistration.objects.select_for_update()
        .select_related("school")
        .filter(student=student, ends_on__isnull=True)
        .filter(Q(status__in=ON_ROLL) | Q(status=EnrolmentStatus.SUBSIDIARY, school=school))
        .order_by("pk")
    )


def move_refusal(*, student: Student, to: Organisation, on: dt.date) -> str | None:
    """Why the student cannot move to `to` on `on`, or None."""
    current = (
        SchoolRegistration.objects.filter(student=student, status__in=ON_ROLL, ends_on__isnull=True)
        .order_by("-starts_on")
        .first()
    )
    if current is not None and current.school_id == to.pk:
        return "The student is already on this school's roll"
    if current is None:
        return None
    # From when the school has held the student on roll, whatever changes of status since.
    joined = (
        SchoolRegistration.objects.filter(
            student=student, school_id=current.school_id, status__in=ON_ROLL
        )
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    if on <= joined:
        day = long_date(joined, weekday=False)
        return f"The move must be after the student joined their school's roll, on {day}"
    return None


@transaction.atomic
def student_school_move(
    *, student: Student, to: Organisation, on: dt.date, by: User | None
) -> SchoolRegistration:
    """The student leaves their home school's roll at the end of the day before `on` and
    joins `to`'s from `on`: the dual registration with `to` ends, `to` holds the student's
    main registration (single unless another school still holds a subsidiary one), and
    `to` becomes the home school. The caller (a managed move) has checked its own rules."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    former = student.home_school_id
    if former == to.pk:
        raise Refused("The student is already on this school's roll")
    for registration in _open_on_roll_and_subsidiary_at(student, to):
        if registration.starts_on < on:
            registration.ends_on = on - ONE_DAY
            registration.save(update_fields=["ends_on"])
            _event(
                by, "student.registration_ended", registration, ends_on=str(registration.ends_on)
            )
        elif registration.status != EnrolmentStatus.SUBSIDIARY:
            # Opened on the move's day or later by a change of status (the supported
            # transfer ending the day before the move): superseded before it took effect.
            _event(by, "student.registration_superseded", registration)
            registration.delete()
        else:
            raise Refused("The dual registration with this school starts after the move")
    status = (
        EnrolmentStatus.MAIN if _open_subsidiaries(student).exists() else EnrolmentStatus.SINGLE
    )
    joined = _registration_open(student=student, school=to, status=status, starts_on=on)
    _event(by, "student.registration_opened", joined, starts_on=str(on))
    student.home_school = to
    student.save(update_fields=["home_school"])
    event_record(
        actor=by,
        action="student.home_school_changed",
        obj=student,
        detail={
            "from": str(Organisation.objects.get(pk=former).uuid),
            "to": str(to.uuid),
            "on": str(on),
        },
    )
    return joined


# --- Agency professionals linked to a student ---------------------------------------------


@transaction.atomic
def agency_link_create(
    *,
    student: Student,
    professional: User,
    consent_given_by: str,
    consent_given_on: dt.date,
    consent_method: str,
    by: User,
) -> AgencyLink:
    """Link an agency professional to the student, with the consent a parent or carer gave
    (who, when, how). The school holding the student on roll or a CAP officer makes it."""
    check_can_link_agency(by, student)
    if professional.pk == by.pk:
        raise Refused("Nobody links themselves to a student. Ask the school or the CAP team.")
    agencies = sorted(
        organisations_in_area(professional, Area.AGENCIES), key=lambda o: (o.name, o.pk)
    )
    if not professional.is_active or not agencies:
        raise Refused(
            "There is no agency professional on CAP with this address", field="professional_email"
        )
    consent_given_by = " ".join(consent_given_by.split())
    if not consent_given_by:
        raise Refused("Enter who gave consent", field="consent_given_by")
    if consent_given_on > timezone.localdate():
        raise Refused(
            "The date consent was given must be today or in the past", field="consent_given_on"
        )
    if consent_method not in ConsentMethod.values:
        raise Refused("Choose how consent was given", field="consent_method")
    if AgencyLink.objects.filter(
        student=student, professional=professional, ended_at__isnull=True
    ).exists():
        raise Refused(
            "This professional is already linked to the student", field="professional_email"
        )
    try:
        with transaction.atomic():  # two people linking the same professional at once
            link = AgencyLink.objects.create(
                student=student,
                professional=professional,
                agency=agencies[0],
                consent_given_by=consent_given_by,
                consent_given_on=consent_given_on,
                consent_method=consent_method,
                created_by=by,
            )
    except IntegrityError:
        raise Refused(
            "This professional is already linked to the student", field="professional_email"
        ) from None
    event_record(
        actor=by,
        action="agency_link.created",
        obj=link,
        detail={
            "student": str(student.uuid),
            "professional": professional.pk,
            "agency": str(link.agency.uuid),
            "consent_method": consent_method,
        },
    )
    return link


def _end(link: AgencyLink, *, reason: str, by: User | None) -> None:
    link.ended_at = timezone.now()
    link.ended_by = by
    link.end_reason = reason
    link.save(update_fields=["ended_at", "ended_by", "end_reason"])
    event_record(
        actor=by,
        action="agency_link.ended",
        obj=link,
        detail={"student": str(link.student.uuid), "reason": reason},
    )


@transaction.atomic
def agency_link_end(*, link: AgencyLink, reason: str, by: User) -> AgencyLink:
    """The school or a CAP officer removes the link, saying why."""
    link = AgencyLink.objects.select_for_update().select_related("student").get(pk=link.pk)
    check_can_end_agency_link(by, link)
    if reason not in AgencyLinkEnd.values or reason == AgencyLinkEnd.PLACEMENT_ENDED:
        raise Refused("Choose why the link ends", field="reason")
    _end(link, reason=reason, by=by)
    return link


@transaction.atomic
def agency_links_end_with_placement(*, student: Student, by: User | None) -> int:
    """End the student's open links because their last open placement ended (placements'
    exit calls this). Returns how many ended."""
    links = list(
        AgencyLink.objects.select_for_update()
        .filter(student=student, ended_at__isnull=True)
        .select_related("student")
    )
    for link in links:
        _end(link, reason=AgencyLinkEnd.PLACEMENT_ENDED, by=by)
    return len(links)


@transaction.atomic
def agency_student_read(*, link: AgencyLink, by: User) -> None:
    """The professional opened the student's page: audited, and what is new starts again
    from now."""
    if link.professional_id != by.pk or link.ended_at is not None:
        raise Refused("This link is not yours")
    AgencyLink.objects.filter(pk=link.pk).update(last_seen_at=timezone.now())
    event_record(
        actor=by,
        action="agency_link.student_read",
        obj=link,
        detail={"student": str(link.student.uuid)},
    )
