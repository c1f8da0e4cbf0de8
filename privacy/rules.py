"""Who may do what in data protection: the termly access review and retention.

Each organisation's administrator reviews its people; the authority's people, and the
people of an organisation with no (active) administrator, are reviewed by the CAP manager.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Membership, OrganisationKind, Role, User
from accounts.rules import administered_organisation_ids, is_cap_manager
from privacy.models import AccessReview


def _has_administrator():
    return Exists(
        Membership.objects.filter(
            organisation=OuterRef("organisation"),
            role=Role.ADMINISTRATOR,
            user__is_active=True,
        )
    )


def access_reviews_for(user: User) -> QuerySet[AccessReview]:
    """The reviews the user confirms people in."""
    if not user.is_authenticated or not user.is_active:
        return AccessReview.objects.none()
    allowed = Q(organisation_id__in=administered_organisation_ids(user))
    if is_cap_manager(user):
        allowed |= Q(organisation__kind=OrganisationKind.LOCAL_AUTHORITY) | Q(~_has_administrator())
    return AccessReview.objects.filter(allowed)


@rules.predicate
def can_open_access_reviews(user: User) -> bool:
    """The people pages' access review is for administrators and the CAP manager."""
    return is_cap_manager(user) or bool(administered_organisation_ids(user))


@rules.predicate
def can_review_access(user: User, review: AccessReview) -> bool:
    return access_reviews_for(user).filter(pk=review.pk).exists()


def check_can_review_access(user: User, review: AccessReview) -> None:
    if not can_review_access(user, review):
        raise PermissionDenied("You do not review this organisation's people.")


@rules.predicate
def can_view_access_review_overview(user: User) -> bool:
    return is_cap_manager(user)


# Retention (privacy/retention.py): only the CAP manager sees what will go and the runs, and
# sets and lifts legal holds.
can_manage_retention = is_cap_manager


def check_can_manage_retention(user) -> None:
    if not can_manage_retention(user):
        raise PermissionDenied("Only the CAP manager can manage retention and legal holds.")
