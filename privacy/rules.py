"""Who may do what in data protection: the termly access review, retention, subject access
and the audit search; and which audit events are safeguarding's, defined once here for the
search, its export and subject access alike.

Each organisation's administrator reviews its people; the authority's people, and the
people of an organisation with no (active) administrator, are reviewed by the CAP manager.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Membership, OrganisationKind, Role, User
from accounts.rules import administered_organisation_ids, is_cap_manager, is_safeguarding_lead
from audit.models import Event
from privacy.models import AccessReview
from safeguarding.models import Category, Concern, Entry


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


# --- Which events are safeguarding's -----------------------------------------------------

# The safeguarding app's records, by the object type events name them with.
SAFEGUARDING_OBJECT_TYPES = frozenset(m._meta.label_lower for m in (Concern, Entry, Category))
# And its actions, which all start so (safeguarding.services).
SAFEGUARDING_ACTION_PREFIX = "safeguarding."


def safeguarding_events() -> Q:
    """The events about safeguarding: about its records, or its actions."""
    return Q(object_type__in=sorted(SAFEGUARDING_OBJECT_TYPES)) | Q(
        action__startswith=SAFEGUARDING_ACTION_PREFIX
    )


# --- Subject access ----------------------------------------------------------------------


@rules.predicate
def can_manage_subject_access(user: User) -> bool:
    """Start requests, see them, download and rebuild their zips: the CAP manager."""
    return is_cap_manager(user)


def check_can_manage_subject_access(user: User) -> None:
    if not can_manage_subject_access(user):
        raise PermissionDenied("Only the CAP manager handles subject access requests.")


@rules.predicate
def can_decide_subject_access_safeguarding(user: User) -> bool:
    """Release or withhold a request's safeguarding content: the authority's safeguarding
    lead, and nobody else (not the CAP manager)."""
    return is_safeguarding_lead(user)


def check_can_decide_subject_access_safeguarding(user: User) -> None:
    if not can_decide_subject_access_safeguarding(user):
        raise PermissionDenied("Only the authority's safeguarding lead decides this.")


# --- The audit trail ---------------------------------------------------------------------


@rules.predicate
def can_search_audit(user: User) -> bool:
    """The CAP manager (every event but safeguarding's) and the authority's safeguarding
    lead (safeguarding's events only)."""
    return is_cap_manager(user) or is_safeguarding_lead(user)


def events_visible_to(user: User) -> QuerySet[Event]:
    """The same rule as can_search_audit, as the events each may search."""
    manager, lead = is_cap_manager(user), is_safeguarding_lead(user)
    events = Event.objects.all()
    if manager and lead:
        return events
    if manager:
        return events.exclude(safeguarding_events())
    if lead:
        return events.filter(safeguarding_events())
    return events.none()
