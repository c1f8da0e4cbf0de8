from django.db import transaction

from accounts.models import Membership, Organisation, User
from accounts.rules import role_allowed
from audit.services import event_record


class RoleNotAllowed(ValueError):
    pass


@transaction.atomic
def membership_create(
    *, user: User, organisation: Organisation, role: str, by: User | None
) -> Membership:
    if not role_allowed(kind=organisation.kind, role=role):
        raise RoleNotAllowed(
            f"A {organisation.get_kind_display().lower()} cannot give the role {role}."
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        event_record(
            actor=by,
            action="membership.created",
            obj=user,
            detail={"organisation": str(organisation.uuid), "role": role},
        )
    return membership


@transaction.atomic
def membership_change(*, membership: Membership, by: User | None) -> Membership:
    """Save a membership whose organisation or role the CAP manager has changed."""
    if not role_allowed(kind=membership.organisation.kind, role=membership.role):
        raise RoleNotAllowed("That organisation cannot give that role.")
    membership.save()
    event_record(
        actor=by,
        action="membership.changed",
        obj=membership.user,
        detail={"organisation": str(membership.organisation.uuid), "role": membership.role},
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by: User | None) -> None:
    event_record(
        actor=by,
        action="membership.ended",
        obj=membership.user,
        detail={"organisation": str(membership.organisation.uuid), "role": membership.role},
    )
    membership.delete()


def sign_in_record(*, user: User) -> None:
    event_record(actor=user, action="sign_in.succeeded", obj=user)


def sign_in_failure_record(*, email: str, locked_out: bool, address: str | None) -> None:
    """Record a failed sign-in without the e-mail address typed: it may be anyone's. Where
    it belongs to an account, the event names the account (by UUID) for its owner's
    security history. The network address the attempt came from (through our proxies,
    lib.client_address) is kept, to tell one place's guessing from another's."""
    user = User.objects.filter(email__iexact=email).first() if email else None
    event_record(
        action="sign_in.locked_out" if locked_out else "sign_in.failed",
        obj=user,
        detail={"address": address or ""},
    )
