"""Make the termly report of every placement open in a term that has none yet, in the
background, a batch of placements to a task. The scheduler runs it on the first working day
after each term ends (placements/hooks.py); the CAP team can also ask on its Termly reports
page, where a run can be stopped and resumed. Asked again, it makes only what is missing."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from lib.errors import Refused
from placements.services import report_run_start
from placements.tasks import report_run_enqueue
from programmes.models import Term


class Command(BaseCommand):
    help = "Queue the termly reports of a term (by default the term that ended last)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--by", help="E-mail address of the CAP officer asking; none for the scheduler."
        )
        parser.add_argument("--term-id", type=int, help="The term's id; default: the last ended.")

    def handle(self, *args, **options):
        by = None
        if options["by"]:
            by = User.objects.filter(email__iexact=options["by"], is_active=True).first()
            if by is None:
                raise CommandError("No active user has that e-mail address.")
        if options["term_id"]:
            term = Term.objects.filter(pk=options["term_id"]).first()
        else:
            term = (
                Term.objects.filter(ends_on__lte=timezone.localdate()).order_by("-ends_on").first()
            )
        if term is None:
            raise CommandError("No such term.")
        try:
            with transaction.atomic():
                run, batches = report_run_start(term=term, by=by)
                report_run_enqueue(run, batches)
        except (Refused, PermissionDenied) as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            f"Queued {run.total} report{'s' if run.total != 1 else ''} "
            f"in {len(batches)} batch{'es' if len(batches) != 1 else ''} for {term}."
        )
