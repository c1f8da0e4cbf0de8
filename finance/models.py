"""Money: the fee kept on each place, its changes, and the termly statements made from the
fees, the year's charging rules (programmes.ChargingRules) and the service level agreement
(programmes.Subscription). Every amount is a whole number of pence; sums are made with
integers and Decimal, never floats.

Statements and their lines are append-only: an issued statement never changes, and a
correction is a new statement that names the one it corrects.
"""

import uuid

from django.db import models

from accounts.models import Organisation, User
from applications.models import Application, ApplicationDocument
from lib.append_only import AppendOnlyModel
from placements.models import Placement
from programmes.models import AcademicYear, Payment, Term


class Fee(models.Model):
    """The fee for one place: copied from the course when the provider offers the place,
    changed only with a reason (FeeChange), and agreed by the school's budget holder before
    CAP confirms the start."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="fee")
    amount_pence = models.PositiveIntegerField()
    set_at = models.DateTimeField()
    withdrawn_on = models.DateField(
        null=True,
        blank=True,
        help_text="The school withdrew the application after the offer, before the start.",
    )
    agreed_by = models.CharField("Budget holder", max_length=200, blank=True)
    agreed_by_role = models.CharField("Budget holder's role", max_length=200, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    # SET_NULL: the school may remove a document it gave in error; the agreement's event in
    # the audit trail keeps the file's name.
    agreement_document = models.ForeignKey(
        ApplicationDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    # The academic year of the place's programme, kept with the fee when it is made (save):
    # the year's fees list (finance.selectors.fees_of_year) is read in order from one index,
    # not from a join of every fee with its application at national volume.
    year = models.ForeignKey(
        AcademicYear,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["set_at"]
        indexes = [models.Index(fields=["year", "-set_at", "-id"], name="fee_year_newest")]

    def __str__(self) -> str:
        return f"Fee {str(self.uuid)[:8]}"

    def save(self, *args, **kwargs):
        if self.year_id is None and self.application_id is not None:
            self.year_id = (
                Application.objects.filter(pk=self.application_id)
                .values_list("programme__year_id", flat=True)
                .first()
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "year"}
        super().save(*args, **kwargs)

    @property
    def agreed(self) -> bool:
        return self.agreed_on is not None


class FeeChange(AppendOnlyModel):
    """One change of a fee: the old and new amounts, why, who and when."""

    append_only_what = "Fee changes"

    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="changes")
    previous_pence = models.PositiveIntegerField()
    amount_pence = models.PositiveIntegerField()
    reason = models.TextField()
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.fee} changed"


class Party(models.TextChoices):
    SCHOOL = "school", "School"
    PROVIDER = "provider", "Provider"


class StatementRun(models.Model):
    """One request to make a term's statements for every school and provider, worked
    through in batches by the task workers. A run can be asked for again: what was issued
    is never made twice."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0, help_text="Statements to make.")
    batches = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Statements for {self.term}"


class StatementCounter(models.Model):
    """The last statement number given in a year: numbers run 1, 2, 3 … with no gaps."""

    year = models.OneToOneField(AcademicYear, on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Statement numbers for {self.year}"


class Statement(AppendOnlyModel):
    """What one school owes for a term, or what is due to one provider, as issued."""

    append_only_what = "Issued statements"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=30, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="statements"
    )
    party = models.CharField(max_length=10, choices=Party.choices)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    payment = models.CharField(
        max_length=30, choices=Payment.choices, help_text="The year's rule when it was issued."
    )
    total_pence = models.BigIntegerField(help_text="The sum of the lines that count in it.")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    reason = models.TextField(blank=True, help_text="Why a correction was issued.")
    run = models.ForeignKey(
        StatementRun, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One statement a term for each school or provider; corrections come after it.
            models.UniqueConstraint(
                fields=["organisation", "party", "term"],
                condition=models.Q(corrects__isnull=True),
                name="statement_one_a_term",
            )
        ]
        indexes = [models.Index(fields=["term", "party"], name="statement_term_party")]

    def __str__(self) -> str:
        return f"Statement {self.number}"


class LineKind(models.TextChoices):
    FEE = "fee", "Placement fee"
    OVER_ALLOWANCE = "over_allowance", "Tier 1 placement past the paid-for allowance"
    WITHDRAWAL = "withdrawal", "Withdrawn before the start"
    AGREEMENT = "agreement", "Service level agreement"


class StatementLine(AppendOnlyModel):
    """One thing charged or due on a statement, with what it was worked out from, so that
    the figure can be checked: `amount_pence` is `due_pence` (what is due for it in all, to
    the statement's term) less `before_pence` (what earlier statements charged for it). A
    negative amount is a credit."""

    append_only_what = "Issued statements"

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    weeks_delivered = models.PositiveSmallIntegerField(null=True, blank=True)
    weeks_planned = models.PositiveSmallIntegerField(null=True, blank=True)
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    due_pence = models.BigIntegerField()
    before_pence = models.BigIntegerField(default=0)
    amount_pence = models.BigIntegerField()
    in_total = models.BooleanField(
        default=True,
        help_text="False for a fee the school pays the provider directly: shown, not charged.",
    )

    class Meta:
        ordering = ["statement", "order"]
        indexes = [models.Index(fields=["application", "kind"], name="line_application_kind")]

    def __str__(self) -> str:
        return f"{self.statement} line {self.order}"


class FinanceCodes(models.Model):
    """The council's finance system's codes, set by the CAP manager or a finance officer:
    the authority's own row holds the cost centre and account codes, each school's its
    customer reference and each provider's its supplier reference."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="finance_codes"
    )
    cost_centre = models.CharField(max_length=20, blank=True)
    income_account = models.CharField(
        "Account code for charges to schools", max_length=20, blank=True
    )
    expenditure_account = models.CharField(
        "Account code for payments to providers", max_length=20, blank=True
    )
    customer_reference = models.CharField(max_length=30, blank=True)
    supplier_reference = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Finance codes for {self.organisation}"
