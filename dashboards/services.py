"""What the CAP manager changes for oversight: the secondary population and the threshold
under which numbers are withheld. Each change is audited, with no personal data: counts and
codes only."""

from django.db import transaction

from accounts.models import User
from audit.services import event_record
from dashboards import rules
from dashboards.models import (
    DEFAULT_THRESHOLD,
    OversightSettings,
    PopulationCount,
    PopulationUpload,
)
from dashboards.population import Read
from lib.errors import Refused
from programmes.models import AcademicYear


def _check_can_manage(by: User) -> None:
    if not rules.can_manage_oversight(by):
        raise Refused("Only the CAP manager changes the oversight settings.")


def population_load(*, year: AcademicYear, read: Read, filename: str, by: User) -> PopulationUpload:
    """Replace the year's population counts for the schools the file names with the file's
    counts, all at once: a school the file does not name keeps what it had."""
    _check_can_manage(by)
    if not read.ok:
        raise Refused("The file has problems: fix them and upload it again.", field="file")
    with transaction.atomic():
        schools = read.schools
        upload = PopulationUpload.objects.create(
            year=year,
            filename=filename[:255],
            rows=len(read.rows),
            schools=len(schools),
            uploaded_by=by,
        )
        replaced, _ = PopulationCount.objects.filter(year=year, school_id__in=schools).delete()
        PopulationCount.objects.bulk_create(
            PopulationCount(
                year=year,
                school=row.school,
                characteristic=row.characteristic,
                value=row.value,
                count=row.count,
                upload=upload,
            )
            for row in read.rows
        )
        event_record(
            actor=by,
            action="oversight.population_loaded",
            obj=upload,
            detail={
                "year": year.name,
                "rows": len(read.rows),
                "schools": len(schools),
                "replaced": replaced,
            },
        )
    return upload


def oversight_threshold_set(*, suppress_below: int, by: User) -> OversightSettings:
    """Set the threshold under which counts are withheld outside the CAP team."""
    _check_can_manage(by)
    if not 1 <= suppress_below <= 20:
        raise Refused("Enter a whole number from 1 to 20", field="suppress_below")
    with transaction.atomic():
        row = OversightSettings.objects.select_for_update().order_by("pk").first()
        if row is None:
            row, before = OversightSettings(), DEFAULT_THRESHOLD
        else:
            before = row.suppress_below
        row.suppress_below = suppress_below
        row.updated_by = by
        row.save()
        event_record(
            actor=by,
            action="oversight.threshold_set",
            obj=row,
            detail={"from": before, "to": suppress_below},
        )
    return row
