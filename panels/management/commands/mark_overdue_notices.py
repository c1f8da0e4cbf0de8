"""Mark outcome notices not sent within 3 working days of their meeting. Run it daily (or
hourly) from the platform's scheduler; each notice is marked, and audited, once."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from panels.services import notices_mark_overdue


class Command(BaseCommand):
    help = "Mark every outcome notice past its due date and not yet sent."

    def handle(self, *args, **options):
        count = notices_mark_overdue(today=timezone.localdate())
        self.stdout.write(f"{count} outcome notice{'s' if count != 1 else ''} marked overdue.")
