"""The scheduler: each due job claimed once with a compare-and-set on its row, however many
schedulers run; its outcome recorded; a failing job does not stop the others; SIGTERM stops
the loop promptly."""

import datetime as dt
import io
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from scheduling import registry, services
from scheduling.management.commands import run_scheduler
from scheduling.models import Outcome, ScheduledJob
from scheduling.registry import Daily, Every, Job

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


@dataclass(frozen=True)
class Probe(Job):
    """A job that counts its runs, and fails or asks the scheduler to stop when told."""

    calls: list = field(default_factory=list, compare=False)
    fails: bool = False
    sends_sigterm: bool = False

    def run(self) -> str:
        self.calls.append(timezone.now())
        if self.sends_sigterm:
            os.kill(os.getpid(), signal.SIGTERM)
        if self.fails:
            raise OSError("The disk is full (Jane Doe's report)")
        return "done"


def probe(name: str, **kwargs) -> Probe:
    return Probe(name=name, description=f"The {name}", when=Every(minutes=5), command="", **kwargs)


@pytest.fixture
def clock(monkeypatch):
    """Set the time everything reads (timezone.now)."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    set_to(MONDAY_9AM)
    return set_to


@pytest.fixture
def jobs(monkeypatch):
    """Only the jobs the test registers."""

    def register(*given: Job) -> None:
        monkeypatch.setattr(registry, "_JOBS", {job.name: job for job in given})

    return register


def due(clock, jobs, *given: Job) -> None:
    """Register the jobs, give them rows, and let their first time come."""
    jobs(*given)
    services.jobs_sync()
    clock(MONDAY_9AM + dt.timedelta(minutes=5))


def test_two_schedulers_that_read_the_same_due_job_run_it_once(db, clock, jobs):
    job = probe("sweep")
    due(clock, jobs, job)
    first_read = ScheduledJob.objects.get()
    second_read = ScheduledJob.objects.get()  # another machine, reading at the same moment
    assert services.job_claim(row=first_read, job=job) == MONDAY_9AM + dt.timedelta(minutes=5)
    assert services.job_claim(row=second_read, job=job) is None
    row = ScheduledJob.objects.get()
    assert row.next_run_at == MONDAY_9AM + dt.timedelta(minutes=10)
    assert row.last_outcome == Outcome.RUNNING


def test_once_runs_what_is_due_and_records_its_outcome(db, clock, jobs):
    daily = Job(
        name="check",
        description="Django's checks",
        when=Daily(times=(dt.time(9, 5),)),
        command="check",
    )
    due(clock, jobs, daily)
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue() == "check: ok\n"
    row = ScheduledJob.objects.get()
    assert (row.last_outcome, row.last_error) == (Outcome.OK, "")
    assert row.last_started_at == row.last_finished_at == MONDAY_9AM + dt.timedelta(minutes=5)
    assert row.next_run_at == dt.datetime(2026, 12, 1, 9, 5, tzinfo=LONDON)
    # Run again at once, nothing is due.
    call_command("run_scheduler", "--once", stdout=(out := io.StringIO()))
    assert out.getvalue() == ""


def test_nothing_runs_before_its_time(db, clock, jobs):
    job = probe("sweep")
    jobs(job)
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    assert job.calls == []
    assert ScheduledJob.objects.get().next_run_at == MONDAY_9AM + dt.timedelta(minutes=5)


def test_a_failing_job_is_recorded_as_failed_and_the_others_still_run(db, clock, jobs):
    broken = probe("a_broken", fails=True)
    command = Job(
        name="b_bad_command",
        description="A command that refuses its arguments",
        when=Every(minutes=5),
        command="check",
        args=("--tag", "no-such-tag"),
    )
    fine = probe("c_fine")
    due(clock, jobs, broken, command, fine)
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().splitlines() == [
        "a_broken: failed (OSError)",
        "b_bad_command: failed (CommandError)",
        "c_fine: ok",
    ]
    rows = {row.name: row for row in ScheduledJob.objects.all()}
    assert (rows["a_broken"].last_outcome, rows["a_broken"].last_error) == ("failed", "OSError")
    assert rows["b_bad_command"].last_error == "CommandError"
    assert rows["c_fine"].last_outcome == "ok" and len(fine.calls) == 1
    # The exception's message, which may name someone, is not kept.
    assert not ScheduledJob.objects.filter(last_error__contains="Jane").exists()
    # A failed job is due again at its next time.
    assert rows["a_broken"].next_run_at == MONDAY_9AM + dt.timedelta(minutes=10)


def test_runs_missed_while_no_scheduler_ran_are_run_once(db, clock, jobs):
    job = probe("sweep")
    jobs(job)
    services.jobs_sync()
    clock(MONDAY_9AM + dt.timedelta(days=2, minutes=1))
    services.jobs_run_due()
    services.jobs_run_due()
    assert len(job.calls) == 1
    assert ScheduledJob.objects.get().next_run_at == MONDAY_9AM + dt.timedelta(days=2, minutes=5)


def test_a_changed_schedule_is_worked_out_again(db, clock, jobs):
    jobs(probe("sweep"))
    services.jobs_sync()
    hourly = Probe(name="sweep", description="The sweep", when=Every(minutes=60), command="")
    jobs(hourly)
    services.jobs_sync()
    row = ScheduledJob.objects.get()
    assert (row.when, row.next_run_at) == ("Every 60 minutes", MONDAY_9AM + dt.timedelta(hours=1))


def test_the_loop_goes_on_after_a_failing_job_and_stops_promptly_on_sigterm(
    db, clock, jobs, monkeypatch
):
    # The loop checks its connection between jobs; the test's transaction must stay open.
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    broken = probe("a_broken", fails=True)
    stopper = probe("b_stopper", sends_sigterm=True)
    later = probe("c_later")
    due(clock, jobs, broken, stopper, later)
    before = signal.getsignal(signal.SIGTERM)
    out = io.StringIO()
    started = time.monotonic()
    call_command("run_scheduler", "--max-sleep", "30", stdout=out)
    assert time.monotonic() - started < 5  # it did not wait for the next job
    assert out.getvalue().splitlines() == [
        "The scheduler is running; SIGTERM or Ctrl+C stops it.",
        "a_broken: failed (OSError)",
        "b_stopper: ok",
        "The scheduler has stopped.",
    ]
    assert later.calls == []  # told to stop, it took no further job
    assert signal.getsignal(signal.SIGTERM) == before


def test_two_schedulers_at_once_run_a_due_job_once(transactional_db, clock, jobs):
    """Two schedulers, each with its own connection, as on two machines."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory file; run on PostgreSQL")
    job = probe("sweep")
    due(clock, jobs, job)
    start = threading.Barrier(2)
    ran = []

    def scheduler():
        try:
            start.wait()
            ran.extend(services.jobs_run_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(job.calls) == 1
    assert [r.name for r in ran] == ["sweep"]


def _on_mondays(description: str = "Mondays") -> registry.OnDays:
    def next_monday(day: dt.date) -> dt.date:
        return day + dt.timedelta(days=(7 - day.weekday()) % 7)

    return registry.OnDays(next_day=next_monday, at=dt.time(7, 0), description=description)


def test_a_job_on_given_days_set_up_after_its_hour_on_the_day_still_runs_that_day(db, clock, jobs):
    # MONDAY_9AM is a Monday, two hours after the job's time: it must not wait a week (for
    # a termly job, a term).
    job = Probe(name="termly", description="Termly", when=_on_mondays(), command="")
    jobs(job)

    ran = services.jobs_run_due()

    assert [r.name for r in ran] == ["termly"]
    assert ScheduledJob.objects.get().next_run_at == dt.datetime(2026, 12, 7, 7, 0, tzinfo=LONDON)


def test_a_job_on_given_days_that_ran_today_does_not_run_again_when_its_schedule_changes(
    db, clock, jobs
):
    jobs(Probe(name="termly", description="Termly", when=_on_mondays(), command=""))
    services.jobs_sync()
    ScheduledJob.objects.update(
        next_run_at=None, last_started_at=dt.datetime(2026, 11, 30, 7, 0, tzinfo=LONDON)
    )
    changed = Probe(name="termly", description="Termly", when=_on_mondays("Monday"), command="")
    jobs(changed)

    assert services.jobs_run_due() == []
    assert changed.calls == []


def test_a_run_left_running_longer_than_any_job_takes_is_recorded_as_interrupted(
    db, clock, jobs, settings
):
    settings.CAP_SCHEDULED_JOB_LIMIT_HOURS = 6
    jobs(probe("stuck"), probe("busy"))
    services.jobs_sync()
    ScheduledJob.objects.filter(name="stuck").update(
        last_outcome=Outcome.RUNNING, last_started_at=MONDAY_9AM - dt.timedelta(hours=7)
    )
    ScheduledJob.objects.filter(name="busy").update(
        last_outcome=Outcome.RUNNING, last_started_at=MONDAY_9AM - dt.timedelta(hours=5)
    )

    services.jobs_sync()

    rows = {row.name: row for row in ScheduledJob.objects.all()}
    assert (rows["stuck"].last_outcome, rows["stuck"].last_error) == (
        Outcome.FAILED,
        services.INTERRUPTED,
    )
    assert rows["busy"].last_outcome == Outcome.RUNNING
