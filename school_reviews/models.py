"""The termly school review meeting: for each school and term, one meeting (when, where,
who attends), its agenda of the school's students in alternative provision taken as a
snapshot when the meeting is prepared, its minutes, and the actions agreed, each with an
owner and a due date. The CAP team prepares and records it; the school sees it once shared.

Nothing here decides; services write (with the rules checked), selectors read.
"""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from placements.models import ExitOutcome, Placement
from programmes.models import Term


class ReviewMeeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="review_meetings"
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("Date of the meeting")
    starts_at = models.TimeField("Time")
    place = models.CharField("Where", max_length=200)
    attendees = models.TextField("Who attends")
    minutes = models.TextField(blank=True)
    # The agenda's snapshot: when it was taken, and how many students were in AP then
    # (the agenda holds at most AGENDA_LIMIT of them, selectors.AGENDA_LIMIT).
    agenda_taken_at = models.DateTimeField()
    agenda_total = models.PositiveIntegerField(default=0)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="review_meeting_one_a_term")
        ]
        indexes = [models.Index(fields=["term", "school"], name="review_meeting_term")]

    def __str__(self) -> str:
        return f"Review meeting with {self.school} in {self.term}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class AgendaItem(models.Model):
    """One student's placement on the agenda, with what CAP knew of it when the agenda was
    taken: attendance in the term (from the weekly tallies), the latest termly report and
    review, the reviews due in the term, and the exit if it ended. Its notes are the
    minutes about this student."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="items")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    attended = models.PositiveIntegerField(default=0)
    possible = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    report_term = models.CharField(max_length=100, blank=True)
    report_issued_at = models.DateTimeField(null=True, blank=True)
    review_held_on = models.DateField(null=True, blank=True)
    reviews_due = models.PositiveIntegerField(default=0)
    next_review_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    exit_outcome = models.CharField(max_length=20, choices=ExitOutcome.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "placement"], name="agenda_item_one_per_placement"
            )
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.position}"

    @property
    def rate(self) -> float | None:
        """Attendance as a percentage of possible sessions, to one decimal place."""
        return round(100 * self.attended / self.possible, 1) if self.possible else None


class Action(models.Model):
    """What someone agreed at the meeting to do by a date. The owner is a person of the
    school or the CAP team, or someone named in words with their organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField("Action", max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The organisation the owner acts for: the school's own actions are the school's to
    # mark done. Empty for an owner named in words.
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField("Owner's name", max_length=150, blank=True)
    owner_organisation_name = models.CharField("Owner's organisation", max_length=150, blank=True)
    due_on = models.DateField("Due date")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="action_has_owner",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_on"], name="action_open_due", condition=models.Q(done_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def owner_words(self) -> str:
        if self.owner_id:
            organisation = self.owner_organisation.name if self.owner_organisation_id else ""
            return (
                f"{self.owner.full_name}, {organisation}" if organisation else self.owner.full_name
            )
        if self.owner_organisation_name:
            return f"{self.owner_name}, {self.owner_organisation_name}"
        return self.owner_name
