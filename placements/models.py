"""A placement: a student on a programme at a setting, from start to exit, with its weekly
pattern, the marks the setting records for each expected session, the alerts those marks
(or their absence) raise, and the termly reports issued for it.

Where a student is expected in a session is worked out in placements.schedule from the
pattern and phases held here; which code the home school records is worked out in
placements.codes. Nothing here decides; services write, selectors read.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from lib.dates import time_of_day
from programmes.models import AwayCode, Course, Programme, Registration, Term
from students.models import Student


class Session(models.TextChoices):
    AM = "am", "Morning"
    PM = "pm", "Afternoon"


class Category(models.TextChoices):
    """How DfE statistics treat a session with this code."""

    PRESENT = "present", "Present"
    APPROVED = "approved", "Approved educational activity"
    AUTHORISED = "authorised", "Authorised absence"
    UNAUTHORISED = "unauthorised", "Unauthorised absence"
    NOT_POSSIBLE = "not_possible", "Not a possible session"

    @classmethod
    def attended(cls) -> frozenset[str]:
        return frozenset({cls.PRESENT, cls.APPROVED})

    @classmethod
    def absent(cls) -> frozenset[str]:
        return frozenset({cls.AUTHORISED, cls.UNAUTHORISED})


class AttendanceCode(models.Model):
    """One code of the national set in force from 19 August 2024, loaded by a data
    migration (statutory.md §1.2)."""

    code = models.CharField(max_length=2, unique=True)
    meaning = models.CharField(max_length=300)
    group = models.CharField(max_length=80, help_text="The heading the 2024 guidance uses.")
    category = models.CharField(max_length=15, choices=Category.choices)
    setting_records = models.BooleanField(
        default=True,
        help_text="A setting may record it for a session the student is expected there.",
    )
    session = models.CharField(
        max_length=2,
        choices=Session.choices,
        blank=True,
        help_text="Only for this session (/ is the morning mark, \\ the afternoon's).",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.code} – {self.meaning}"


class ExitOutcome(models.TextChoices):
    RETURNED = "returned", "Returned to the home school"
    MANAGED_MOVE = "managed_move", "Managed move"
    ANOTHER_TIER = "another_tier", "Moved to another tier"
    POST_16 = "post_16", "Post-16 destination"
    NEET = "neet", "Not in education, employment or training (NEET)"
    OTHER = "other", "Other"


class Placement(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="placement"
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="placements")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="placements"
    )
    # The setting: a training provider, the AP academy or a receiving school.
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="placements_provided"
    )
    home_school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="placements_commissioned"
    )
    starts_on = models.DateField()
    planned_end_on = models.DateField()
    days_per_week = models.DecimalField(max_digits=2, decimal_places=1)
    # Copied from the programme when the placement is made, so a later change to the model
    # of support does not rewrite what the home school recorded.
    registration = models.CharField(
        max_length=10, choices=Registration.choices, default=Registration.SINGLE
    )
    away_code = models.CharField(
        "Home-school code for sessions away",
        max_length=1,
        choices=AwayCode.choices,
        default=AwayCode.B,
    )
    # The sessions of the week at the setting, such as ["mon_am", "mon_pm"], outside any
    # phase; every other school session of the placement is at the home school.
    pattern = models.JSONField(default=list, blank=True)
    monitoring_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements_monitored",
    )
    safeguarding_confirmed_on = models.DateField(
        "Date of the provider's written confirmation of safeguarding checks", null=True, blank=True
    )
    safeguarding_confirmed_by = models.CharField(
        "Who at the provider confirmed it", max_length=200, blank=True
    )
    ended_on = models.DateField(null=True, blank=True)
    exit_outcome = models.CharField(max_length=20, choices=ExitOutcome.choices, blank=True)
    exit_detail = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_on__gte=models.F("starts_on")),
                name="placement_ends_on_or_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["provider", "starts_on"]),
            # The lists behind the figures, latest start first.
            models.Index(fields=["-starts_on", "-id"], name="placement_starts_desc"),
            # The open placements list, by planned end (and ending soon, past planned end).
            models.Index(
                fields=["planned_end_on", "id"],
                condition=models.Q(ended_on__isnull=True),
                name="placement_open_by_end",
            ),
            # The ended placements list, by planned end, and its count.
            models.Index(
                fields=["planned_end_on", "id"],
                condition=models.Q(ended_on__isnull=False),
                name="placement_ended_by_end",
            ),
            # A home school's placements during a term (school_reviews: the schools with
            # students in AP, counted and listed on the CAP team's pages).
            models.Index(
                fields=["home_school", "starts_on", "ended_on"], name="placement_school_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"Placement {str(self.uuid)[:8]}"

    @property
    def last_day(self):
        """The last day the student is expected at the setting."""
        return self.ended_on or self.planned_end_on

    @property
    def is_dual(self) -> bool:
        return self.registration == Registration.DUAL


class Phase(models.Model):
    """A stretch of a placement with its own pattern, such as Refocus's graduated return."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=80)
    starts_on = models.DateField()
    ends_on = models.DateField()
    pattern = models.JSONField(default=list)
    # Made from the rules file's phases and the placement's dates, and made again when the
    # dates change; a phase a person added (a change of sessions) is never remade.
    planned = models.BooleanField(default=False)

    class Meta:
        ordering = ["placement", "starts_on"]

    def __str__(self) -> str:
        return self.name


class Mark(models.Model):
    """The code the setting recorded for one session of one placement, as it is now.
    MarkChange keeps every version of it."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.ForeignKey(
        AttendanceCode, on_delete=models.PROTECT, to_field="code", related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "date", "session"], name="mark_one_per_session"
            )
        ]
        indexes = [models.Index(fields=["date", "placement"])]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code_id}"


class MarkChange(models.Model):
    """One entry or correction of a mark: who, when, what it was before. Never changed."""

    mark = models.ForeignKey(Mark, on_delete=models.PROTECT, related_name="changes")
    previous_code = models.CharField(max_length=2, blank=True)
    code = models.CharField(max_length=2)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    late = models.BooleanField(help_text="Entered after the register window closed.")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.previous_code or '–'} to {self.code}"


class MarkTally(models.Model):
    """The marks of one placement in one week, counted by how DfE statistics treat their
    codes, with how many were first entered after the register closed.

    Oversight counts from here rather than from every mark (20 million at national
    volume): services.register_save keeps the weeks it touches in the same transaction
    as the marks, so the tallies are as current as the marks; services.tallies_rebuild
    recounts them for marks written any other way (the demo, a data migration)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="tallies")
    week = models.DateField(help_text="The Monday of the week.")
    present = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    not_possible = models.PositiveIntegerField(default=0)
    entered_late = models.PositiveIntegerField(
        default=0, help_text="Marks whose first entry came after the register closed."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement", "week"], name="mark_tally_one_per_week")
        ]
        # Every figure picks the weeks of a year or term first, then the placements.
        indexes = [models.Index(fields=["week", "placement"], name="mark_tally_week")]

    def __str__(self) -> str:
        return f"Week of {self.week}"


class SettingTally(models.Model):
    """The tallies (MarkTally) of every placement at one setting in one week, added up.

    The CAP team's attendance figures count the whole authority: a year is 2,300 settings'
    forty weeks here rather than 1.5 million placements' weeks in MarkTally. Kept in the
    same transaction as the tallies it adds up (services.register_save and
    services.tallies_rebuild), so it always equals their sum; figures for fewer placements
    (a caseload, a school's students) still count MarkTally. A placement never changes
    setting, so its weeks always belong to the same row. Counts only: no student in it."""

    # The unique constraint's index, (provider, week), serves the foreign key: a second
    # index on provider alone would tempt the planner to read every year of a setting.
    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    week = models.DateField(help_text="The Monday of the week.")
    present = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    not_possible = models.PositiveIntegerField(default=0)
    entered_late = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "week"], name="setting_tally_one_per_week")
        ]
        # Every figure picks the weeks of a year or term first.
        indexes = [models.Index(fields=["week", "provider"], name="setting_tally_week")]

    def __str__(self) -> str:
        return f"Week of {self.week}"


class AlertKind(models.TextChoices):
    MISSING = "missing", "No mark after the register closed"
    ABSENT = "absent", "Absent"


class Alert(models.Model):
    """A same-day attendance alert for the home school and the monitoring officer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="alerts")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    code = models.CharField(max_length=2, blank=True)
    raised_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A missing mark that then arrives.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "date", "session", "kind"], name="alert_one_per_session"
            )
        ]
        indexes = [
            models.Index(fields=["date", "placement"], name="alert_date"),
            # The CAP team's alerts page (placements.selectors.open_alerts): the newest 200 of
            # millions are read in order, not sorted from the whole week's.
            models.Index(fields=["-date", "-raised_at"], name="alert_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} {self.session}"


class ReportRun(models.Model):
    """One request to produce the termly report of every open placement in a term, worked
    through in batches by the task workers. The CAP team can stop a run and resume it: each
    resumption is a new round of batches for the placements still without a report, and the
    batches of an earlier round, still queued, then do nothing."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    # Nobody when the scheduler asked for it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0, help_text="Placements in this round.")
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    round = models.PositiveIntegerField(default=1)
    batches = models.PositiveIntegerField(default=0, help_text="Batches in this round.")
    batches_done = models.PositiveIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Reports for {self.term}"


class TermlyReport(models.Model):
    """A placement's report for one term, kept exactly as issued: its PDF is stored
    encrypted with its checksum and never regenerated."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="reports")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(
        ReportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    stored_name = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "term"], name="report_one_per_term")
        ]

    def __str__(self) -> str:
        return f"Report for {self.term}"


# --- Progress, behaviour, reviews, plans and the student's view ---------------------------
# Entries are added, never edited: a later entry (a target's review, a new plan) says what
# changed. Recorded by the setting or the CAP team; the home school reads them.


class Recorded(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class TargetStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    WORKING = "working", "Working towards"
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"


class Target(Recorded):
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="targets")
    text = models.CharField("Target", max_length=500)
    set_on = models.DateField("Date set")
    review_by = models.DateField("Review by", null=True, blank=True)

    class Meta:
        ordering = ["set_on", "id"]

    def __str__(self) -> str:
        return self.text


class TargetReview(Recorded):
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField("Date reviewed")
    status = models.CharField(max_length=15, choices=TargetStatus.choices)
    note = models.TextField("What was seen", blank=True)

    class Meta:
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return self.get_status_display()


class AssessmentKind(models.TextChoices):
    WELLBEING_BEFORE = "wellbeing_before", "Insight well-being assessment (before)"
    WELLBEING_AFTER = "wellbeing_after", "Insight well-being assessment (after)"
    REFOCUS_360 = "refocus_360", "Refocus 360 assessment"
    OTHER = "other", "Another assessment"


class Assessment(Recorded):
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    taken_on = models.DateField("Date taken")
    score = models.PositiveSmallIntegerField("Score, if it has one", null=True, blank=True)
    summary = models.TextField("Summary")

    class Meta:
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Qualification(Recorded):
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="qualifications"
    )
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=40, blank=True)
    grade = models.CharField(max_length=40, blank=True)
    gained_on = models.DateField("Date gained")

    class Meta:
        ordering = ["gained_on", "id"]

    def __str__(self) -> str:
        return self.title


class BehaviourKind(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class BehaviourCategory(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement with learning"
    RELATIONSHIPS = "relationships", "Relationships with staff and peers"
    ACHIEVEMENT = "achievement", "Achievement"
    DISRUPTION = "disruption", "Disruption"
    DEFIANCE = "defiance", "Refusal or defiance"
    AGGRESSION = "aggression", "Verbal or physical aggression"
    PROPERTY = "property", "Damage to property"
    SUBSTANCES = "substances", "Substances"
    OTHER = "other", "Other"


class BehaviourEntry(Recorded):
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="behaviour")
    happened_on = models.DateField("Date")
    kind = models.CharField(max_length=10, choices=BehaviourKind.choices)
    category = models.CharField(max_length=20, choices=BehaviourCategory.choices)
    note = models.TextField("What happened")

    class Meta:
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_category_display()}"


class Review(Recorded):
    """A review meeting: who came, what was said, and what each person will do by when."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField("Date of the meeting")
    attendees = models.TextField("Who attended")
    notes = models.TextField("Notes")
    actions = models.JSONField(default=list, blank=True)  # [{"action", "owner", "due_on"}]

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Review on {self.held_on}"

    def action_list(self) -> list[dict]:
        """The actions with their due dates as dates, for pages and reports."""
        return [{**a, "due_on": dt.date.fromisoformat(a["due_on"])} for a in self.actions]


class ReviewEntryKind(models.TextChoices):
    NOTE = "note", "Note"
    ACTION = "action", "Action"


class ReviewEntry(Recorded):
    """A note or an action added to a review meeting after it was recorded, by someone
    working with the student: an agency professional linked to them, the setting or the
    CAP team. Added, never edited, like the review itself."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=ReviewEntryKind.choices)
    # Whom the person added it for (their agency, the setting, the local authority).
    recorded_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    owner = models.CharField("Who will do it", max_length=200, blank=True)
    due_on = models.DateField("By when", null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="note") | models.Q(due_on__isnull=False),
                name="review_entry_action_has_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on a review"


class PlanKind(models.TextChoices):
    ISP = "isp", "Individual Support Plan"
    ATTENDANCE = "attendance", "Attendance Plan"
    BEHAVIOUR = "behaviour", "Behaviour Plan"
    MY_SUPPORT = "my_support", "My Support Plan"


class SupportPlan(Recorded):
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=15, choices=PlanKind.choices)
    starts_on = models.DateField("Start date")
    review_on = models.DateField("Review date")
    summary = models.TextField("What the plan says")

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class StudentView(Recorded):
    """The student's own view of the placement, in their words."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="student_views")
    given_on = models.DateField("Date given")
    view = models.TextField("The student's view, in their words")

    class Meta:
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"Student's view on {self.given_on}"


class ExitFollowUp(Recorded):
    """A follow-up of a post-16 destination after the placement ended."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="follow_ups")
    checked_on = models.DateField("Date checked")
    still_there = models.BooleanField("Still in the destination")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["checked_on", "id"]

    def __str__(self) -> str:
        return f"Follow-up on {self.checked_on}"


# --- Monitoring officers' visits ---------------------------------------------------------


class VisitKind(models.TextChoices):
    SETTING = "setting", "Visit at the setting"
    HOME = "home", "Home visit"
    ONE_TO_ONE = "one_to_one", "One-to-one session"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HAPPENED = "happened", "Happened"
    DID_NOT_HAPPEN = "did_not_happen", "Did not happen"


class VisitMissedReason(models.TextChoices):
    CANCELLED_BY_CAP = "cancelled_by_cap", "Cancelled by the CAP team"
    CANCELLED_BY_SETTING = "cancelled_by_setting", "Cancelled by the setting"
    CANCELLED_BY_FAMILY = "cancelled_by_family", "Cancelled by the family"
    STUDENT_ABSENT = "student_absent", "The student was absent"
    NO_ACCESS = "no_access", "No one was at home or we could not get in"
    OTHER = "other", "Another reason"


class Visit(models.Model):
    """A monitoring officer's visit to a student: at the setting, at home, or a one-to-one
    session. Planned for a day (and perhaps a time) by an officer, then recorded once: what
    was found and what happens next, or why it did not happen. placements.visits says which
    status may follow which and when the next visit is due."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=12, choices=VisitKind.choices)
    status = models.CharField(
        max_length=15, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    planned_on = models.DateField("Date of the visit")
    planned_time = models.TimeField("Time", null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits_made"
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField()
    # What happened: recorded once, by the CAP team.
    happened_on = models.DateField(null=True, blank=True)
    seen = models.CharField("Who was seen", max_length=300, blank=True)
    findings = models.TextField("What was found", blank=True)
    next_steps = models.TextField("Next steps", blank=True)
    next_steps_owner = models.CharField("Who will do them", max_length=200, blank=True)
    next_steps_due_on = models.DateField("By when", null=True, blank=True)
    missed_reason = models.CharField(max_length=25, choices=VisitMissedReason.choices, blank=True)
    missed_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-planned_on", "-id"]
        indexes = [
            # A placement's visits, newest first (its page), and the latest visit of a kind.
            models.Index(fields=["placement", "-planned_on"], name="visit_placement_newest"),
            # An officer's planned visits by date (the overdue list on their home page).
            models.Index(
                fields=["officer", "planned_on"],
                condition=models.Q(status="planned"),
                name="visit_officer_planned",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="happened") | models.Q(happened_on__isnull=False),
                name="visit_happened_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="did_not_happen") | ~models.Q(missed_reason=""),
                name="visit_missed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {str(self.uuid)[:8]}"

    @property
    def is_planned(self) -> bool:
        return self.status == VisitStatus.PLANNED

    @property
    def time_words(self) -> str:
        """The planned time the GOV.UK way ("9:30am"), or "" when none was given."""
        return time_of_day(self.planned_time) if self.planned_time else ""


class ManagedMove(models.Model):
    """A Supported Transfer ending in a managed move: the receiving school confirmed that
    the student joins its roll from `moves_on`. Until that day nothing changes; on it
    (services.managed_moves_apply, run daily, or at once for today or a past day) the
    student's home school becomes the receiving school and the registrations follow."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.OneToOneField(
        Placement, on_delete=models.PROTECT, related_name="managed_move"
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="managed_moves")
    from_school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    moves_on = models.DateField("Date the student joins the school's roll")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-moves_on", "-id"]
        indexes = [
            # The daily job's moves due, and the schools' moves still to happen.
            models.Index(
                fields=["moves_on"],
                condition=models.Q(applied_at__isnull=True),
                name="managed_move_due",
            )
        ]

    def __str__(self) -> str:
        return f"Managed move {str(self.uuid)[:8]}"
