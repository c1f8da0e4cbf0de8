"""What happens at panels: who sits on them, each meeting's agenda and record, the decisions
taken, and the outcome notices that tell the school.

Panels, their seats and their meetings are the model of support (programmes.models); this
app holds the running of them.
"""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from panels.workflow import ItemState
from programmes.models import Cohort, Meeting, Panel, PanelSeat, PanelStep, SeatPosition


class PanelMember(models.Model):
    """A person who sits on a panel, in a seat, for an organisation (the school or agency they
    represent). A member from the referring school is conflicted on that school's items."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    seat = models.ForeignKey(
        PanelSeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    position = models.CharField(
        max_length=12, choices=SeatPosition.choices, default=SeatPosition.MEMBER
    )
    represents = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school or agency the member speaks for.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["panel", "position", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.panel}"


class MeetingRecord(models.Model):
    """The running record of one meeting: its pack, who attended, and when it closed."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="record")
    pack_published_at = models.DateTimeField(null=True, blank=True)
    pack_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The PDF, rendered in the background after each publication; encrypted at rest.
    pack_file = models.CharField(max_length=100, blank=True)
    pack_rendered_at = models.DateTimeField(null=True, blank=True)
    attendees = models.ManyToManyField(PanelMember, blank=True, related_name="attended")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Record of {self.meeting}"


class AgendaItem(models.Model):
    """An application on a meeting's agenda at one panel step. Moving or rolling an item
    keeps it, and adds a new one at the other meeting. Its states are in panels.workflow;
    only panels.services changes them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="agenda_items"
    )
    step = models.CharField(max_length=12, choices=PanelStep.choices)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.WAITING)
    added_at = models.DateTimeField(auto_now_add=True)
    moved_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    move_reason = models.TextField(blank=True, help_text="Why it came to this meeting.")

    class Meta:
        ordering = ["meeting", "added_at", "id"]
        indexes = [
            # A meeting's items in a state: the meetings list counts them.
            models.Index(fields=["meeting", "state"], name="panels_item_meeting_state"),
            # A meeting's agenda in the order items were added, a page at a time.
            models.Index(fields=["meeting", "added_at", "id"], name="panels_item_meeting_added"),
        ]
        constraints = [
            # An application waits on one agenda at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(state="waiting"),
                name="agenda_item_one_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"Item {str(self.uuid)[:8]}"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    WAITING_LIST = "waiting_list", "Approved, on the waiting list"
    DEFERRED = "deferred", "Deferred"
    MORE_INFORMATION = "more_information", "More information requested"
    DECLINED = "declined", "Declined"


APPROVALS = (Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS)


class Decision(models.Model):
    """A panel's outcome for one item. Recorded once: it cannot be changed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    rationale = models.TextField()
    conditions = models.TextField(blank=True)
    information_needed = models.TextField(blank=True)
    deferred_to = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiving_school = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The members present who took part, by name, as they were at the meeting.
    present = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.item})"


class OutcomeNotice(models.Model):
    """What the school is told after a decision: a letter and an e-mail, due within 3
    working days of the meeting. The letter is written when the decision is recorded and
    kept exactly as sent."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="notice")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="outcome_notices"
    )
    due_on = models.DateField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    letter_file = models.CharField(max_length=100, blank=True)
    letter_rendered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_to = models.JSONField(default=list, blank=True)
    overdue_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweep found it unsent after its due date."
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["sent_at", "due_on"]),
            # The unsent notices, earliest due first, a page at a time (the meetings list).
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(sent_at__isnull=True),
                name="panels_notice_unsent_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome notice {str(self.uuid)[:8]}"
