from django.db import models


class Outcome(models.TextChoices):
    RUNNING = "running", "Running"
    OK = "ok", "Succeeded"
    FAILED = "failed", "Failed"


class ScheduledJob(models.Model):
    """A registered job's timetable and its last run (scheduling/registry.py). The row is
    what two schedulers on two machines agree through: each claims a due run by moving
    `next_run_at` on from the value it read, and only one of them can."""

    name = models.CharField(max_length=100, unique=True)
    # The schedule's words when next_run_at was worked out: a changed schedule is worked
    # out again.
    when = models.CharField(max_length=200)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    # The exception's class only: its message might name someone.
    last_error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
