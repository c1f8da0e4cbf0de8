"""Issue the statements of a term for every school and provider, in the background. Run it
from the scheduler after each term ends (by default it takes the term that ended last), or
from the money pages. Asked again, it issues only what is missing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from finance.services import statement_run_start
from finance.tasks import statement_run_enqueue
from lib.errors import Refused
from programmes.models import Term


class Command(BaseCommand):
    help = "Queue a term's statements (by default the term that ended last)."

    def add_arguments(self, parser):
        parser.add_argument("--term-id", type=int, help="The term's id; default: the last ended.")

    def handle(self, *args, **options):
        terms = Term.objects.select_related("year")
        if options["term_id"]:
            term = terms.filter(pk=options["term_id"]).first()
        else:
            term = terms.filter(ends_on__lt=timezone.localdate()).order_by("-ends_on").first()
        if term is None:
            raise CommandError("No such term.")
        try:
            with transaction.atomic():
                run, batches = statement_run_start(term=term, by=None)
                statement_run_enqueue(run, batches)
        except Refused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            f"Queued {run.total} statement{'s' if run.total != 1 else ''} "
            f"in {len(batches)} batch{'es' if len(batches) != 1 else ''} for {term}."
        )
