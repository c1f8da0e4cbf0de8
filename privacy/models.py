"""Data protection records: for retention, the legal holds that stop it for a student, the
students it has anonymised, and each run with what it removed (privacy.retention)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from students.models import Student


class LegalHold(models.Model):
    """While a hold stands (not lifted), retention leaves everything about the student as it
    is. Set and lifted by the CAP manager, each with a reason; lifted holds stay as history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True)
    lifted_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(lifted_at__isnull=True),
                name="privacy_one_standing_hold_per_student",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold {self.uuid}"


class RetentionRun(models.Model):
    """One run of the retention job, for the records expired on `as_of`. `removed` counts
    what went by kind of record (the schedule's kinds), over every student."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    as_of = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    students = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    removed = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Retention run for {self.as_of}"


class RetentionRemoval(models.Model):
    """What one run removed for one student: counts by kind, and the student's database id
    only (no name; after anonymisation it leads to no one)."""

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="removals")
    student_ref = models.PositiveBigIntegerField()
    removed = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Removed for student {self.student_ref}"


class AnonymisedStudent(models.Model):
    """A student whose record retention has anonymised, so no later run does it again."""

    student = models.OneToOneField(
        Student, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Anonymised student {self.student_id}"
