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
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Invitation, Membership, Organisation, OrganisationKind, Role, User
from lib import nav

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
    everyone who sees pupil data, and everyone who gives others access to it. That is every
    role (an organisation's administrator sees no case, but invites the people who do, so a
    stolen administrator's password must not be enough to make one); and a superuser, whom
    the admin would show everything."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(memberships_of(user))


@rules.predicate
def can_reset_second_factor(actor: User, person: User) -> bool:
    """Who may remove a person's authenticator app and recovery codes, so that they enrol
    again at their next sign-in: never the person themselves; the CAP manager for anyone
    else; an organisation's administrator for a person all of whose memberships are at
    organisations they administer. The authority's safeguarding lead's only by another
    safeguarding lead: whoever could reset it and change where their e-mail goes could
    read every concern."""
    if not actor.is_authenticated or person is None or actor.pk == person.pk:
        return False
    if is_safeguarding_lead(person):
        return is_safeguarding_lead(actor)
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


# --- Separation of duties: who gives whom a role -----------------------------------------
# Nobody gives, changes or ends their own roles. The authority's safeguarding lead role is
# given only by the authority's safeguarding lead; the authority's other roles by the CAP
# manager; a school's, provider's or agency's roles by that organisation's administrator or
# the CAP manager. Roles are given on CAP's people pages (accounts/views_people.py) and by
# invitation, never in the admin.


def can_grant_role(
    actor: User, organisation: Organisation, role: str, person: User | None = None
) -> bool:
    """Whether `actor` may give `role` at `organisation` (to `person`, when known)."""
    if not actor.is_authenticated or not organisation.is_active:
        return False
    if person is not None and person.pk == actor.pk:
        return False
    if not role_allowed(kind=organisation.kind, role=role):
        return False
    if organisation.kind == K.LOCAL_AUTHORITY:
        if role == Role.DSL:
            return is_safeguarding_lead(actor)
        return is_cap_manager(actor)
    return is_cap_manager(actor) or organisation.pk in administered_organisation_ids(actor)


def check_can_grant_role(
    actor: User, organisation: Organisation, role: str, person: User | None = None
) -> None:
    if person is not None and person.pk == actor.pk:
        raise PermissionDenied("Nobody can give themselves a role. Ask someone else to.")
    if not can_grant_role(actor, organisation, role, person):
        raise PermissionDenied("You cannot give this role at this organisation.")


def can_end_membership(actor: User, membership: Membership) -> bool:
    """Ending a role takes the same right as giving it, and never one's own."""
    return can_grant_role(actor, membership.organisation, membership.role, membership.user)


def check_can_end_membership(actor: User, membership: Membership) -> None:
    if membership.user_id == actor.pk:
        raise PermissionDenied("Nobody can end their own role. Ask someone else to.")
    if not can_end_membership(actor, membership):
        raise PermissionDenied("You cannot end this role.")


def grant_organisations(actor: User) -> QuerySet[Organisation]:
    """The active organisations at which `actor` may give at least one role."""
    if not actor.is_authenticated:
        return Organisation.objects.none()
    if is_cap_manager(actor):
        return Organisation.objects.filter(is_active=True)
    where = Q(pk__in=administered_organisation_ids(actor))
    if is_safeguarding_lead(actor):
        where |= Q(kind=K.LOCAL_AUTHORITY)
    return Organisation.objects.filter(where, is_active=True)


def grantable_roles(actor: User, organisation: Organisation, person: User | None = None) -> list:
    """The roles `actor` may give at `organisation`, as (value, label) in the usual order."""
    return [
        (value, label)
        for value, label in Role.choices
        if can_grant_role(actor, organisation, value, person)
    ]


@rules.predicate
def can_manage_people(actor: User) -> bool:
    """Who opens the people pages: the CAP manager, each organisation's administrator, and
    the authority's safeguarding lead (for the authority's safeguarding lead role)."""
    return (
        is_cap_manager(actor)
        or bool(administered_organisation_ids(actor))
        or is_safeguarding_lead(actor)
    )


def check_can_manage_people(actor: User) -> None:
    if not can_manage_people(actor):
        raise PermissionDenied("Only administrators give people their roles.")


def people_visible_to(actor: User, people: QuerySet[User]) -> QuerySet[User]:
    """The CAP manager sees everyone; others, the people with a role at an organisation
    where they may give roles."""
    if is_cap_manager(actor):
        return people
    if not can_manage_people(actor):
        return people.none()
    return people.filter(
        pk__in=Membership.objects.filter(organisation__in=grant_organisations(actor)).values(
            "user_id"
        )
    )


def can_view_person(actor: User, person: User) -> bool:
    return people_visible_to(actor, User.objects.filter(pk=person.pk)).exists()


def check_can_view_person(actor: User, person: User) -> None:
    if not can_view_person(actor, person):
        raise PermissionDenied("You cannot see this person.")


def can_invite_person(actor: User) -> bool:
    """Inviting someone gives them a role, so it follows can_grant_role for the role chosen;
    this only says whether the actor may give a role anywhere."""
    return can_manage_people(actor)


def can_resend_invitation(actor: User, invitation: Invitation) -> bool:
    """A fresh link, while the invitation is unused, by whoever may give its role."""
    return invitation.used_at is None and can_grant_role(
        actor, invitation.organisation, invitation.role, invitation.user
    )


def check_can_resend_invitation(actor: User, invitation: Invitation) -> None:
    if not can_resend_invitation(actor, invitation):
        raise PermissionDenied("You cannot send this invitation again.")


# --- Leavers ------------------------------------------------------------------------------


def people_leavable_by(user: User) -> QuerySet[User]:
    """The active people whom `user` may record as having left: anyone but themselves for
    the CAP manager; for an organisation's administrator, the people whose every membership
    is at an organisation they administer (someone who also works elsewhere is recorded
    by the CAP manager). Nobody records themselves, and nobody records a superuser, whose
    account is not CAP's to close."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    people = User.objects.filter(is_active=True, is_superuser=False).exclude(pk=user.pk)
    if is_cap_manager(user):
        return people
    administered = administered_organisation_ids(user)
    if not administered:
        return User.objects.none()
    return people.filter(
        Exists(Membership.objects.filter(user=OuterRef("pk"), organisation_id__in=administered)),
        ~Exists(
            Membership.objects.filter(user=OuterRef("pk")).exclude(organisation_id__in=administered)
        ),
    )


@rules.predicate
def can_record_leaver(user: User, person: User) -> bool:
    return people_leavable_by(user).filter(pk=person.pk).exists()


def check_can_record_leaver(user: User, person: User) -> None:
    if not can_record_leaver(user, person):
        raise PermissionDenied("You cannot record this person as a leaver.")


def can_open_leavers(user: User) -> bool:
    """Whether the user records leavers at all: the CAP manager and administrators."""
    return is_cap_manager(user) or bool(administered_organisation_ids(user))


# --- Django permissions, for the admin site ----------------------------------------------
# The admin asks user.has_perm("app.verb_model"); these answer from the predicates above.
# Each domain registers its own models' permissions in its rules module.

for _model in ("user", "organisation"):
    for _verb in ("view", "add", "change"):
        rules.add_perm(f"accounts.{_verb}_{_model}", can_manage_users)
rules.add_perm("accounts.view_membership", can_manage_users)
# Roles are given and ended only on CAP's people pages, where the rules above apply.
for _verb in ("add", "change", "delete"):
    rules.add_perm(f"accounts.{_verb}_membership", rules.always_deny)
rules.add_perm("audit.view_event", can_view_audit)
rules.add_perm("accounts.use_admin", can_use_admin)

# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
nav.register("accounts:people", can_manage_people)
nav.register("admin:index", can_use_admin)
