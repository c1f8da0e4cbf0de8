"""The termly access review's daily steps (privacy/access_review.py): open this term's
reviews, remind reviewers a few working days before they are due, and close the reviews
past due, suspending the people nobody confirmed. Run by the scheduler each working day;
every step is idempotent, so running it twice does nothing more."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.access_review import (
    access_reviews_close_due,
    access_reviews_open,
    access_reviews_remind,
)


class Command(BaseCommand):
    help = "Open, remind and close the termly access reviews."

    def handle(self, *args, **options):
        today = timezone.localdate()
        opened = access_reviews_open(today=today)
        reminded = access_reviews_remind(today=today)
        suspended = access_reviews_close_due(today=today)
        self.stdout.write(
            f"Opened {len(opened)} reviews, reminded {reminded}, suspended {suspended} people."
        )
