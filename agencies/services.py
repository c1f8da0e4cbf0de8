"""Linking an agency professional to a student, with what only this layer can see: the
student's placements. The link itself is the students app's (students.services)."""

import datetime as dt

from django.db import transaction

from accounts.models import User
from lib.errors import Refused
from placements.models import Placement
from students import services as student_services
from students.models import AgencyLink, Student

NO_SUCH_PROFESSIONAL = "There is no agency professional on CAP with this address"


@transaction.atomic
def agency_link_make(
    *,
    student: Student,
    professional_email: str,
    consent_given_by: str,
    consent_given_on: dt.date,
    consent_method: str,
    by: User,
) -> AgencyLink:
    """Link the professional with this e-mail address to the student. A professional works
    with the student through a placement, and the link ends with the last one
    (placements.services.placement_exit), so a student with no open placement is refused:
    such a link would never end by itself. Whether an address has an account or is not an
    agency professional's reads alike, so the form tells nobody who has an account."""
    if not Placement.objects.filter(student=student, ended_on__isnull=True).exists():
        raise Refused(
            f"{student} has no placement that has not ended: a professional is linked to a "
            "student for the time of a placement"
        )
    professional = User.objects.filter(email__iexact=professional_email.strip()).first()
    if professional is None:
        raise Refused(NO_SUCH_PROFESSIONAL, field="professional_email")
    return student_services.agency_link_create(
        student=student,
        professional=professional,
        consent_given_by=consent_given_by,
        consent_given_on=consent_given_on,
        consent_method=consent_method,
        by=by,
    )
