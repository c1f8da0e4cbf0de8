"""A placement: a student on a programme at a setting, from start to exit. This is the
record the provider route ends in; registers, monitoring and exits build on it."""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from programmes.models import Course, Programme
from students.models import Student


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
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="placements_provided"
    )
    home_school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="placements_commissioned"
    )
    starts_on = models.DateField()
    planned_end_on = models.DateField()
    days_per_week = models.DecimalField(max_digits=2, decimal_places=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_on__gte=models.F("starts_on")),
                name="placement_ends_on_or_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Placement {str(self.uuid)[:8]}"
