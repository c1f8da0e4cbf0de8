"""Remind providers and the CAP team of evidence that expires within the notice the CAP
manager has set. Run it daily from the platform's scheduler; each piece of evidence is
reminded once (its replacement gets its own reminder)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from quality.selectors import evidence_due_reminder
from quality.services import evidence_mark_reminded
from quality.tasks import send_expiry_reminder


class Command(BaseCommand):
    help = "Queue a reminder for each piece of approved evidence that expires soon."

    def handle(self, *args, **options):
        count = 0
        for evidence in evidence_due_reminder():
            with transaction.atomic():
                evidence_mark_reminded(evidence=evidence)
                transaction.on_commit(lambda pk=evidence.pk: send_expiry_reminder.enqueue(pk))
            count += 1
        self.stdout.write(f"Queued {count} expiry reminders.")
