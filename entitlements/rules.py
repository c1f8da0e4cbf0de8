"""Who sees and gives what a school's service level agreement entitles it to.

The CAP team (CAP officers and the CAP manager) allocates benefits to subscribing schools
and logs each delivery; a school's own staff see what their school has received. A
confidential benefit (the collaborative leadership one-to-ones) is stricter on both sides:
only the CAP manager allocates it, logs it and sees it, and at the school only its
headteacher sees it. Nobody else learns it exists: not CAP officers, not the school's
other staff, not another school.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import SCHOOL_KINDS, Organisation, Role, User
from accounts.rules import is_cap_manager, is_cap_officer, memberships_of, school_ids
from programmes.models import Benefit


def headteacher_school_ids(user: User) -> set[int]:
    """The schools (and the academy, as a school) whose headteacher the user is."""
    return {
        m.organisation_id
        for m in memberships_of(user)
        if m.role == Role.HEADTEACHER and m.organisation.kind in SCHOOL_KINDS
    }


@rules.predicate
def can_manage_entitlements(user: User) -> bool:
    """Open the CAP team's entitlements page, allocate and log deliveries."""
    return is_cap_officer(user)


def check_can_manage_entitlements(user: User) -> None:
    if not can_manage_entitlements(user):
        raise PermissionDenied("Only CAP officers and the CAP manager allocate entitlements.")


@rules.predicate
def can_allocate_benefit(user: User, benefit: Benefit) -> bool:
    """Allocate the benefit (and log its deliveries): the CAP team; a confidential one, the
    CAP manager only; event places are given by the events, never allocated."""
    if not benefit.allocated:
        return False
    if benefit.confidential:
        return is_cap_manager(user)
    return is_cap_officer(user)


def check_can_allocate_benefit(user: User, benefit: Benefit) -> None:
    if not can_allocate_benefit(user, benefit):
        raise PermissionDenied("You cannot allocate this benefit.")


@rules.predicate
def can_view_allocation(user: User, allocation) -> bool:
    school_id = allocation.subscription.school_id
    if allocation.benefit.confidential:
        return is_cap_manager(user) or school_id in headteacher_school_ids(user)
    return is_cap_officer(user) or school_id in school_ids(user)


def check_can_view_allocation(user: User, allocation) -> None:
    if not can_view_allocation(user, allocation):
        raise PermissionDenied("This allocation is not yours to see.")


@rules.predicate
def can_log_delivery(user: User, allocation) -> bool:
    return can_allocate_benefit(user, allocation.benefit)


def check_can_log_delivery(user: User, allocation) -> None:
    if not can_log_delivery(user, allocation):
        raise PermissionDenied("You cannot log deliveries of this allocation.")


@rules.predicate
def can_view_school_entitlements(user: User, school: Organisation) -> bool:
    """The school's page of what it has received: its own staff."""
    return school.pk in school_ids(user)


def check_can_view_school_entitlements(user: User, school: Organisation) -> None:
    if not can_view_school_entitlements(user, school):
        raise PermissionDenied("This school's entitlements are not yours to see.")


def allocations_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_allocation, as a queryset filter."""
    if not user.is_authenticated:
        return queryset.none()
    confidential = Q(benefit__confidential=True)
    if is_cap_manager(user):
        return queryset
    seen = Q(pk__in=[])
    if is_cap_officer(user):
        seen |= ~confidential
    seen |= ~confidential & Q(subscription__school_id__in=school_ids(user))
    seen |= confidential & Q(subscription__school_id__in=headteacher_school_ids(user))
    return queryset.filter(seen)


def benefits_allocatable_by(user: User, queryset: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """The benefits the user may allocate, as can_allocate_benefit says."""
    if not is_cap_officer(user):
        return queryset.none()
    queryset = queryset.exclude(given_as="event_places")
    if is_cap_manager(user):
        return queryset
    return queryset.filter(confidential=False)


def benefits_visible_to(user: User, school: Organisation, queryset: QuerySet[Benefit]):
    """The benefits listed on a school's page: a confidential one for its headteacher only."""
    if school.pk in headteacher_school_ids(user):
        return queryset
    return queryset.filter(confidential=False)
