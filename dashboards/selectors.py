"""Reads of what the CAP manager set for oversight."""

from django.db.models import Count, QuerySet

from dashboards.models import (
    DEFAULT_THRESHOLD,
    OversightSettings,
    PopulationCount,
    PopulationUpload,
)


def threshold() -> int:
    """Counts from 1 to one less than this are withheld outside the CAP team
    (dashboards.report.suppress): the CAP manager's setting, or the default."""
    value = (
        OversightSettings.objects.order_by("pk").values_list("suppress_below", flat=True).first()
    )
    return value or DEFAULT_THRESHOLD


def population_uploads(*, limit: int = 20) -> QuerySet[PopulationUpload]:
    """The latest uploads, newest first."""
    return PopulationUpload.objects.select_related("year", "uploaded_by")[:limit]


def population_loaded() -> list[dict]:
    """Each year's loaded population: how many schools and how many counts."""
    return list(
        PopulationCount.objects.values("year__name")
        .annotate(schools=Count("school", distinct=True), counts=Count("id"))
        .order_by("-year__starts_on", "year__name")
    )
