"""What the CAP manager sets for the figures (the threshold under which numbers are
withheld outside the CAP team, and the secondary population the equalities figures compare
with), and the multi-agency panel's termly oversight reports, kept as made."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Organisation
from dashboards import characteristics
from programmes.models import AcademicYear, Panel, Term

DEFAULT_THRESHOLD = 5


class OversightSettings(models.Model):
    """One row, changed by the CAP manager; each change is audited."""

    suppress_below = models.PositiveSmallIntegerField(
        "Withhold numbers below",
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Counts from 1 up to one less than this are shown as “c” outside the CAP team.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "oversight settings"

    def __str__(self) -> str:
        return f"Withhold numbers below {self.suppress_below}"


class PopulationUpload(models.Model):
    """One CSV of secondary population counts the CAP manager loaded: who, when, which file
    and how many rows. The counts it loaded point back to it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    schools = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The year's counts once this file was loaded (it replaces only the schools it names):
    # the population page shows the latest upload's, not a count of the year's many rows.
    year_schools = models.PositiveIntegerField(default=0)
    year_counts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.year})"


class PopulationCount(models.Model):
    """How many students on a school's roll in a year have one value of a characteristic:
    the secondary population the equalities figures compare referrals with."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    characteristic = models.CharField(max_length=20, choices=characteristics.CHOICES)
    value = models.CharField(max_length=20)
    count = models.PositiveIntegerField()
    upload = models.ForeignKey(PopulationUpload, on_delete=models.PROTECT, related_name="counts")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "school", "characteristic", "value"],
                name="population_count_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year} {self.characteristic}={self.value}: {self.count}"


class PanelReport(models.Model):
    """A panel's oversight report for a term: asked for by the CAP team, made in the
    background (dashboards.services), published to the panel's members and kept exactly as
    made. Its PDF is stored encrypted with its checksum and never made again; one that
    failed leaves its reason, and the report can be asked for again."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="oversight_reports")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    stored_name = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    made_at = models.DateTimeField(null=True, blank=True)
    failed = models.TextField(blank=True, help_text="Why the report could not be made.")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "term"],
                condition=Q(made_at__isnull=False),
                name="panel_report_one_made_per_term",
            )
        ]

    def __str__(self) -> str:
        return f"Oversight report of the {self.panel} for {self.term}"

    @property
    def is_pending(self) -> bool:
        return self.made_at is None and not self.failed
