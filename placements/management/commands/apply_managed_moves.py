"""Make the managed moves whose day has come: the student's home school becomes the
receiving school and the registrations follow. The scheduler runs it early every day
(placements/hooks.py); a move dated today or earlier is made when it is confirmed, so this
only makes the moves confirmed ahead of their day."""

from django.core.management.base import BaseCommand

from placements.tasks import apply_managed_moves


class Command(BaseCommand):
    help = "Make the confirmed managed moves dated today or earlier."

    def handle(self, *args, **options):
        made = apply_managed_moves.call()
        self.stdout.write(f"Made {made} managed move{'s' if made != 1 else ''}.")
