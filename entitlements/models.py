"""What the CAP team allocates of a school's service level agreement, and each delivery.

An allocation gives one benefit of the year (programmes.Benefit) to one subscribing school:
a practitioner on a day each week, a mentor for a student, a worker for a student's family,
or support as needed. Each delivery is logged against it, or recorded as cancelled with a
reason; a weekly allocation's school weeks with nothing logged are shown as missed
(entitlements.selectors), never stored.
"""

import uuid

from django.core.validators import MaxValueValidator
from django.db import models

from accounts.models import User
from programmes.models import Benefit, Subscription
from students.models import Student


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class Allocation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="allocations"
    )
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="allocations")
    given_by = models.CharField(
        "Who gives it", max_length=200, help_text="The practitioner, mentor or worker."
    )
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices,
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text="The day each week, for a weekly benefit.",
    )
    student = models.ForeignKey(
        Student,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        help_text="The student, for a mentor or a family worker.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(
        null=True, blank=True, help_text="The last day, once the CAP team ends it."
    )
    note = models.TextField(blank=True)
    allocated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subscription__school__name", "benefit__order", "starts_on", "pk"]
        indexes = [models.Index(fields=["subscription", "benefit"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="allocation_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.benefit} for {self.subscription.school}"


class DeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class Delivery(models.Model):
    """One delivery of an allocation, or one that was cancelled and why."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="deliveries")
    on = models.DateField("Date")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    delivered_by = models.CharField("Who delivered it", max_length=200, blank=True)
    what = models.TextField("What was done", blank=True)
    cancelled_because = models.TextField("Why it was cancelled", blank=True)
    students = models.ManyToManyField(Student, blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["allocation", "on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="delivered") | ~models.Q(cancelled_because=""),
                name="delivery_cancelled_with_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.allocation} on {self.on}"

    @property
    def cancelled(self) -> bool:
        return self.status == DeliveryStatus.CANCELLED
