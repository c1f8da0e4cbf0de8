"""Organisations, people and their memberships.

A user belongs to one or more organisations, each time with one role. What a role lets a
person do is decided in each domain's rules module (accounts/rules.py for roles and
areas), never here.
"""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

urn_validator = RegexValidator(r"^\d{6}$", "Enter a URN of 6 digits, like 137209.")
ukprn_validator = RegexValidator(
    r"^1\d{7}$", "Enter a UKPRN of 8 digits starting with 1, like 10079319."
)


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    SCHOOL = "school", "School"
    TRAINING_PROVIDER = "training_provider", "Training provider"
    AP_ACADEMY = "ap_academy", "Alternative provision academy"
    AGENCY = "agency", "Agency"


SCHOOL_KINDS = frozenset({OrganisationKind.SCHOOL, OrganisationKind.AP_ACADEMY})
PROVIDER_KINDS = frozenset({OrganisationKind.TRAINING_PROVIDER, OrganisationKind.AP_ACADEMY})


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    urn = models.CharField(
        "URN",
        max_length=6,
        blank=True,
        validators=[urn_validator],
        help_text="Unique reference number from Get Information about Schools.",
    )
    ukprn = models.CharField(
        "UKPRN",
        max_length=8,
        blank=True,
        validators=[ukprn_validator],
        help_text="UK provider reference number.",
    )
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["urn"], condition=~models.Q(urn=""), name="organisation_unique_urn"
            ),
            models.UniqueConstraint(
                fields=["ukprn"], condition=~models.Q(ukprn=""), name="organisation_unique_ukprn"
            ),
            models.CheckConstraint(
                # The AP academy's URN may not be known when it is first set up.
                condition=~models.Q(kind=OrganisationKind.SCHOOL) | ~models.Q(urn=""),
                name="organisation_school_has_urn",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    @property
    def is_provider(self) -> bool:
        return self.kind in PROVIDER_KINDS


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("E-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    # Only for Django's admin site; who may use it is decided in accounts/rules.py.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    REFERRER = "referrer", "CAP coordinator"
    HEADTEACHER = "headteacher", "Headteacher"
    DSL = "dsl", "Designated safeguarding lead"
    CAP_OFFICER = "cap_officer", "CAP officer"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring officer"
    CAP_MANAGER = "cap_manager", "CAP manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    AGENCY_PROFESSIONAL = "agency_professional", "Agency professional"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    # An organisation's own administrator: grants its people their roles and confirms them
    # each term (the access review). The local authority's is the CAP manager.
    ADMINISTRATOR = "administrator", "Administrator"


class Membership(models.Model):
    """One role held by one person at one organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation}"


class Invitation(models.Model):
    """A one-time link for a person to set their own password, sent when they are invited
    with a role. Only the token's SHA-256 is kept: the link itself exists only in the
    e-mail. Sending a new link replaces the old one, which then no longer works."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"
