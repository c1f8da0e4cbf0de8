"""Safeguarding concerns: what someone working with a student saw or heard, and everything
the designated safeguarding leads (DSLs) did about it.

A concern and its entries are a written record that must stand as it was written: once
saved, nothing changes or deletes them. The models refuse, and database triggers
(safeguarding.db, migration 0002) refuse too, so raw SQL and bulk queries cannot get round
it. Whatever happens next (acknowledgement, an update, a correction, an action, escalation,
the outcome) is a new entry linked to the concern; a concern's status is read from its
entries, never stored.

Who may see a concern is decided in safeguarding/rules.py; this
app is deliberately not in the admin site, in general lists, search or exports.
"""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from lib.append_only import AppendOnlyModel
from placements.models import Placement
from students.models import Student

ACCOUNT_MAX_LENGTH = 10_000
# The audit action of each read of a concern (audit.Event), from which a DSL sees who read it.
VIEWED = "safeguarding.concern_viewed"
NOTE_MAX_LENGTH = 5_000


class AppendOnly(AppendOnlyModel):
    """Saved once, never changed or deleted."""

    append_only_what = "Safeguarding records"

    class Meta:
        abstract = True


class Category(models.Model):
    """A kind of concern. The list is data (loaded by migration 0002 with the kinds in
    Keeping children safe in education), so an authority can add its own; a category
    that concerns use is retired with is_active, never removed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    hint = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Concern(AppendOnly):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(
        Placement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The placement it was seen on, if any: that provider's DSL sees it too.",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_for = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation the person raising it works for.",
    )
    raised_at = models.DateTimeField(auto_now_add=True, db_index=True)
    happened_on = models.DateField(help_text="When it was seen or heard.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    account = models.TextField(help_text="What was seen or heard, in the person's own words.")
    injuries = models.TextField(blank=True, help_text="Injuries or marks, described.")
    immediate_actions = models.TextField(blank=True)
    urgent = models.BooleanField()

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["student", "raised_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """A short reference for e-mails and the phone; it gives away nothing about how
        many concerns there are."""
        return "SG-" + self.uuid.hex[:8].upper()


class EntryKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    UPDATE = "update", "Update"
    CORRECTION = "correction", "Correction"
    ACTION = "action", "Action"
    ESCALATED = "escalated", "Escalated to the CAP safeguarding lead"
    CLOSED = "closed", "Closed"


# Each of these happens at most once to a concern; the database holds to it.
ONCE_ONLY = (EntryKind.ACKNOWLEDGED, EntryKind.ESCALATED, EntryKind.CLOSED)


class ActionKind(models.TextChoices):
    SOCIAL_CARE = "social_care", "Referral to children’s social care"
    POLICE = "police", "Referral to the police"
    EARLY_HELP = "early_help", "Referral to Early Help"
    PARENT_INFORMED = "parent_informed", "Parent or carer informed"
    MONITORING = "monitoring", "Monitoring in school or at the provider"
    OTHER = "other", "Other action"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    MONITORING = "monitoring", "Monitoring continues"
    EARLY_HELP = "early_help", "Early Help support in place"
    CHILD_IN_NEED = "child_in_need", "Child in need plan"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    POLICE = "police", "Police involvement"
    OTHER = "other", "Other outcome"


class Entry(AppendOnly):
    """Something that happened to a concern after it was raised."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when CAP itself did it (escalation).",
    )
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    text = models.TextField(blank=True)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a correction: the entry it corrects; empty for the original account.",
    )
    action = models.CharField(max_length=20, choices=ActionKind.choices, blank=True)
    taken_on = models.DateField(null=True, blank=True, help_text="When the action was taken.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "kind"],
                condition=models.Q(kind__in=ONCE_ONLY),
                name="safeguarding_entry_once_only",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=EntryKind.ACTION)
                | (~models.Q(action="") & models.Q(taken_on__isnull=False)),
                name="safeguarding_action_has_kind_and_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=EntryKind.CLOSED) | ~models.Q(outcome=""),
                name="safeguarding_closure_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.concern.reference}"
