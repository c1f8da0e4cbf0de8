"""Provider quality assurance and the course directory.

School staff (and CAP staff) search the directory. CAP officers and the CAP manager keep
every provider's record, approve evidence, record reviews and visits; monitoring officers
see it all. A provider's own staff see and maintain only their own evidence.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Membership, Role, User
from accounts.rules import emails_of, is_cap_officer, is_cap_staff, provider_ids, school_ids
from lib import nav
from programmes.rules import can_edit_model


@rules.predicate
def can_view_directory(user: User) -> bool:
    return bool(school_ids(user)) or is_cap_staff(user)


def check_can_view_directory(user: User) -> None:
    if not can_view_directory(user):
        raise PermissionDenied("The course directory is for school and CAP staff.")


@rules.predicate
def can_view_provider_quality(user: User, record) -> bool:
    return is_cap_staff(user) or record.organisation_id in provider_ids(user)


def provider_records_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_provider_quality, as a queryset filter."""
    if is_cap_staff(user):
        return queryset
    return queryset.filter(organisation_id__in=provider_ids(user))


@rules.predicate
def can_manage_quality(user: User) -> bool:
    """Approve evidence, record reviews and visits, keep provider records."""
    return is_cap_officer(user)


def check_can_manage_quality(user: User) -> None:
    if not can_manage_quality(user):
        raise PermissionDenied("Only CAP officers and the CAP manager keep provider compliance.")


@rules.predicate
def can_submit_evidence(user: User, record) -> bool:
    return record.organisation_id in provider_ids(user)


def check_can_submit_evidence(user: User, record) -> None:
    if not can_submit_evidence(user, record):
        raise PermissionDenied("Only the provider's own staff submit its evidence.")


def can_view_evidence(user: User, evidence) -> bool:
    return can_view_provider_quality(user, evidence.provider)


def check_can_view_evidence(user: User, evidence) -> None:
    if not can_view_evidence(user, evidence):
        raise PermissionDenied("This evidence is not yours to see.")


# The CAP manager configures quality assurance in the admin; provider records, evidence,
# reviews and visits are kept through CAP's own audited pages.
for _model in ("qualitysettings", "compliancearea", "evidenceitem"):
    for _verb in ("view", "add", "change", "delete"):
        rules.add_perm(f"quality.{_verb}_{_model}", can_edit_model)


def provider_recipients(record) -> list[str]:
    """The provider's own staff who may see its quality-assurance record."""
    staff = Membership.objects.filter(
        organisation_id=record.organisation_id, role__in=[Role.PROVIDER_STAFF, Role.DSL]
    )
    return emails_of(staff, lambda user: can_view_provider_quality(user, record))


# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
# The CAP safeguarding lead enters casework but not the providers' records.
nav.register("quality:overview", is_cap_staff)
