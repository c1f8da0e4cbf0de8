"""The graduated model of support as data: everything an authority could change between
years lives here and is loaded from a readable file (programmes/data/), never hard-coded.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Organisation


class YearStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONFIRMED = "confirmed", "Confirmed"


class OverAllowance(models.TextChoices):
    WARN = "warn", "Accept the application and tell the school the placement is not covered"
    REFUSE = "refuse", "Refuse the application"


class AcademicYear(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=7, unique=True, help_text="For example 2025-26.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=YearStatus.choices, default=YearStatus.DRAFT)
    rolled_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=200, blank=True, help_text="Where the data came from.")
    sla_tier1_placements = models.PositiveSmallIntegerField(
        "Paid-for Tier 1 placements in a subscription",
        default=15,
        help_text="Quality-assured Tier 1 placements a subscribing school may use in the year.",
    )
    # Settings the CAP manager chooses for the year.
    over_allowance = models.CharField(
        "Past a school's paid-for Tier 1 placements",
        max_length=10,
        choices=OverAllowance.choices,
        default=OverAllowance.WARN,
    )
    allowance_warning_at = models.PositiveSmallIntegerField(
        "Warn a school when it has this many Tier 1 placements left", default=3
    )
    risk_assessment_valid_days = models.PositiveSmallIntegerField(
        "Days a risk assessment stays up to date", default=90
    )
    draft_reminder_days = models.PositiveSmallIntegerField(
        "Remind the author of a draft untouched for this many days", default=14
    )
    # The service level agreement schools subscribe to.
    agreement_price_pence = models.PositiveIntegerField(
        "Price of the service level agreement, in pence",
        default=0,
        help_text="What a school in no band pays for the year.",
    )
    agreement_includes = models.JSONField(
        default=list, blank=True, help_text="What the agreement includes, one line each."
    )

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="year_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class Term(models.Model):
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=40)
    starts_on = models.DateField()
    ends_on = models.DateField()
    half_term_starts_on = models.DateField(null=True, blank=True)
    half_term_ends_on = models.DateField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class EarlyHelpStep(models.TextChoices):
    """The Early Help steps a tier may ask of a school. The student record holds one yes or
    no for each, named early_help_<step>; the label finishes "Tier 2 needs ..."."""

    OFFER_MADE = "offer_made", "an Early Help offer made to the family"
    CONSENT_GAINED = "consent_gained", "the family's consent to Early Help"
    RECORDED_ON_EHM = "recorded_on_ehm", "the family's consent recorded on EHM"
    ASSESSMENT_AND_PLAN = "assessment_and_plan", "an Early Help assessment and plan"


def validate_early_help_steps(value) -> None:
    if not isinstance(value, list) or any(step not in EarlyHelpStep.values for step in value):
        raise ValidationError(
            f"Give a list of Early Help steps from: {', '.join(EarlyHelpStep.values)}"
        )


def validate_year_groups(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 13 for g in value
    ):
        raise ValidationError("Give a list of year groups, like [10, 11]")


class Tier(models.Model):
    """A tier in the authority's own numbering (Coventry's Tier 3 is "time-limited")."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="tiers")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    early_help = models.TextField("Early Help expectation", blank=True)
    # What the expectation asks of a school before it applies at this tier
    # (EarlyHelpStep names the steps).
    early_help_requires = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_early_help_steps],
        help_text="Any of: offer_made, consent_gained, recorded_on_ehm, assessment_and_plan.",
    )
    early_help_requires_without_plan = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_early_help_steps],
        help_text="Asked only of a family not already on a child protection or child in need plan.",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="tier_unique_number")
        ]

    def __str__(self) -> str:
        return f"Tier {self.number}: {self.name}"


class Route(models.TextChoices):
    """The referral pathways. Each becomes a state table in code with the applications
    work; a programme chooses one by name and names the panels it uses."""

    PROVIDER = "provider", "Provider route"
    PANEL_THEN_PROVIDER = "panel_then_provider", "Panel then provider"
    PANEL_THEN_HEADTEACHERS = "panel_then_headteachers", "Panel then headteachers' panel"
    PANEL_THEN_MULTI_AGENCY = "panel_then_multi_agency", "Panel then multi-agency panel"


class PanelStep(models.TextChoices):
    REVIEW = "review", "Review"
    ALLOCATION = "allocation", "Allocation of a receiving school"
    DECISION = "decision", "Decision"


# The panel steps each route needs, in order.
ROUTE_PANEL_STEPS: dict[str, tuple[str, ...]] = {
    Route.PROVIDER: (),
    Route.PANEL_THEN_PROVIDER: (PanelStep.REVIEW,),
    Route.PANEL_THEN_HEADTEACHERS: (PanelStep.REVIEW, PanelStep.ALLOCATION),
    Route.PANEL_THEN_MULTI_AGENCY: (PanelStep.REVIEW, PanelStep.DECISION),
}


class Registration(models.TextChoices):
    SINGLE = "single", "Single registration at the home school"
    DUAL = "dual", "Main at the home school, subsidiary at the setting"


class AwayCode(models.TextChoices):
    """The code the home school records for a session the student spends away."""

    B = "B", "B – other approved educational activity"
    D = "D", "D – dual registered, at the other school"
    K = "K", "K – provision arranged by the local authority"


class CapacityRule(models.TextChoices):
    NONE = "none", "No capacity limit"
    COHORT = "cohort", "Places per cohort"


class Panel(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="panels")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    purpose = models.TextField(blank=True)
    quorum = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Members present, and not conflicted on the item, needed to decide it.",
    )
    pack_access_days = models.PositiveSmallIntegerField(
        "Days members keep the pack after the meeting",
        default=7,
        help_text="Members see a meeting's pack from its publication until this many days "
        "after the meeting.",
    )
    items_per_meeting = models.PositiveSmallIntegerField(
        "Items a meeting can hear",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty when there is no limit. Items past the limit carry to the next "
        "meeting, in the agenda's order (applications.priority).",
    )

    class Meta:
        ordering = ["year", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="panel_unique_key")]

    def __str__(self) -> str:
        return self.name


class SeatPosition(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice chair"
    MEMBER = "member", "Member"


class PanelSeat(models.Model):
    """A place on a panel and whom it represents, such as "Early Help"."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="seats")
    title = models.CharField(max_length=120)
    position = models.CharField(
        max_length=12, choices=SeatPosition.choices, default=SeatPosition.MEMBER
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["panel", "order"]

    def __str__(self) -> str:
        return self.title


class Programme(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="programmes")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="programmes")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    pathways = models.JSONField(default=list, blank=True)
    route = models.CharField(max_length=30, choices=Route.choices)
    min_weeks = models.PositiveSmallIntegerField()
    max_weeks = models.PositiveSmallIntegerField()
    days_per_week = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(5)],
        help_text="Empty when the authority has not said.",
    )
    year_groups = models.JSONField(
        default=list,
        validators=[validate_year_groups],
        help_text="Eligible national curriculum years.",
    )
    offers_courses = models.BooleanField(
        default=False, help_text="The school chooses a provider's course on this programme."
    )
    delivered_by = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The setting that runs every placement, such as the AP academy.",
    )
    subscription_required = models.BooleanField(default=False)
    subscriber_priority = models.BooleanField(
        default=False, help_text="Subscribing schools have priority for places."
    )
    counts_against_allowance = models.BooleanField(
        default=False,
        help_text="A placement uses one of the subscription's paid-for Tier 1 placements.",
    )
    parental_consent_required = models.BooleanField(
        default=False, help_text="The school must record parental consent to apply."
    )
    capacity_rule = models.CharField(
        max_length=10, choices=CapacityRule.choices, default=CapacityRule.NONE
    )
    yearly_capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    registration = models.CharField(max_length=10, choices=Registration.choices)
    away_code = models.CharField(
        "Home-school code for sessions away", max_length=1, choices=AwayCode.choices
    )
    order = models.PositiveSmallIntegerField(default=0)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["year", "order"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="programme_unique_key"),
            models.CheckConstraint(
                condition=models.Q(max_weeks__gte=models.F("min_weeks")),
                name="programme_weeks_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammePanel(models.Model):
    """Which panel acts at each panel step of the programme's route."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="panel_steps")
    step = models.CharField(max_length=12, choices=PanelStep.choices)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="programme_steps")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "step"], name="programme_panel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_step_display()} by {self.panel}"


class Question(models.Model):
    """A referral consideration the form asks for one programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60)
    text = models.TextField()
    considered_by = models.ForeignKey(
        Panel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The panel that weighs the answer; empty when it is for the school.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="question_unique_key")
        ]

    def __str__(self) -> str:
        return self.text


class ChecklistWhen(models.TextChoices):
    ALWAYS = "always", "Always"
    EHC_PLAN = "ehc_plan", "When the student has an EHC plan"
    FORM = "form", "Met by completing CAP's application form"


class ChecklistItem(models.Model):
    """Evidence an application must carry, for the tiers it applies to."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="checklist")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    tiers = models.ManyToManyField(Tier, related_name="checklist")
    when = models.CharField(
        max_length=10, choices=ChecklistWhen.choices, default=ChecklistWhen.ALWAYS
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["year", "order"]
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="checklist_unique_key")]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A provider's concrete offer under a programme."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="courses")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=200)
    qualification = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=40, blank=True)
    weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    days_per_week = models.DecimalField(max_digits=2, decimal_places=1)
    year_groups = models.JSONField(default=list, validators=[validate_year_groups])
    fee = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"


class Meeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(null=True, blank=True, help_text="Empty when not yet set.")
    referral_deadline = models.DateField()
    programmes = models.ManyToManyField(Programme, related_name="meetings", blank=True)
    note = models.CharField(max_length=300, blank=True)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["referral_deadline", "panel"]

    def __str__(self) -> str:
        when = self.date.strftime("%-d %B %Y") if self.date else "date to be set"
        return f"{self.panel}, {when}"


class Cohort(models.Model):
    """One run of a programme, with its dates and places."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=80)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cohorts",
        help_text="The meeting that fills the cohort.",
    )
    note = models.CharField(max_length=300, blank=True)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.programme} {self.name}"


class AgreementBand(models.Model):
    """A price for the agreement for the schools in one band, such as a band by size."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="agreement_bands")
    name = models.CharField(max_length=120)
    price_pence = models.PositiveIntegerField("Price, in pence")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["year", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="agreement_band_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Payment(models.TextChoices):
    AUTHORITY_PAYS = (
        "authority_pays_providers",
        "The authority pays providers and recharges schools",
    )
    SCHOOLS_PAY = "schools_pay_providers", "Schools pay providers directly"


class EarlyExitCharge(models.TextChoices):
    IN_FULL = "in_full", "The whole fee"
    WEEKS_DELIVERED = "weeks_delivered", "The fee for the school weeks delivered"


class Rounding(models.TextChoices):
    NEAREST = "nearest_penny", "To the nearest penny (half a penny up)"
    DOWN = "penny_down", "Down to the penny"
    UP = "penny_up", "Up to the penny"


class WithdrawalCharge(models.TextChoices):
    NOTHING = "nothing", "Nothing"
    IN_FULL = "in_full", "The whole fee"
    FIXED = "fixed", "A fixed charge"


class ChargingRules(models.Model):
    """How the year's fees are charged: the CAP manager's choices, one set for each year."""

    year = models.OneToOneField(AcademicYear, on_delete=models.CASCADE, related_name="charging")
    payment = models.CharField(
        "Who pays providers", max_length=30, choices=Payment.choices, default=Payment.AUTHORITY_PAYS
    )
    early_exit = models.CharField(
        "A placement that ends early is charged",
        max_length=20,
        choices=EarlyExitCharge.choices,
        default=EarlyExitCharge.WEEKS_DELIVERED,
    )
    rounding = models.CharField(
        "A fee is rounded", max_length=20, choices=Rounding.choices, default=Rounding.NEAREST
    )
    withdrawn_before_start = models.CharField(
        "A placement withdrawn before it starts is charged",
        max_length=10,
        choices=WithdrawalCharge.choices,
        default=WithdrawalCharge.NOTHING,
    )
    withdrawal_charge_pence = models.PositiveIntegerField(
        "Fixed charge for a withdrawal, in pence",
        default=0,
        help_text="Only with a fixed charge for a placement withdrawn before it starts.",
    )
    over_allowance_charge_pence = models.PositiveIntegerField(
        "Charge past the allowance, in pence",
        default=0,
        help_text="Charged to the school for each Tier 1 placement past its paid-for "
        "allowance, on top of the fee.",
    )
    agreement_charged_in = models.PositiveSmallIntegerField(
        "Term charged for the agreement",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="The term, counted from 1, whose statement carries the agreement's price.",
    )

    class Meta:
        verbose_name_plural = "charging rules"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_before_start=WithdrawalCharge.FIXED)
                | models.Q(withdrawal_charge_pence=0),
                name="charging_withdrawal_charge_only_when_fixed",
                violation_error_message="A withdrawal charge is only for a fixed charge.",
            )
        ]

    def __str__(self) -> str:
        return f"Charging rules {self.year}"


class Subscription(models.Model):
    """A school's service level agreement for one academic year."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="subscriptions")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="subscriptions")
    tier1_placements = models.PositiveSmallIntegerField(
        "Paid-for Tier 1 placements", help_text="Copied from the year when the school subscribes."
    )
    band = models.ForeignKey(
        AgreementBand,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        help_text="Empty when the school pays the year's price.",
    )
    price_pence = models.PositiveIntegerField(
        "Price, in pence", default=0, help_text="The agreement's price for this school, in pence."
    )
    signed_on = models.DateField(null=True, blank=True)
    signed_by = models.CharField(
        max_length=200, blank=True, help_text="Who signed for the school: name and role."
    )

    class Meta:
        ordering = ["year", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "school"], name="subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year}"

    def clean(self) -> None:
        if self.band_id and self.year_id and self.band.year_id != self.year_id:
            raise ValidationError({"band": f"Choose a band of {self.year}."})


def validate_tier_numbers(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value
    ):
        raise ValidationError("Give a list of tier numbers, like [2, 3]")


class BenefitGivenAs(models.TextChoices):
    """How a benefit of the agreement reaches a school: what the CAP team allocates."""

    PRACTITIONER_WEEKLY = "practitioner_weekly", "A practitioner in school on a day each week"
    PERSON_FOR_STUDENT = "person_for_student", "A person for a student"
    WORKER_FOR_FAMILY = "worker_for_family", "A worker for a student's family"
    SUPPORT_AS_NEEDED = "support_as_needed", "Support and advice as the school needs it"
    ONE_TO_ONES = "one_to_ones", "One-to-one meetings with the headteacher"
    PROGRAMME = "programme", "A programme for the school's staff"
    EVENT_PLACES = "event_places", "Places at events"


# The ways of giving that are about one student: the allocation names the student.
BENEFIT_FOR_A_STUDENT = frozenset(
    {BenefitGivenAs.PERSON_FOR_STUDENT, BenefitGivenAs.WORKER_FOR_FAMILY}
)


class BenefitFrequency(models.TextChoices):
    AS_NEEDED = "as_needed", "As needed"
    WEEKLY = "weekly", "Each week"


class Benefit(models.Model):
    """Something a school's service level agreement gives it beyond placements, such as the
    SEMHL practitioner's half day a week, as the authority's document lists them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="benefits")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    gives = models.TextField("What it gives")
    given_as = models.CharField("How it is given", max_length=30, choices=BenefitGivenAs.choices)
    frequency = models.CharField(
        max_length=10, choices=BenefitFrequency.choices, default=BenefitFrequency.AS_NEEDED
    )
    length = models.CharField(
        max_length=60, blank=True, help_text="How long each delivery is, like half a day."
    )
    provided_by = models.CharField(
        max_length=120, blank=True, help_text="The team or service that provides it."
    )
    tiers = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_tier_numbers],
        help_text="The tiers it belongs to, like [3]; empty for every subscribing school.",
    )
    condition = models.CharField(
        max_length=120, blank=True, help_text="When it is given, like if appropriate."
    )
    confidential = models.BooleanField(
        default=False,
        help_text="Seen only by the school's headteacher and the CAP manager.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["year", "order"]
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="benefit_unique_key")]

    def __str__(self) -> str:
        return self.name

    @property
    def allocated(self) -> bool:
        """Whether the CAP team allocates it to schools; event places are the events'."""
        return self.given_as != BenefitGivenAs.EVENT_PLACES

    @property
    def for_a_student(self) -> bool:
        return self.given_as in BENEFIT_FOR_A_STUDENT

    @property
    def weekly(self) -> bool:
        return self.frequency == BenefitFrequency.WEEKLY
