"""Provider quality assurance: each provider's record (beyond accounts.Organisation), the
compliance framework as data, the evidence providers keep against it, termly reviews and
site visits. A provider's status is derived from these (quality.selectors), never stored.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from accounts.models import Organisation

postcode_validator = RegexValidator(
    r"^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$", "Enter a full UK postcode, like CV1 2GN."
)
company_number_validator = RegexValidator(
    r"^([A-Za-z]{2}\d{6}|\d{8})$",
    "Enter a Companies House number of 8 characters, like 01234567 or SC123456.",
)


class ProviderStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    CONDITIONS = "approved_with_conditions", "Approved with conditions"
    SUSPENDED = "suspended", "Suspended"
    NOT_ASSESSED = "not_assessed", "Not yet approved"


# Statuses under which schools see the provider's courses and packs go without a warning.
APPROVED_STATUSES = frozenset({ProviderStatus.APPROVED, ProviderStatus.CONDITIONS})


class Rating(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


RATING_ORDER = {Rating.GREEN: 0, Rating.AMBER: 1, Rating.RED: 2}


class SettingType(models.TextChoices):
    TRAINING_PROVIDER = "training_provider", "Independent training provider"
    COLLEGE = "college", "Further education college"
    INDEPENDENT_SCHOOL = "independent_school", "Independent school"
    AP_ACADEMY = "ap_academy", "Alternative provision academy or pupil referral unit"
    VOLUNTARY = "voluntary", "Charity or community interest company"
    LOCAL_AUTHORITY = "local_authority", "Local authority service"


class DfeRegistration(models.TextChoices):
    REGISTERED = "registered", "Registered with DfE as an independent school"
    NOT_REQUIRED = "not_required", "Not required: part-time or below the registration threshold"
    APPLIED = "applied", "Applied for registration, not yet decided"
    STATE_FUNDED = "state_funded", "State-funded school: not applicable"
    NOT_CHECKED = "not_checked", "Not checked yet"


class ProviderRecord(models.Model):
    """What CAP keeps about a provider beyond its organisation: setting type, registration,
    the public description the directory shows, and its sites and contacts."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="provider_record"
    )
    setting_type = models.CharField(max_length=30, choices=SettingType.choices)
    dfe_registration = models.CharField(
        "DfE registration status",
        max_length=20,
        choices=DfeRegistration.choices,
        default=DfeRegistration.NOT_CHECKED,
    )
    company_number = models.CharField(
        max_length=8, blank=True, validators=[company_number_validator]
    )
    description = models.TextField(blank=True, help_text="Shown to schools in the directory.")
    website = models.URLField(blank=True)
    email = models.EmailField("Enquiries e-mail address", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name


class Site(models.Model):
    """Where a provider teaches: schools must know the address of every site."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(ProviderRecord, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=150)
    address = models.CharField(max_length=300)
    town = models.CharField(max_length=80, default="Coventry")
    postcode = models.CharField(max_length=10, validators=[postcode_validator])
    is_main = models.BooleanField("Main site", default=False)

    class Meta:
        ordering = ["-is_main", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"


class ContactKind(models.TextChoices):
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy designated safeguarding lead"
    MAIN = "main", "Main contact"
    OTHER = "other", "Other contact"


class Contact(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(ProviderRecord, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=12, choices=ContactKind.choices)
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ComplianceArea(models.Model):
    """One component of the quality-assurance framework, loaded from quality/data."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=20, help_text="For column headings.")
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    CONFIRMATION = "confirmation", "Written confirmation"


class EvidenceItem(models.Model):
    """One piece of evidence an area needs from every provider."""

    area = models.ForeignKey(ComplianceArea, on_delete=models.PROTECT, related_name="items")
    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=EvidenceKind.choices)
    expires = models.BooleanField(default=True, help_text="Whether the evidence has an expiry.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area__order", "order", "name"]

    def __str__(self) -> str:
        return self.name


class EvidenceStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for CAP"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not accepted"
    SUPERSEDED = "superseded", "Replaced"


class Evidence(models.Model):
    """One submission of one evidence item by a provider: a file (kept encrypted through
    documents.storage) or a written confirmation, with its issue and expiry dates."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(ProviderRecord, on_delete=models.PROTECT, related_name="evidence")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="evidence")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    confirmation = models.TextField(blank=True)
    filename = models.CharField(max_length=150, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    stored_name = models.CharField(max_length=100, null=True, blank=True, unique=True)
    status = models.CharField(
        max_length=12, choices=EvidenceStatus.choices, default=EvidenceStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="evidence_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.provider})"


class Review(models.Model):
    """A termly compliance review: a rating per area and the actions agreed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(ProviderRecord, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.provider} on {self.held_on}"


class ReviewRating(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    area = models.ForeignKey(ComplianceArea, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    actions = models.TextField(blank=True)

    class Meta:
        ordering = ["area__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "area"], name="review_rating_unique_area")
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_rating_display()}"


class Visit(models.Model):
    """A site visit: scheduled, then recorded with findings and a rating."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(ProviderRecord, on_delete=models.PROTECT, related_name="visits")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    scheduled_on = models.DateField()
    purpose = models.CharField(max_length=300, blank=True)
    visited_on = models.DateField(null=True, blank=True)
    findings = models.TextField(blank=True)
    rating = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-scheduled_on", "-id"]

    def __str__(self) -> str:
        return f"Visit to {self.provider} on {self.scheduled_on}"


class GateMode(models.TextChoices):
    WARN = "warn", "Warn, and record the warning, but let it go ahead"
    BLOCK = "block", "Refuse until the provider is approved again"


class QualitySettings(models.Model):
    """The CAP manager's choices for quality assurance: one row."""

    reminder_notice_days = models.PositiveSmallIntegerField(
        "Days of notice before evidence expires",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="The provider and the CAP team are reminded this many days before expiry.",
    )
    review_due_days = models.PositiveSmallIntegerField(
        "Days after a termly review that the next is due",
        default=120,
        validators=[MinValueValidator(30), MaxValueValidator(400)],
    )
    gate_mode = models.CharField(
        "When a pack is sent to, or a placement set up with, a provider that is not approved",
        max_length=5,
        choices=GateMode.choices,
        default=GateMode.WARN,
    )

    class Meta:
        verbose_name = "quality-assurance settings"
        verbose_name_plural = "quality-assurance settings"

    def __str__(self) -> str:
        return "Quality-assurance settings"
