"""Writes about people: their roles, invitations and passwords. Each is atomic and audited
with identifiers only. E-mails go after commit, from this process: an invitation's link is
a secret, so it is never put in the task queue's table."""

import datetime as dt
import hashlib
import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation, Membership, Organisation, OrganisationKind, Role, User
from accounts.rules import (
    check_can_end_membership,
    check_can_grant_role,
    check_can_resend_invitation,
    check_can_reset_second_factor,
    role_allowed,
)
from accounts.tasks import send_second_factor_reset_email
from audit.models import Event
from audit.services import event_record


class RoleNotAllowed(ValueError):
    pass


# --- Roles ------------------------------------------------------------------------------


def administrator_emails(organisation: Organisation, *, leaving_out: User | None = None) -> list:
    """Who hears of a role given at `organisation`: its administrators, or for the local
    authority its CAP managers; active people only, the person who gave it left out."""
    role = Role.CAP_MANAGER if organisation.kind == OrganisationKind.LOCAL_AUTHORITY else None
    people = User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__role=role or Role.ADMINISTRATOR,
    )
    if leaving_out is not None:
        people = people.exclude(pk=leaving_out.pk)
    return sorted(set(people.values_list("email", flat=True)))


def _grant_tell(*, membership: Membership, by: User, tell_person: bool) -> None:
    """E-mail the person and their organisation's administrators that a role was given.
    Names the person, the role and the organisation only."""
    organisation = membership.organisation
    context = {
        "person": membership.user,
        "role": membership.get_role_display(),
        "organisation": organisation,
        "by": by,
        "service_name": settings.CAP_SERVICE_NAME,
        "sign_in_url": settings.CAP_BASE_URL + reverse("accounts:sign_in"),
        "person_url": settings.CAP_BASE_URL
        + reverse("accounts:person", args=[membership.user.uuid]),
    }
    subject = f"{membership.get_role_display()} at {organisation.name}: a role given in CAP"
    person_email = membership.user.email if membership.user.is_active else None
    admins = [
        e for e in administrator_emails(organisation, leaving_out=by) if e != membership.user.email
    ]

    def send() -> None:
        if tell_person and person_email:
            send_mail(
                subject=subject,
                message=render_to_string("accounts/email/role_given_person.txt", context),
                from_email=None,
                recipient_list=[person_email],
            )
        if admins:
            send_mail(
                subject=subject,
                message=render_to_string("accounts/email/role_given_administrator.txt", context),
                from_email=None,
                recipient_list=admins,
            )

    transaction.on_commit(send)


@transaction.atomic
def membership_create(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    by: User | None,
    tell_person: bool = True,
) -> Membership:
    """Give `user` a role. `by` is who gives it, and must be allowed to
    (accounts.rules.can_grant_role); None only for CAP's own set-up (the demo loader), which
    neither checks nor e-mails."""
    if not role_allowed(kind=organisation.kind, role=role):
        raise RoleNotAllowed(
            f"A {organisation.get_kind_display().lower()} cannot give the role {role}."
        )
    if by is not None:
        check_can_grant_role(by, organisation, role, user)
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
        if by is not None:
            _grant_tell(membership=membership, by=by, tell_person=tell_person)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by: User, leaving: bool = False) -> None:
    """End a role: by whoever may give it; or, when its holder leaves (`leaving`, from
    accounts.leavers, which has checked that `by` may record it), every role they hold,
    whoever gave it, at an organisation since closed too."""
    if not leaving:
        check_can_end_membership(by, membership)
    event_record(
        actor=by,
        action="membership.ended",
        obj=membership.user,
        detail={"organisation": str(membership.organisation.uuid), "role": membership.role},
    )
    membership.delete()


# --- Invitations ------------------------------------------------------------------------


class AccountClosed(ValueError):
    """The address belongs to an account that has been closed: it is not reopened by an
    invitation."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_send(*, user: User, organisation: Organisation, role: str, by: User) -> Invitation:
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        invited_by=by,
        token_hash=token_hash(token),
        expires_at=timezone.now() + dt.timedelta(hours=settings.CAP_INVITATION_HOURS),
    )
    context = {
        "person": user,
        "role": invitation.get_role_display(),
        "organisation": organisation,
        "by": by,
        "hours": settings.CAP_INVITATION_HOURS,
        "service_name": settings.CAP_SERVICE_NAME,
        "authority_name": settings.CAP_AUTHORITY_NAME,
        "url": settings.CAP_BASE_URL + reverse("accounts:invitation_accept", args=[token]),
    }
    email = user.email
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Set your password for {settings.CAP_SERVICE_NAME}",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation


@transaction.atomic
def person_invite(
    *,
    email: str,
    full_name: str,
    job_title: str,
    organisation: Organisation,
    role: str,
    by: User,
) -> tuple[User, Invitation | None]:
    """Invite a person with a role. A new address gets an account with no password and a
    one-time link to set one; an existing account is only given the role (and told, as any
    role given is). Returns the person and the invitation, if one was sent."""
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if not existing.is_active:
            raise AccountClosed("This person's account has been closed.")
        membership_create(user=existing, organisation=organisation, role=role, by=by)
        return existing, None
    check_can_grant_role(by, organisation, role)
    user = User.objects.create_user(email, None, full_name=full_name, job_title=job_title)
    event_record(
        actor=by,
        action="person.invited",
        obj=user,
        detail={"organisation": str(organisation.uuid), "role": role},
    )
    # The invitation says which role it gives, so the person is not told twice.
    membership_create(user=user, organisation=organisation, role=role, by=by, tell_person=False)
    invitation = _invitation_send(user=user, organisation=organisation, role=role, by=by)
    return user, invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send a new link; every earlier link of the person's stops working."""
    check_can_resend_invitation(by, invitation)
    Invitation.objects.filter(
        user=invitation.user, used_at__isnull=True, replaced_at__isnull=True
    ).update(replaced_at=timezone.now())
    fresh = _invitation_send(
        user=invitation.user, organisation=invitation.organisation, role=invitation.role, by=by
    )
    event_record(
        actor=by,
        action="invitation.resent",
        obj=invitation.user,
        detail={"invitation": str(fresh.uuid), "replaces": str(invitation.uuid)},
    )
    return fresh


class InvitationState:
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    REPLACED = "replaced"
    UNKNOWN = "unknown"


def invitation_for_token(token: str) -> tuple[str, Invitation | None]:
    """The invitation a link's token names, and whether it can still be used."""
    invitation = (
        Invitation.objects.select_related("user", "invited_by", "organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.user.is_active:
        return InvitationState.UNKNOWN, None
    if invitation.used_at is not None:
        return InvitationState.USED, invitation
    if invitation.replaced_at is not None:
        return InvitationState.REPLACED, invitation
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED, invitation
    return InvitationState.VALID, invitation


class InvitationNotValid(ValueError):
    pass


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the person's own password from their link; the link then stops working."""
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    now = timezone.now()
    if (
        invitation.used_at is not None
        or invitation.replaced_at is not None
        or invitation.expires_at <= now
        or not invitation.user.is_active
    ):
        raise InvitationNotValid("This link can no longer be used.")
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    Invitation.objects.filter(user=user, used_at__isnull=True, replaced_at__isnull=True).update(
        replaced_at=now
    )
    event_record(
        actor=user,
        action="invitation.accepted",
        obj=user,
        detail={"invitation": str(invitation.uuid)},
    )
    return user


# --- Password reset ---------------------------------------------------------------------


def password_reset_may_send(*, user: User) -> bool:
    """At most CAP_PASSWORD_RESET_LIMIT reset e-mails an hour to one account, so the form
    cannot be used to flood someone's inbox."""
    since = timezone.now() - dt.timedelta(hours=1)
    sent = Event.objects.filter(
        action="password_reset.sent",
        object_type=User._meta.label_lower,
        object_id=str(user.uuid),
        occurred_at__gte=since,
    ).count()
    return sent < settings.CAP_PASSWORD_RESET_LIMIT


def password_reset_sent_record(*, user: User) -> None:
    event_record(action="password_reset.sent", obj=user)


def password_reset_throttled_record(*, user: User) -> None:
    event_record(action="password_reset.throttled", obj=user)


def password_reset_done_record(*, user: User) -> None:
    event_record(actor=user, action="password_reset.completed", obj=user)


# --- Signing in -------------------------------------------------------------------------


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
