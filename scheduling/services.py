"""Running the registered jobs: each job's row holds its next run, and a scheduler claims
a due run with one compare-and-set UPDATE on that row, so that two schedulers on two
machines run each job once (on SQLite and PostgreSQL alike, with no lock held while the job
runs). The last run's start, end and outcome are kept on the row for the CAP manager."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from scheduling.models import Outcome, ScheduledJob
from scheduling.registry import Job, OnDays, Schedule, registered

logger = logging.getLogger(__name__)


# The error recorded for a run whose scheduler stopped (the machine restarted, say) before
# the run finished.
INTERRUPTED = "Interrupted"


@dataclass(frozen=True)
class Ran:
    name: str
    outcome: str
    error: str = ""


def _first_run(when: Schedule, now: dt.datetime, last_started_at: dt.datetime | None):
    """When a job runs first after its schedule is (re)worked out. A job on given days
    (such as once a term) that is due earlier today and has not run since still runs today:
    one set up or given its term dates after its hour on the day must not wait a term."""
    if isinstance(when, OnDays):
        midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
        today = when.next_after(midnight - dt.timedelta(microseconds=1))
        if today is not None and today <= now and (last_started_at or midnight) < today:
            return today
    return when.next_after(now)


def jobs_sync() -> None:
    """Give each registered job a row with its next run. The next run is worked out again
    when the job's schedule has changed, or when it had none (its term dates were not yet
    loaded). A run left "running" for longer than any job takes is recorded as
    interrupted: its scheduler stopped without finishing it."""
    now = timezone.now()
    jobs = registered()
    rows = {row.name: row for row in ScheduledJob.objects.filter(name__in=jobs)}
    missing = [
        ScheduledJob(name=name, when=job.when.words(), next_run_at=_first_run(job.when, now, None))
        for name, job in jobs.items()
        if name not in rows
    ]
    # Another scheduler may be adding the same rows: the first one's stay.
    ScheduledJob.objects.bulk_create(missing, ignore_conflicts=True)
    for name, row in rows.items():
        words = jobs[name].when.words()
        if row.when != words or row.next_run_at is None:
            ScheduledJob.objects.filter(
                pk=row.pk, when=row.when, next_run_at=row.next_run_at
            ).update(when=words, next_run_at=_first_run(jobs[name].when, now, row.last_started_at))
    limit = dt.timedelta(hours=settings.CAP_SCHEDULED_JOB_LIMIT_HOURS)
    ScheduledJob.objects.filter(
        last_outcome=Outcome.RUNNING, last_started_at__lt=now - limit
    ).update(last_outcome=Outcome.FAILED, last_error=INTERRUPTED)


def job_claim(*, row: ScheduledJob, job: Job) -> dt.datetime | None:
    """Take the run that `row` (as read) says is due: move its next run on, from the value
    read, to the schedule's next time. Returns when the run started, or None when another
    scheduler took it first (the row no longer holds the value read)."""
    started_at = timezone.now()
    claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=job.when.next_after(started_at),
        last_started_at=started_at,
        last_finished_at=None,
        last_outcome=Outcome.RUNNING,
        last_error="",
    )
    return started_at if claimed else None


def job_record(*, name: str, started_at: dt.datetime, error: BaseException | None) -> None:
    """The outcome of the run that started at `started_at`: ok, or failed with the
    exception's class (its message might name someone, so it is only logged)."""
    ScheduledJob.objects.filter(name=name, last_started_at=started_at).update(
        last_finished_at=timezone.now(),
        last_outcome=Outcome.FAILED if error else Outcome.OK,
        last_error=type(error).__name__ if error else "",
    )


def job_run(*, job: Job, started_at: dt.datetime) -> Ran:
    """Run a claimed job and record its outcome. A job that fails is recorded and logged,
    and the scheduler goes on with the others."""
    try:
        output = job.run()
    except Exception as error:
        logger.exception("Scheduled job %s failed", job.name)
        job_record(name=job.name, started_at=started_at, error=error)
        return Ran(job.name, Outcome.FAILED, type(error).__name__)
    logger.info("Scheduled job %s finished: %s", job.name, output or "no output")
    job_record(name=job.name, started_at=started_at, error=None)
    return Ran(job.name, Outcome.OK)


def jobs_run_due(*, should_stop: Callable[[], bool] = lambda: False) -> list[Ran]:
    """Run every registered job that is due and not taken by another scheduler, one after
    another, until `should_stop` says to stop. Returns what ran."""
    jobs_sync()
    jobs = registered()
    due = ScheduledJob.objects.filter(name__in=jobs, next_run_at__lte=timezone.now()).order_by(
        "next_run_at", "name"
    )
    ran = []
    for row in list(due):
        if should_stop():
            break
        started_at = job_claim(row=row, job=jobs[row.name])
        if started_at is not None:
            ran.append(job_run(job=jobs[row.name], started_at=started_at))
    return ran


def jobs_next_due() -> dt.datetime | None:
    """When the next registered job is due, if any is."""
    return (
        ScheduledJob.objects.filter(name__in=registered(), next_run_at__isnull=False)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
