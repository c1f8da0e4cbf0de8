from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


def documents() -> dict[Path, str]:
    """Every state diagram document the installed apps declare in their AppConfig's
    `state_diagrams`, so this command knows no app above it."""
    return {
        Path(settings.BASE_DIR) / path: import_string(builder)()
        for config in apps.get_app_configs()
        for path, builder in getattr(config, "state_diagrams", {}).items()
    }


class Command(BaseCommand):
    help = "Write the state diagrams in docs/states/ from the workflow tables."

    def handle(self, *args, **options):
        for target, text in documents().items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self.stdout.write(f"Wrote {target.relative_to(settings.BASE_DIR)}")
