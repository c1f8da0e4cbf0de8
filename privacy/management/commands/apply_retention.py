"""Delete or anonymise what the retention schedule says has expired (privacy.retention)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.retention import retention_run


class Command(BaseCommand):
    help = "Deletes or anonymises expired records, one student at a time; holds are kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            help="Act as if today were this date (YYYY-MM-DD), for testing; default today.",
        )

    def handle(self, *args, on=None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as error:
            raise CommandError("Give the date as YYYY-MM-DD.") from error
        run = retention_run(on=day)
        removed = ", ".join(f"{kind} {n}" for kind, n in run.removed.items()) or "nothing"
        self.stdout.write(
            f"Retention for {day.isoformat()}: {run.students} students, {run.held} held, "
            f"{run.failed} failed; removed {removed}."
        )
        if run.failed:
            raise CommandError(f"Retention failed for {run.failed} students; see the log.")
