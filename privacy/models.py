"""The termly access review: each organisation's people, confirmed each term by its
administrator (privacy/access_review.py)."""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from programmes.models import Term


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
