"""Escalate urgent concerns that no DSL has acknowledged in time. Raising an urgent concern
queues this check for the moment its time is up; run this command every few minutes from
the platform's scheduler as well, so an escalation is never missed while no task worker is
running. Each concern is escalated at most once, however often it runs."""

from django.core.management.base import BaseCommand

from safeguarding.services import concerns_escalate_overdue


class Command(BaseCommand):
    help = "Escalate urgent safeguarding concerns not acknowledged in time."

    def handle(self, *args, **options):
        count = concerns_escalate_overdue()
        self.stdout.write(f"Escalated {count} safeguarding concerns.")
