"""An application: one school's request for one student on one programme.

The form's answers are typed fields, grouped by the page that owns them
(applications.journey declares the pages). A draft holds whatever has been answered so far;
nothing is checked as a whole until applications.services.application_submit.
"""

import re
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone

from accounts.models import Organisation
from applications.workflow import Status
from documents.models import Document
from programmes.models import ChecklistItem, Cohort, Course, PanelStep, Programme
from students.models import Student


class ReferralReason(models.TextChoices):
    BEHAVIOUR = "behaviour", "Behaviour in school"
    ATTENDANCE = "attendance", "Attendance"
    SEMH = "semh", "Social, emotional and mental health"
    ENGAGEMENT = "engagement", "Engagement with learning"
    EXCLUSION_RISK = "exclusion_risk", "At risk of permanent exclusion"
    NEET_RISK = "neet_risk", "At risk of becoming NEET"
    OTHER = "other", "Something else"


class Agency(models.TextChoices):
    EARLY_HELP = "early_help", "Early Help"
    SOCIAL_CARE = "social_care", "Children's social care"
    YOUTH_JUSTICE = "youth_justice", "Youth Justice Service"
    VIRTUAL_SCHOOL = "virtual_school", "Virtual School"
    SEND = "send", "SEND team or educational psychology"
    CAMHS = "camhs", "Mental health services (CAMHS)"
    ATTENDANCE = "attendance", "Attendance service"
    POLICE = "police", "Police"
    OTHER = "other", "Another agency"


class ProviderDeclineReason(models.TextChoices):
    NEED = "need", "The course cannot meet the student's needs"
    RISK = "risk", "The risk cannot be managed"
    CAPACITY = "capacity", "No place is free"
    OTHER = "other", "Another reason"


# The audit events of opening an application: CAP's casework page, and the pack a provider
# was sent. They are who read what, not steps, so the application's timeline leaves them out.
READ = "application.read"
PACK_READ = "application.pack_read"
READS = (READ, PACK_READ)

# The applications on the casework queue: submitted, and neither a draft nor discarded. Two
# partial indexes hold these only; the queue's query implies the condition.
QUEUED = Q(submitted_at__isnull=False) & ~Q(status__in=[Status.DRAFT, Status.DISCARDED])

# The queue's sorts other than by age, as expressions its indexes hold too, so that a page of
# the queue is read in order from an index rather than sorted from every open application.
# A step sorts in the workflow's order of steps. References sort by year, then number:
# padded to five digits, a longer one (past 99,999 in a year) is a later one.
STEP_ORDER = Case(
    *[When(status=status, then=Value(index)) for index, status in enumerate(Status.values)],
    output_field=IntegerField(),
)
REFERENCE_ORDER = (Substr("reference", 5, 4), Length("reference"), F("reference"))


def reference_text(year: int, number: int) -> str:
    """An application's reference as people quote it: CAP-2026-00123. Finance statement
    numbers name an academic year (CAP-2025-26-00001), so the two cannot be mistaken."""
    return f"CAP-{year}-{number:05d}"


# Five digits at least; a year past 99,999 applications (national volume) has six or more.
_REFERENCE = re.compile(r"(?:CAP)?-?(\d{4})-?(\d{1,7})")


def reference_parse(text: str) -> str | None:
    """The reference someone typed, as CAP writes it, or None if it cannot be one: case,
    spaces and the leading zeros do not matter ("cap-2026-123" is CAP-2026-00123)."""
    match = _REFERENCE.fullmatch(re.sub(r"\s+", "", text).upper())
    if match is None:
        return None
    return reference_text(int(match[1]), int(match[2]))


class ReferenceCounter(models.Model):
    """The last reference number given to an application submitted in a calendar year.

    References count submissions, not drafts: a school quotes one only once CAP has the
    application, and a sequence that skipped every discarded draft would look like lost
    cases. The year is the calendar year of submission in the authority's time zone, as
    the reference reads (CAP-2026-… was sent in 2026), whatever the academic year."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def take(cls, *, submitted_at) -> str:
        """The next reference for an application submitted at `submitted_at`. The counter's
        row stays locked until the caller's transaction ends, so two submissions at once
        wait for each other instead of taking the same number, and a submission undone
        gives its number back."""
        year = timezone.localdate(submitted_at).year
        with transaction.atomic():
            # get_or_create makes the first row of a year in a savepoint, and on losing
            # that race reads (and locks) the row the other transaction made.
            counter, _ = cls.objects.select_for_update().get_or_create(year=year)
            counter.last += 1
            counter.save(update_fields=["last"])
        return reference_text(year, counter.last)


class Application(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Given on submission (ReferenceCounter); a draft has none. URLs carry the UUID.
    reference = models.CharField(max_length=16, unique=True, null=True, blank=True, editable=False)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="applications")
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="The referring school: the student's home school when the draft began.",
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Bumped on every change, so two people acting at once cannot overwrite each other.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    # Reasons for referral
    referral_reason = models.CharField(max_length=20, choices=ReferralReason.choices, blank=True)
    reasons_detail = models.TextField(blank=True)
    # The programme's own questions: question key -> answer
    question_answers = models.JSONField(default=dict, blank=True)
    # Needs and risks
    needs_summary = models.TextField(blank=True)
    risks_summary = models.TextField(blank=True)
    # Attendance and behaviour history
    attendance_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    suspensions_this_year = models.PositiveSmallIntegerField(null=True, blank=True)
    behaviour_summary = models.TextField(blank=True)
    # Interventions already tried
    interventions = models.TextField(blank=True)
    # Agencies involved
    agencies = models.JSONField(default=list, blank=True)
    agencies_detail = models.TextField(blank=True)
    # The student's voice
    student_voice = models.TextField(blank=True)
    # Parents' views and consent
    parent_views = models.TextField(blank=True)
    parental_consent = models.BooleanField(null=True, blank=True)
    parental_consent_date = models.DateField(null=True, blank=True)
    # The written plan
    plan_objectives = models.TextField(blank=True)
    plan_starts_on = models.DateField(null=True, blank=True)
    plan_ends_on = models.DateField(null=True, blank=True)
    plan_first_review_on = models.DateField(null=True, blank=True)
    plan_review_frequency_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_success = models.TextField(blank=True)
    plan_readiness = models.TextField(blank=True)

    # The provider route, after submission (applications.workflow)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When CAP or the first panel approved or declined it.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_applications",
        help_text="The CAP officer handling it.",
    )
    cap_question = models.TextField(blank=True)
    school_answer = models.TextField(blank=True)
    decision_reason = models.TextField(blank=True)
    shared_sections = models.JSONField(
        default=list, blank=True, help_text="The form's pages the CAP team shared in the pack."
    )
    pack_note = models.TextField(blank=True)
    # Set once the pack goes: from then on the provider is part of the application.
    pack_sent_at = models.DateTimeField(null=True, blank=True)
    interview_on = models.DateField(null=True, blank=True)
    interview_details = models.CharField(max_length=300, blank=True)
    proposed_start_on = models.DateField(null=True, blank=True)
    provider_decline_reason = models.CharField(
        max_length=10, choices=ProviderDeclineReason.choices, blank=True
    )
    provider_decline_detail = models.TextField(blank=True)
    start_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    # The panel routes (panels.services records the decisions)
    panel_step = models.CharField(
        max_length=12,
        choices=PanelStep.choices,
        blank=True,
        help_text="The panel step the application is at or last passed.",
    )
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    receiving_school = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_received",
        help_text="Allocated by the Headteachers' panel for a supported transfer.",
    )
    alternatives_explored = models.TextField(blank=True)
    days_per_week = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(5)],
        help_text="Days a week of a placement with no course, confirmed with the start date.",
    )

    # Why the school withdrew it
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["school", "status", "updated_at"]),
            models.Index(fields=["student", "programme", "status"]),
            # The lists behind the figures, newest submission first.
            models.Index(fields=["-submitted_at", "-id"], name="application_submitted_desc"),
            # The casework queue (applications.selectors.queue): submitted applications in
            # the order of their current step's age, and counted by step.
            models.Index(
                Coalesce("status_changed_at", "submitted_at"),
                F("id"),
                name="application_queue_age",
                condition=QUEUED,
            ),
            models.Index(fields=["status"], name="application_queue_status", condition=QUEUED),
            # ... and in the order of its other sorts (the step's age breaks a tie of steps).
            models.Index(*REFERENCE_ORDER, name="application_queue_reference", condition=QUEUED),
            models.Index(
                STEP_ORDER,
                Coalesce("status_changed_at", "submitted_at"),
                F("id"),
                name="application_queue_step",
                condition=QUEUED,
            ),
            # The steps backwards, each still oldest first: not one index read backwards.
            models.Index(
                STEP_ORDER.desc(),
                Coalesce("status_changed_at", "submitted_at"),
                F("id"),
                name="application_queue_step_desc",
                condition=QUEUED,
            ),
            # Retention's never-submitted drafts, by their last change (privacy.retention).
            models.Index(
                fields=["updated_at"],
                name="application_draft_changed",
                condition=Q(status=Status.DRAFT, submitted_at__isnull=True),
            ),
            # A school's list of its applications, newest submission first, a page at a time.
            models.Index(
                fields=["school", "-submitted_at", "-id"], name="application_school_submitted"
            ),
            # The waiting lists (panels.selectors.places_by_programme): a programme's few
            # waiting applications, and how many, without reading its placed ones.
            models.Index(
                fields=["programme"],
                name="application_waiting",
                condition=models.Q(status="waiting_list"),
            ),
            # The overdue ones (applications.selectors.overdue_filter: a status whose clock
            # ran out), counted and the oldest listed on the CAP home page, found within
            # each such status in the order its step began.
            models.Index(
                fields=["status", "status_changed_at", "id"],
                name="application_status_clock",
                condition=QUEUED,
            ),
        ]

    def __str__(self) -> str:
        return f"Application {self.reference or 'draft ' + str(self.uuid)[:8]}"

    def save(self, *args, **kwargs):
        # Every application past its draft has a reference, however it was written (the
        # submit service gives it one itself; the demo and tests write such rows directly).
        if not self.reference and self.needs_reference:
            with transaction.atomic():
                self.reference = ReferenceCounter.take(
                    submitted_at=self.submitted_at or timezone.now()
                )
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "reference"}
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    @property
    def needs_reference(self) -> bool:
        return self.submitted_at is not None or self.status not in (
            Status.DRAFT,
            Status.DISCARDED,
        )

    @property
    def setting(self):
        """Where the placement would be: the course's provider, the receiving school of a
        supported transfer, or the setting that delivers the whole programme (the academy).
        None while none is known."""
        if self.course_id is not None:
            return self.course.provider
        return self.receiving_school or (self.programme.delivered_by if self.programme else None)


class ApplicationDocument(models.Model):
    """One document given as evidence with an application: which checklist item it answers,
    the date written on it, and whether CAP shared it with the provider. The file itself is
    a documents.Document, which knows nothing of applications."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    # PROTECT: a linked document is removed through applications.services, which deletes
    # this row first.
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="application_link"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application_documents",
        help_text="The evidence on the programme's checklist that this document gives.",
    )
    dated_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date written on the document: a risk assessment's shows how current it is.",
    )
    # Set when the CAP team puts the document in the pack it sends to the provider.
    shared_with_provider = models.BooleanField(default=False)

    class Meta:
        ordering = ["document__uploaded_at", "document_id"]

    def __str__(self) -> str:
        return f"{self.document} on {self.application}"

    @property
    def filename(self) -> str:
        return self.document.filename
