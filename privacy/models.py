"""Data protection's own records.

- The termly access review: each organisation's people confirmed each term by its
  administrator (privacy/access_review.py).
- Retention: the legal holds that stop it for a student, the students it has anonymised,
  and each run with what it removed (privacy/retention.py).
- A subject access request (SubjectAccessRequest) is the CAP manager's record of one request
  for everything CAP holds about one student: who asked (described, never named), when it
  was received, and the zip CAP builds in the background (privacy/subject_access.py). The
  zip is kept encrypted in the documents store and deleted after
  CAP_SUBJECT_ACCESS_KEEP_DAYS. Safeguarding content goes in only when the authority's
  safeguarding lead releases it for the request.
"""

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
