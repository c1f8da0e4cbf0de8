"""Delete subject access zips kept past CAP_SUBJECT_ACCESS_KEEP_DAYS (the scheduler runs it
daily)."""

from django.core.management.base import BaseCommand

from privacy.subject_access import subject_access_delete_expired


class Command(BaseCommand):
    help = "Delete the subject access zips kept past their time."

    def handle(self, *args, **options):
        deleted = subject_access_delete_expired()
        self.stdout.write(f"Deleted {deleted} subject access zip{'s' if deleted != 1 else ''}.")
