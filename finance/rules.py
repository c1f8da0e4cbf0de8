"""Who sees and changes money.

The CAP manager and the authority's finance officers see every fee and statement, and only
they change a fee or a price, set the finance system's codes and issue statements. A school
sees the fees on its own applications and its own statements (its CAP coordinators and
headteachers: the people who commit its budget); a provider's staff see the fees of the
places they offered and their own statements. CAP officers see fees on the cases they work,
to confirm a start, and record a budget holder's agreement for a school that sends it to
them. Nobody else sees any money.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import PROVIDER_KINDS, SCHOOL_KINDS, Membership, Role, User
from accounts.rules import (
    emails_of,
    is_cap_manager,
    is_cap_officer,
    is_cap_staff,
    is_finance_officer,
    memberships_of,
)
from finance.models import Party, Statement
from lib import nav

# The school roles that commit a school's budget and read its statements.
SCHOOL_MONEY_ROLES = frozenset({Role.REFERRER, Role.HEADTEACHER})


def _school_ids(user: User) -> set[int]:
    return {
        m.organisation_id
        for m in memberships_of(user)
        if m.organisation.kind in SCHOOL_KINDS and m.role in SCHOOL_MONEY_ROLES
    }


def _provider_ids(user: User) -> set[int]:
    return {
        m.organisation_id
        for m in memberships_of(user)
        if m.organisation.kind in PROVIDER_KINDS and m.role == Role.PROVIDER_STAFF
    }


@rules.predicate
def can_manage_money(user: User) -> bool:
    """Change fees and prices, set codes, issue statements and export to the finance system."""
    return is_cap_manager(user) or is_finance_officer(user)


def check_can_manage_money(user: User) -> None:
    if not can_manage_money(user):
        raise PermissionDenied("Only the CAP manager and finance officers change money.")


@rules.predicate
def can_view_fee(user: User, application) -> bool:
    return (
        can_manage_money(user)
        or is_cap_staff(user)
        or application.school_id in _school_ids(user)
        or (
            application.course_id is not None
            and application.course.provider_id in _provider_ids(user)
        )
    )


@rules.predicate
def can_agree_fee(user: User, application) -> bool:
    """Record the school's budget holder's agreement: the school, or CAP for it."""
    return application.school_id in _school_ids(user) or is_cap_officer(user)


def check_can_agree_fee(user: User, application) -> None:
    if not can_agree_fee(user, application):
        raise PermissionDenied("Only the school or the CAP team records the agreement.")


def fee_agreers(application) -> set[str]:
    """The e-mail addresses of the school's people who may record its budget holder's
    agreement (the same rule as who may open the form)."""
    staff = Membership.objects.filter(
        organisation_id=application.school_id, role__in=SCHOOL_MONEY_ROLES
    )
    return set(emails_of(staff, lambda user: can_agree_fee(user, application)))


@rules.predicate
def can_view_statement(user: User, statement: Statement) -> bool:
    if can_manage_money(user):
        return True
    if statement.party == Party.SCHOOL:
        return statement.organisation_id in _school_ids(user)
    return statement.organisation_id in _provider_ids(user)


def statements_visible_to(user: User, queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """The same rule as can_view_statement, as a queryset filter for lists."""
    if can_manage_money(user):
        return queryset
    return queryset.filter(
        Q(party=Party.SCHOOL, organisation_id__in=_school_ids(user))
        | Q(party=Party.PROVIDER, organisation_id__in=_provider_ids(user))
    )


def sees_own_statements(user: User) -> bool:
    """Whether the person reads statements for a school or provider of their own."""
    return bool(_school_ids(user) or _provider_ids(user))


def statement_recipients(statement: Statement) -> list[str]:
    """Who is told a statement is ready: the people who may read it at its organisation."""
    roles = SCHOOL_MONEY_ROLES if statement.party == Party.SCHOOL else {Role.PROVIDER_STAFF}
    staff = Membership.objects.filter(organisation_id=statement.organisation_id, role__in=roles)
    return emails_of(staff, lambda user: can_view_statement(user, statement))


# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
nav.register("finance:subscriptions", can_manage_money)
