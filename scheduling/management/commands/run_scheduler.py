"""Run the periodic jobs the apps register (scheduling/registry.py) at their times: keep one
running beside the task workers (`make run` does). Two schedulers on two machines run each
job once. SIGTERM or Ctrl+C stops it: at once while it waits, or after the job in hand.
With --once it runs what is due and exits, for a platform that can only run cron."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from scheduling.services import jobs_next_due, jobs_run_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the scheduled jobs at their times (or, with --once, what is due now)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument(
            "--max-sleep",
            type=float,
            default=60.0,
            help="Look again at least this often, in seconds (default 60), for new term dates.",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        if options["once"]:
            self.report(jobs_run_due())
            return
        stop = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda *_: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write("The scheduler is running; SIGTERM or Ctrl+C stops it.")
        try:
            while not stop.is_set():
                stop.wait(self.run_due_then_wait(options["max_sleep"], stop))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("The scheduler has stopped.")

    def run_due_then_wait(self, max_sleep: float, stop: threading.Event) -> float:
        """Run what is due; return how long to wait until the next job is."""
        close_old_connections()  # a long-lived process: drop a connection the server closed
        try:
            self.report(jobs_run_due(should_stop=stop.is_set))
            due = jobs_next_due()
        except Exception:
            # The database is unreachable, say: wait and try again rather than exit.
            logger.exception("The scheduler could not read its jobs")
            return max_sleep
        finally:
            close_old_connections()
        if due is None:
            return max_sleep
        return min(max_sleep, max(0.0, (due - timezone.now()).total_seconds()))

    def report(self, ran) -> None:
        for each in ran:
            error = f" ({each.error})" if each.error else ""
            self.stdout.write(f"{each.name}: {each.outcome}{error}")
        if not ran and self.verbosity > 1:
            self.stdout.write("No job is due.")
