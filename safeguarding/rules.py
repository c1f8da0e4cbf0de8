"""Who sees a safeguarding concern, and who may raise one.

A concern is seen by the designated safeguarding leads (DSLs) of the student's home school,
the DSL of the provider running the placement it was raised on, and the CAP safeguarding
lead (a DSL at the local authority). Nobody else: not the CAP manager, CAP officers,
panels, other schools or other providers. Anyone who works with the student may raise
one, and sees only their receipt.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from accounts.rules import (
    Area,
    dsl_organisation_ids,
    emails_of,
    is_dsl,
    is_safeguarding_lead,
    memberships_of,
    organisations_in_area,
    provider_ids,
)
from lib import nav
from placements.models import Placement
from students.models import Student
from students.rules import open_link

# The local authority's people who work with every student: CAP staff and the CAP
# safeguarding lead.
_LA_ROLES = {Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER, Role.DSL}


@rules.predicate
def can_view_concern(user: User, concern) -> bool:
    if is_safeguarding_lead(user):
        return True
    dsl_of = dsl_organisation_ids(user)
    if concern.student.home_school_id in dsl_of:
        return True
    return concern.placement_id is not None and concern.placement.provider_id in dsl_of


def check_can_view_concern(user: User, concern) -> None:
    if not can_view_concern(user, concern):
        raise PermissionDenied("This concern is not yours to see.")


def concerns_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_concern, as a queryset filter for the DSL's queue."""
    if is_safeguarding_lead(user):
        return queryset
    dsl_of = dsl_organisation_ids(user)
    if not dsl_of:
        return queryset.none()
    # As two lists of ids (the schools' students, the providers' placements), each read
    # from its own index, rather than a join of every student that an OR filters.
    return queryset.filter(
        Q(student_id__in=Student.objects.filter(home_school_id__in=dsl_of).values("pk"))
        | Q(placement_id__in=Placement.objects.filter(provider_id__in=dsl_of).values("pk"))
    )


# Whoever may see a concern acts on it: acknowledges it, records actions, updates and
# corrections, and closes it with an outcome.
can_act_on_concern = can_view_concern
check_can_act_on_concern = check_can_view_concern


def can_view_chronology(user: User, student) -> bool:
    """The student's safeguarding chronology: the home school's DSLs, the CAP safeguarding
    lead, and the DSL of a provider with a placement of the student (who sees only the
    concerns raised on their placements)."""
    if is_safeguarding_lead(user):
        return True
    dsl_of = dsl_organisation_ids(user)
    if student.home_school_id in dsl_of:
        return True
    return (
        bool(dsl_of) and Placement.objects.filter(student=student, provider_id__in=dsl_of).exists()
    )


def raising_organisations(user: User, student) -> list[Organisation]:
    """The organisations for which the user works with the student, and so may raise a
    concern: the home school's staff, the staff of a provider with a placement of the
    student, an agency professional linked to the student (for their agency), and CAP
    staff and the CAP safeguarding lead at the local authority."""
    found: dict[int, Organisation] = {}
    for organisation in organisations_in_area(user, Area.SCHOOLS):
        if organisation.pk == student.home_school_id:
            found[organisation.pk] = organisation
    placed_with = provider_ids(user)
    if placed_with:
        placed_at = set(
            Placement.objects.filter(student=student, provider_id__in=placed_with).values_list(
                "provider_id", flat=True
            )
        )
        for organisation in organisations_in_area(user, Area.PROVIDERS):
            if organisation.pk in placed_at:
                found.setdefault(organisation.pk, organisation)
    link = open_link(user, student)
    if link is not None:
        found.setdefault(link.agency_id, link.agency)
    for m in memberships_of(user):
        if m.organisation.kind == OrganisationKind.LOCAL_AUTHORITY and m.role in _LA_ROLES:
            found.setdefault(m.organisation.pk, m.organisation)
    return list(found.values())


@rules.predicate
def can_raise_concern(user: User, student) -> bool:
    return bool(raising_organisations(user, student))


def check_can_raise_concern(user: User, student) -> None:
    if not can_raise_concern(user, student):
        raise PermissionDenied("You can raise a concern only about a student you work with.")


def _raised_for_ids(user: User) -> set[int]:
    """The organisations a receipt of the user's can be for: those they still belong to,
    and that are still active (memberships_of)."""
    return {m.organisation_id for m in memberships_of(user)}


def can_view_concern_receipt(user: User, concern) -> bool:
    """The person who raised a concern sees that they raised it, and nothing more, while
    they still work for the organisation they raised it for: a receipt names the student,
    so it goes when their membership ends or the organisation is made inactive."""
    return (
        user.is_authenticated
        and concern.raised_by_id == user.pk
        and concern.raised_for_id in _raised_for_ids(user)
    )


def receipts_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_concern_receipt, as a queryset filter for the list."""
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(raised_by=user, raised_for_id__in=_raised_for_ids(user))


# --- Who hears of a concern ---------------------------------------------------------------


def concern_alert_recipients(concern) -> list[str]:
    """Every DSL who may see the concern."""
    where = Q(organisation__kind=OrganisationKind.LOCAL_AUTHORITY) | Q(
        organisation_id=concern.student.home_school_id
    )
    if concern.placement_id is not None:
        where |= Q(organisation_id=concern.placement.provider_id)
    dsls = Membership.objects.filter(where, role=Role.DSL)
    return emails_of(dsls, lambda user: can_view_concern(user, concern))


def lead_recipients() -> list[str]:
    """The CAP safeguarding leads, to whom an unacknowledged urgent concern escalates."""
    leads = Membership.objects.filter(
        organisation__kind=OrganisationKind.LOCAL_AUTHORITY, role=Role.DSL
    )
    return emails_of(leads, is_safeguarding_lead)


# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
nav.register("safeguarding:queue", is_dsl)
