"""Raise today's attendance alerts and e-mail them. Run it from the platform's scheduler
every five minutes or so in the school day: each alert is raised and e-mailed once, so
running it more often only makes alerts sooner."""

from django.core.management.base import BaseCommand

from placements.tasks import sweep_attendance


class Command(BaseCommand):
    help = "Raise today's missed-mark and absence alerts; their e-mails go to the task queue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the sweep itself on the task queue instead of running it here.",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            sweep_attendance.enqueue()
            self.stdout.write("Queued the attendance sweep.")
            return
        raised = sweep_attendance.call()
        self.stdout.write(f"Raised {raised} attendance alert{'s' if raised != 1 else ''}.")
