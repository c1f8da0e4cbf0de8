"""The jobs the scheduler runs, registered by the apps that own them.

Scheduling sits low in the layers and knows no domain: each app registers its periodic
commands at start-up (in its hooks.py), naming the job, saying what it does and when it
runs, and the management command that does it. `manage.py run_scheduler` runs them.

When a job runs is one of three schedules, all in the service's time zone (Europe/London):
`Daily` (times of day, on working days or every day), `Every` (every few minutes, within
hours of the day if given) and `OnDays` (a day the owning app works out, such as the first
working day after each term ends).
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from lib.dates import is_working_day, time_of_day

# How far ahead a schedule looks for its next day: beyond this it has none.
HORIZON_DAYS = 400


class Schedule(Protocol):
    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first time strictly after `moment` when the job runs, or None if none."""

    def words(self) -> str:
        """When the job runs, for the CAP manager's page."""


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _times(times: tuple[dt.time, ...]) -> str:
    written = [time_of_day(t) for t in times]
    return written[0] if len(written) == 1 else ", ".join(written[:-1]) + " and " + written[-1]


@dataclass(frozen=True)
class Daily:
    """At these times of day: on working days (England and Wales), or every day."""

    times: tuple[dt.time, ...]
    working_days: bool = True

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        first = timezone.localtime(moment).date()
        for offset in range(HORIZON_DAYS):
            day = first + dt.timedelta(days=offset)
            if self.working_days and not is_working_day(day):
                continue
            for time in sorted(self.times):
                if (candidate := _at(day, time)) > moment:
                    return candidate
        return None

    def words(self) -> str:
        days = "Working days" if self.working_days else "Every day"
        return f"{days} at {_times(tuple(sorted(self.times)))}"


@dataclass(frozen=True)
class Every:
    """Every so many minutes, counted from `start` (midnight if not given) up to `end`
    (the end of the day if not given), on working days or every day."""

    minutes: int
    start: dt.time | None = None
    end: dt.time | None = None
    working_days: bool = False

    def __post_init__(self):
        if self.minutes < 1:
            raise ImproperlyConfigured("A job runs at most once a minute.")

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        step = dt.timedelta(minutes=self.minutes)
        first = timezone.localtime(moment).date()
        for offset in range(HORIZON_DAYS):
            day = first + dt.timedelta(days=offset)
            if self.working_days and not is_working_day(day):
                continue
            opens = _at(day, self.start or dt.time(0, 0))
            closes = _at(day, self.end) if self.end else _at(day + dt.timedelta(days=1), dt.time())
            if moment < opens:
                return opens
            # Counted in real time (UTC) from the start, so a clock change keeps the spacing:
            # Python subtracts two London times as wall-clock times.
            start = opens.astimezone(dt.UTC)
            candidate = start + ((moment.astimezone(dt.UTC) - start) // step + 1) * step
            if candidate <= closes and (self.end or candidate < closes):
                return timezone.localtime(candidate)
        return None

    def words(self) -> str:
        every = "Every minute" if self.minutes == 1 else f"Every {self.minutes} minutes"
        if self.start or self.end:
            start = time_of_day(self.start or dt.time(0, 0))
            every += f" from {start} to {time_of_day(self.end)}" if self.end else f" from {start}"
        return every + (" on working days" if self.working_days else "")


@dataclass(frozen=True)
class OnDays:
    """At a time on the days a function gives: `next_day(d)` is the first day on or after
    `d` when the job runs, or None while there is none (no term dates loaded ahead)."""

    next_day: Callable[[dt.date], dt.date | None]
    at: dt.time
    description: str  # "the first working day after each term ends"

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        day = timezone.localtime(moment).date()
        for _ in range(HORIZON_DAYS):
            found = self.next_day(day)
            if found is None:
                return None
            if (candidate := _at(found, self.at)) > moment:
                return candidate
            day = found + dt.timedelta(days=1)
        return None

    def words(self) -> str:
        return f"On {self.description}, at {time_of_day(self.at)}"


@dataclass(frozen=True)
class Job:
    """A periodic job: a management command and its arguments, run by the scheduler."""

    name: str
    description: str  # what it does, for the CAP manager's page
    when: Schedule
    command: str
    args: tuple[str, ...] = field(default=())

    def run(self) -> str:
        """Run the command here and return what it wrote (counts, never personal data)."""
        out = io.StringIO()
        call_command(self.command, *self.args, stdout=out, stderr=out)
        return out.getvalue().strip()

    @property
    def command_line(self) -> str:
        return " ".join(["manage.py", self.command, *self.args])


_JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    """Add a job; each name once."""
    if job.name in _JOBS and _JOBS[job.name] != job:
        raise ImproperlyConfigured(f"Two scheduled jobs are named {job.name!r}.")
    _JOBS[job.name] = job
    return job


def registered() -> dict[str, Job]:
    """Every registered job, by name, in name order."""
    return dict(sorted(_JOBS.items()))
