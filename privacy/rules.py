"""Who may handle subject access and search the audit trail (docs/permissions.md, "Data
protection"), and which audit events are safeguarding's: defined once here, for the search,
its export and subject access alike."""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.rules import is_cap_manager, is_safeguarding_lead
from audit.models import Event
from safeguarding.models import Category, Concern, Entry

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
