"""The applications' state diagram document, docs/states/applications.md, built from the
workflow table. ApplicationsConfig.state_diagrams names it for manage.py
write_state_diagrams."""

from pathlib import Path

import yaml
from django.conf import settings

from applications import workflow
from programmes.models import Route

MODEL_FILE = Path(settings.BASE_DIR) / "programmes" / "data" / "coventry-2025-26.yaml"


def diagram_document() -> str:
    return (
        "# Application states\n\n"
        "Generated from `applications/workflow.py` by `manage.py write_state_diagrams`: "
        "do not edit by hand. One diagram per route; a programme names its route.\n"
        + "".join(
            f"\n## {route.label}\n\nProgrammes: {_programmes_on(route)}.\n\n"
            f"```mermaid\n{workflow.mermaid(route)}```\n"
            for route in Route
        )
    )


def _programmes_on(route: Route) -> str:
    """The programmes of the shipped model on this route, read from the model file so the
    document does not depend on a database."""
    model = yaml.safe_load(MODEL_FILE.read_text())
    names = [p["name"] for p in model["programmes"] if p.get("route", "provider") == route]
    return ", ".join(names) or "none in the shipped model"
