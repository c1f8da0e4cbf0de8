"""The scheduled jobs as the CAP manager sees them: each registered job beside its row."""

from dataclasses import dataclass

from scheduling.models import ScheduledJob
from scheduling.registry import Job, registered


@dataclass(frozen=True)
class JobListing:
    job: Job
    row: ScheduledJob | None  # None until a scheduler has first run


def jobs_listed() -> list[JobListing]:
    """Every registered job, in name order, with its next and last run: one query."""
    jobs = registered()
    rows = {row.name: row for row in ScheduledJob.objects.filter(name__in=jobs)}
    return [JobListing(job, rows.get(name)) for name, job in jobs.items()]


def jobs_failed_count() -> int:
    """How many registered jobs failed their last run."""
    return ScheduledJob.objects.filter(name__in=registered(), last_outcome="failed").count()
