from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from applications import workflow

TARGET = Path(settings.BASE_DIR) / "docs" / "states" / "applications.md"


def diagram_document() -> str:
    return (
        "# Application states\n\n"
        "Generated from `applications/workflow.py` by `manage.py write_state_diagrams`: "
        "do not edit by hand.\n\n"
        "```mermaid\n" + workflow.mermaid() + "```\n"
    )


class Command(BaseCommand):
    help = "Write the state diagrams in docs/states/ from the workflow tables."

    def handle(self, *args, **options):
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        TARGET.write_text(diagram_document())
        self.stdout.write(f"Wrote {TARGET.relative_to(settings.BASE_DIR)}")
