"""Remind the authors of drafts left untouched. Run it daily from the platform's scheduler;
it reminds a draft at most once a reminder period, and never deletes one."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applications.models import Application
from applications.services import application_mark_reminded
from applications.tasks import send_draft_reminder
from applications.workflow import Status
from programmes.selectors import year_current


class Command(BaseCommand):
    help = "Queue a reminder e-mail for each draft untouched for the year's reminder period."

    def handle(self, *args, **options):
        year = year_current()
        if year is None:
            return
        cutoff = timezone.now() - dt.timedelta(days=year.draft_reminder_days)
        drafts = Application.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff)
        )
        count = 0
        for application in drafts:
            with transaction.atomic():
                application_mark_reminded(application=application)
                transaction.on_commit(lambda pk=application.pk: send_draft_reminder.enqueue(pk))
            count += 1
        self.stdout.write(f"Queued {count} draft reminders.")
