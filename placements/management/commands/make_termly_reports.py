"""Make the termly report of every placement open in a term that has none yet, in the
background. Run it from the scheduler at the end of each term, or from the CAP team's
Termly reports page."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from placements.services import report_run_start
from programmes.models import Term


class Command(BaseCommand):
    help = "Queue the termly reports of a term (by default the term that ended last)."

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, help="E-mail address of the CAP officer asking.")
        parser.add_argument("--term-id", type=int, help="The term's id; default: the last ended.")

    def handle(self, *args, **options):
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
        run = report_run_start(term=term, by=by)
        self.stdout.write(f"Queued {run.total} report{'s' if run.total != 1 else ''} for {term}.")
