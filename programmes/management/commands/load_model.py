from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.modelfile import ModelFileError, read_model_file
from programmes.models import AcademicYear
from programmes.services import YearExists, model_load


class Command(BaseCommand):
    help = (
        "Check a model-of-support file and load it. Every problem is reported with its line; "
        "with any problem nothing is loaded unless --flagged is given. With --check nothing is "
        "loaded, and the command exits with status 1 if the file has any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--flagged",
            action="store_true",
            help="Load rows that have problems, with the problems shown on them.",
        )
        parser.add_argument("--check", action="store_true", help="Report problems; load nothing.")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Do nothing, successfully, when the file's year is already loaded.",
        )

    def handle(self, *args, path: Path, flagged: bool, check: bool, skip_existing: bool, **opts):
        if not path.exists():
            raise CommandError(f"There is no file {path}.")
        plan, problems = read_model_file(path)
        if check or plan is None:
            self._report(path, problems)
            if any(p.fatal for p in problems) or plan is None:
                raise CommandError(f"{path} cannot be loaded.")
            if problems:
                # Exit non-zero, so that a pipeline checking a file stops on its problems too.
                raise CommandError(
                    f"{path} has {len(problems)} problem{'s' if len(problems) != 1 else ''}: "
                    "load it with --flagged to load those rows flagged."
                )
            self.stdout.write(self.style.SUCCESS(f"{path} has no problems."))
            return
        if skip_existing and AcademicYear.objects.filter(name=plan.year.name).exists():
            self.stdout.write(f"{plan.year.name} is already loaded.")
            return
        try:
            result = model_load(path=path, flagged=flagged)
        except ModelFileError as error:
            self._report(path, error.problems)
            hint = (
                ""
                if any(p.fatal for p in error.problems)
                else " (use --flagged to load them flagged)"
            )
            raise CommandError(
                f"Nothing was loaded: {len(error.problems)} problems{hint}."
            ) from None
        except YearExists as error:
            raise CommandError(str(error)) from None
        self._report(path, result.problems)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.year.name}"
                + (f" with {len(result.problems)} problems flagged." if result.problems else ".")
            )
        )

    def _report(self, path: Path, problems) -> None:
        for problem in problems:
            kind = "error" if problem.fatal else "problem"
            self.stderr.write(f"{path}:{problem.line}: {kind}: {problem.where}: {problem.message}")
