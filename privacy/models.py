"""Data protection records: the termly access review, each organisation's people confirmed
each term by its administrator (privacy/access_review.py); and for retention, the legal
holds that stop it for a student, the students it has anonymised, and each run with what it
removed (privacy/retention.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organisation
from programmes.models import Term
from students.models import Student


class AccessReview(models.Model):
    """One organisation's review of its people for one term. Opened at the start of the
    term, due `CAP_ACCESS_REVIEW_WORKING_DAYS` working days later; when it closes, the
    people nobody confirmed are suspended."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    due_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "term"], name="access_review_once_a_term"
            ),
        ]

    def __str__(self) -> str:
        return f"Access review of {self.organisation} for {self.term}"


class Outcome(models.TextChoices):
    PENDING = "pending", "Not confirmed yet"
    CONFIRMED = "confirmed", "Confirmed"
    LEAVING = "leaving", "Marked as left"
    SUSPENDED = "suspended", "Suspended"
    RESTORED = "restored", "Restored"


class ReviewedPerson(models.Model):
    """A person in an organisation's review, as they were when it opened."""

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="reviewed_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.review}"


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
