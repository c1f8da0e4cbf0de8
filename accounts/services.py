import math
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User
from accounts.rules import check_can_reset_second_factor, role_allowed
from accounts.tasks import send_second_factor_reset_email
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


def sign_in_failure_record(*, email: str, locked_out: bool) -> None:
    """Record a failed sign-in without the address typed: it may be anyone's. Where the
    address belongs to an account, the event names the account (by UUID) for its owner's
    security history."""
    user = User.objects.filter(email__iexact=email).first() if email else None
    event_record(
        action="sign_in.locked_out" if locked_out else "sign_in.failed",
        obj=user,
    )


# --- The second factor ----------------------------------------------------------------------
# A person's authenticator app is a django-otp TOTPDevice; their recovery codes are the tokens
# of one StaticDevice. The session remembers when it last passed a code, for the pages that
# ask again after a while (accounts/views.py second_factor_recent).

RECOVERY_CODE_COUNT = 10
VERIFIED_AT_SESSION_KEY = "cap_second_factor_verified_at"
AUTHENTICATOR_NAME = "Authenticator app"


@dataclass(frozen=True)
class CodeResult:
    device: TOTPDevice | StaticDevice | None
    # Seconds to wait before another code is tried, when wrong codes have been given.
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


def authenticator_of(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have enrolled."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def authenticator_start(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: one unconfirmed device with a new secret, kept
    until a code from it confirms it (so reloading the page shows the same secret)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def session_verified(request, device) -> None:
    """Mark the session as having passed the second factor with `device`, now."""
    otp_login(request, device)
    request.session[VERIFIED_AT_SESSION_KEY] = time.time()


def code_wait_seconds(device) -> int:
    """How long django-otp's throttling still refuses codes for `device` after wrong ones
    (it doubles the wait with each wrong code in a row); 0 when a code may be tried."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _is_authenticator_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


@transaction.atomic
def authenticator_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator app being set up with a code from it. On success the
    person's other devices go (a reset's leftovers, an older app), and ten new recovery
    codes are made and returned, to be shown once; None for a wrong code."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed or not device.verify_token(code):
        event_record(actor=user, action="second_factor.failed", obj=user)
        return None
    for other in devices_for_user(user, confirmed=None):
        if not (isinstance(other, TOTPDevice) and other.pk == device.pk):
            other.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    event_record(actor=user, action="second_factor.enrolled", obj=user)
    return codes


def second_factor_verify(*, user: User, code: str) -> CodeResult:
    """Check a code from the person's authenticator app, or one of their recovery codes
    (each works once). Wrong codes are throttled by django-otp, per device: while it
    refuses, no code is checked and the result says how long to wait. Every outcome is
    audited by identifiers only."""
    code = code.replace(" ", "").replace("-", "").lower()
    with transaction.atomic():
        if _is_authenticator_code(code):
            device = (
                TOTPDevice.objects.devices_for_user(user, confirmed=True)
                .select_for_update()
                .first()
            )
            action = "second_factor.verified"
        else:
            device = (
                StaticDevice.objects.devices_for_user(user, confirmed=True)
                .select_for_update()
                .first()
            )
            action = "second_factor.recovery_code_used"
        if device is None:
            event_record(actor=user, action="second_factor.failed", obj=user)
            return CodeResult(device=None)
        wait = code_wait_seconds(device)
        if wait:
            event_record(
                actor=user, action="second_factor.failed", obj=user, detail={"throttled": True}
            )
            return CodeResult(device=None, wait_seconds=wait)
        if device.verify_token(code):
            event_record(actor=user, action=action, obj=user)
            return CodeResult(device=device)
        event_record(actor=user, action="second_factor.failed", obj=user)
    return CodeResult(device=None)


@transaction.atomic
def second_factor_reset(*, person: User, by: User) -> None:
    """Remove a person's authenticator app and recovery codes, at an administrator's
    request (accounts/rules.py can_reset_second_factor): their next sign-in enrols again.
    They are told by e-mail, after the change is saved."""
    check_can_reset_second_factor(by, person)
    for device in devices_for_user(person, confirmed=None):
        device.delete()
    event_record(actor=by, action="second_factor.reset", obj=person)
    transaction.on_commit(lambda: send_second_factor_reset_email.enqueue(person.pk))
