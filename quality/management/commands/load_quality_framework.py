"""Load the quality-assurance framework (areas and evidence items) from a YAML file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quality.services import FRAMEWORK_FILE, FrameworkError, framework_load


class Command(BaseCommand):
    help = "Create or update the compliance areas and evidence items from a YAML file."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(FRAMEWORK_FILE))

    def handle(self, *args, path, **options):
        try:
            counts = framework_load(path=Path(path))
        except (FrameworkError, OSError) as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(f"Framework ready: {counts['areas']} areas, {counts['items']} items.")
