"""Recount the weekly tallies oversight counts attendance from, for marks written other
than through a register (a data fix, an import). Registers keep their own weeks current,
so this is for repairs: by default every week with a mark."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from placements.services import tallies_rebuild


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date like 2026-01-12.") from None


class Command(BaseCommand):
    help = "Recount the weekly attendance tallies from the marks, a week at a time."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="First day (YYYY-MM-DD); its week.")
        parser.add_argument("--to", dest="last", help="Last day (YYYY-MM-DD); its week.")

    def handle(self, *args, **options):
        first = _date(options["first"]) if options["first"] else None
        last = _date(options["last"]) if options["last"] else None
        if first and last and first > last:
            raise CommandError("The first day must be on or before the last.")
        written = tallies_rebuild(first=first, last=last)
        self.stdout.write(f"Counted {written} weekly tall{'ies' if written != 1 else 'y'}.")
