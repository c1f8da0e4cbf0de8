"""Data protection's own records.

A subject access request (SubjectAccessRequest) is the CAP manager's record of one request
for everything CAP holds about one student: who asked (described, never named), when it
was received, and the zip CAP builds in the background (privacy.subject_access). The zip is
kept encrypted in the documents store and deleted after CAP_SUBJECT_ACCESS_KEEP_DAYS.
Safeguarding content goes in only when the authority's safeguarding lead releases it for the
request.
"""

import uuid

from django.conf import settings
from django.db import models

from students.models import Student


class Requester(models.TextChoices):
    """Who made the request, described: their name is kept with the request's paperwork,
    not here."""

    STUDENT = "student", "The student"
    PARENT = "parent", "A parent or carer"
    REPRESENTATIVE = "representative", "Someone acting for them, such as a solicitor or advocate"
    OTHER = "other", "Someone else with the right to ask"


class BuildStatus(models.TextChoices):
    BUILDING = "building", "Being built"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be built"
    DELETED = "deleted", "Deleted"


class SafeguardingDecision(models.TextChoices):
    PENDING = "pending", "Waiting for the safeguarding lead's decision"
    RELEASED = "released", "Released by the safeguarding lead"
    DECLINED = "declined", "Withheld by the safeguarding lead"


class SubjectAccessRequest(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    requester = models.CharField("Who asked", max_length=20, choices=Requester.choices)
    received_on = models.DateField("Date the request was received")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()

    status = models.CharField(max_length=10, choices=BuildStatus.choices)
    # Bumped on each build asked for, so a task for an earlier build does nothing.
    build = models.PositiveIntegerField(default=1)
    build_requested_at = models.DateTimeField()
    built_at = models.DateTimeField(null=True, blank=True)
    built_with_safeguarding = models.BooleanField(default=False)
    failed = models.CharField(max_length=300, blank=True, help_text="Why it was not built.")
    stored_name = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    delete_after = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    safeguarding = models.CharField(
        max_length=10, choices=SafeguardingDecision.choices, default=SafeguardingDecision.PENDING
    )
    safeguarding_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    safeguarding_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(
                fields=["delete_after"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(stored_name=""),
                name="privacy_sar_to_delete",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return "SAR-" + self.uuid.hex[:8].upper()

    @property
    def is_ready(self) -> bool:
        return self.status == BuildStatus.READY and bool(self.stored_name)
