"""Who people are in CAP: the roles an organisation can give, the areas (audiences) a
person may enter, and the predicates about roles that every domain's rules build on.

Each domain keeps its own access rules in its `rules.py` (students, applications, panels,
placements, quality, safeguarding, programmes, documents), registered with django-rules at
start-up (rules.apps.AutodiscoverRulesConfig imports every app's `rules.py`). Rules are
predicates named can_<verb>_<noun>, each with a raising twin check_<verb>_<noun> for
services. docs/permissions.md explains them in plain English, and a test keeps it listing
every rule.
"""

from collections.abc import Callable, Iterable

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Membership, Organisation, OrganisationKind, Role, User

K = OrganisationKind

# Which roles an organisation of each kind can give. The AP academy is a school that is
# also a provider, so it can give both kinds of role.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    K.LOCAL_AUTHORITY: frozenset(
        {
            Role.CAP_OFFICER,
            Role.MONITORING_OFFICER,
            Role.CAP_MANAGER,
            Role.DSL,
            Role.PANEL_MEMBER,
            Role.FINANCE_OFFICER,
        }
    ),
    K.SCHOOL: frozenset(
        {Role.REFERRER, Role.HEADTEACHER, Role.DSL, Role.PANEL_MEMBER, Role.ADMINISTRATOR}
    ),
    K.TRAINING_PROVIDER: frozenset({Role.PROVIDER_STAFF, Role.DSL, Role.ADMINISTRATOR}),
    K.AP_ACADEMY: frozenset(
        {
            Role.REFERRER,
            Role.HEADTEACHER,
            Role.DSL,
            Role.PROVIDER_STAFF,
            Role.PANEL_MEMBER,
            Role.ADMINISTRATOR,
        }
    ),
    K.AGENCY: frozenset({Role.AGENCY_PROFESSIONAL, Role.PANEL_MEMBER, Role.ADMINISTRATOR}),
}


class Area:
    """An audience with its own URL namespace (STYLE.md rule 11)."""

    SCHOOLS = "schools"
    CASEWORK = "casework"
    PROVIDERS = "providers"
    PANELS = "panels"
    AGENCIES = "agencies"
    FINANCE = "finance"


AREA_LABELS = {
    Area.SCHOOLS: "School",
    Area.CASEWORK: "Casework",
    Area.PROVIDERS: "Provider",
    Area.PANELS: "Panels",
    Area.AGENCIES: "Agency",
    Area.FINANCE: "Finance",
}

# (organisation kinds, roles) that open each area.
_AREA_GRANTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    Area.SCHOOLS: (
        frozenset({K.SCHOOL, K.AP_ACADEMY}),
        frozenset({Role.REFERRER, Role.HEADTEACHER, Role.DSL}),
    ),
    Area.CASEWORK: (
        frozenset({K.LOCAL_AUTHORITY}),
        frozenset({Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER, Role.DSL}),
    ),
    Area.PROVIDERS: (
        frozenset({K.TRAINING_PROVIDER, K.AP_ACADEMY}),
        frozenset({Role.PROVIDER_STAFF, Role.DSL}),
    ),
    Area.PANELS: (frozenset(K.values), frozenset({Role.PANEL_MEMBER})),
    Area.AGENCIES: (frozenset({K.AGENCY}), frozenset({Role.AGENCY_PROFESSIONAL})),
    # The authority's finance officers: fees, prices and statements, never a case.
    Area.FINANCE: (frozenset({K.LOCAL_AUTHORITY}), frozenset({Role.FINANCE_OFFICER})),
}


def role_allowed(*, kind: str, role: str) -> bool:
    return role in ROLES_BY_KIND.get(kind, frozenset())


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships at active organisations, cached on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_cap_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, organisation__is_active=True).select_related(
                "organisation"
            )
        )
        user._cap_memberships = cached
    return cached


def holds(user: User, *, kinds: Iterable[str], roles: Iterable[str]) -> bool:
    """Whether the user has one of the roles at an organisation of one of the kinds."""
    kinds, roles = set(kinds), set(roles)
    return any(m.organisation.kind in kinds and m.role in roles for m in memberships_of(user))


def areas_of(user: User) -> list[str]:
    """The areas a user may enter, in a stable order."""
    return [
        area
        for area, (kinds, roles) in _AREA_GRANTS.items()
        if holds(user, kinds=kinds, roles=roles)
    ]


def organisations_in_area(user: User, area: str) -> list[Organisation]:
    kinds, roles = _AREA_GRANTS[area]
    seen: dict[int, Organisation] = {}
    for m in memberships_of(user):
        if m.organisation.kind in kinds and m.role in roles:
            seen.setdefault(m.organisation.pk, m.organisation)
    return list(seen.values())


def can_enter_area(user: User, area: str) -> bool:
    return area in areas_of(user)


def school_ids(user: User) -> set[int]:
    """The schools (and the academy, as a school) whose staff the user is."""
    return {o.pk for o in organisations_in_area(user, Area.SCHOOLS)}


def provider_ids(user: User) -> set[int]:
    """The providers (and the academy, as a provider) whose staff the user is."""
    return {o.pk for o in organisations_in_area(user, Area.PROVIDERS)}


def dsl_organisation_ids(user: User) -> set[int]:
    """The organisations for which the user is a designated safeguarding lead."""
    return {m.organisation_id for m in memberships_of(user) if m.role == Role.DSL}


def emails_of(memberships: QuerySet[Membership], may: Callable[[User], bool]) -> list[str]:
    """The e-mail addresses of the active people in `memberships` (at active organisations)
    for whom `may` holds: whom an e-mail goes to is decided by the same rules as who may
    see what it links to."""
    people = {
        m.user
        for m in memberships.filter(user__is_active=True, organisation__is_active=True)
        .select_related("user")
        .order_by("user_id")
    }
    return sorted({user.email for user in people if may(user)})


# --- Predicates about roles ---------------------------------------------------------------


@rules.predicate
def has_membership(user: User) -> bool:
    return bool(memberships_of(user))


@rules.predicate
def is_cap_manager(user: User) -> bool:
    return holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.CAP_MANAGER})


@rules.predicate
def is_cap_staff(user: User) -> bool:
    """CAP officers, monitoring officers and the CAP manager at the local authority."""
    return holds(
        user,
        kinds={K.LOCAL_AUTHORITY},
        roles={Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER},
    )


def is_cap_officer(user: User) -> bool:
    """Who acts for CAP on a case: CAP officers and the CAP manager."""
    return holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.CAP_OFFICER, Role.CAP_MANAGER})


def is_finance_officer(user: User) -> bool:
    return holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.FINANCE_OFFICER})


def is_safeguarding_lead(user: User) -> bool:
    """The CAP safeguarding lead: a DSL at the local authority."""
    return holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.DSL})


def administered_organisation_ids(user: User) -> set[int]:
    """The organisations (other than the authority) whose administrator the user is."""
    return {m.organisation_id for m in memberships_of(user) if m.role == Role.ADMINISTRATOR}


def is_dsl(user: User) -> bool:
    return bool(dsl_organisation_ids(user))


def sees_every_student(user: User) -> bool:
    """CAP staff and the CAP safeguarding lead."""
    return is_cap_staff(user) or is_safeguarding_lead(user)


@rules.predicate
def needs_second_factor(user: User) -> bool:
    """Who must pass a second factor (a code from an authenticator app) after the password:
    everyone who sees pupil data. That is every role but an organisation's administrator,
    who manages its people and sees no case; and a superuser, whom the admin would show
    everything."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(m.role != Role.ADMINISTRATOR for m in memberships_of(user))


@rules.predicate
def can_reset_second_factor(actor: User, person: User) -> bool:
    """Who may remove a person's authenticator app and recovery codes, so that they enrol
    again at their next sign-in: never the person themselves; the CAP manager for anyone
    else; an organisation's administrator for a person all of whose memberships are at
    organisations they administer."""
    if not actor.is_authenticated or person is None or actor.pk == person.pk:
        return False
    if is_cap_manager(actor):
        return True
    administered = administered_organisation_ids(actor)
    if not administered or person.is_superuser:
        return False
    organisations = set(
        Membership.objects.filter(user=person).values_list("organisation_id", flat=True)
    )
    return bool(organisations) and organisations <= administered


def check_can_reset_second_factor(actor: User, person: User) -> None:
    if not can_reset_second_factor(actor, person):
        raise PermissionDenied("You cannot reset this person's second factor.")


can_use_admin = is_cap_manager
can_manage_users = is_cap_manager
can_view_audit = is_cap_manager


def check_can_manage_users(user: User) -> None:
    if not can_manage_users(user):
        raise PermissionDenied("Only the CAP manager can manage users.")


# --- Django permissions, for the admin site ----------------------------------------------
# The admin asks user.has_perm("app.verb_model"); these answer from the predicates above.
# Each domain registers its own models' permissions in its rules module.

for _model in ("user", "organisation", "membership"):
    for _verb in ("view", "add", "change"):
        rules.add_perm(f"accounts.{_verb}_{_model}", can_manage_users)
rules.add_perm("accounts.delete_membership", can_manage_users)
rules.add_perm("audit.view_event", can_view_audit)
rules.add_perm("accounts.use_admin", can_use_admin)
