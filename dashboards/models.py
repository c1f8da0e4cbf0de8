"""What the CAP manager sets for oversight: the threshold under which numbers are withheld
outside the CAP team."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DEFAULT_THRESHOLD = 5


class OversightSettings(models.Model):
    """One row, changed by the CAP manager; each change is audited."""

    suppress_below = models.PositiveSmallIntegerField(
        "Withhold numbers below",
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Counts from 1 up to one less than this are shown as “c” outside the CAP team.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "oversight settings"

    def __str__(self) -> str:
        return f"Withhold numbers below {self.suppress_below}"
