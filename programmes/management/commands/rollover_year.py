from django.core.management.base import BaseCommand, CommandError

from programmes.models import AcademicYear, Cohort, Meeting
from programmes.services import YearExists, academic_year_rollover, next_year_name


class Command(BaseCommand):
    help = "Create the next academic year from an existing one, as a draft for the CAP manager."

    def add_arguments(self, parser):
        parser.add_argument("source", help="The year to roll over from, such as 2025-26.")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Do nothing, successfully, when the next year exists.",
        )

    def handle(self, *args, source: str, skip_existing: bool, **options):
        year = AcademicYear.objects.filter(name=source).first()
        if year is None:
            raise CommandError(f"There is no academic year {source}.")
        if skip_existing and AcademicYear.objects.filter(name=next_year_name(source)).exists():
            self.stdout.write(f"{next_year_name(source)} already exists.")
            return
        try:
            new = academic_year_rollover(source=year)
        except YearExists as error:
            raise CommandError(str(error)) from None
        rows = [
            *new.terms.all(),
            *new.programmes.all(),
            *Meeting.objects.filter(panel__year=new),
            *Cohort.objects.filter(programme__year=new),
        ]
        flagged = sum(bool(row.flags) for row in rows)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {new.name} as a draft from {source}; {flagged} rows need checking."
            )
        )
