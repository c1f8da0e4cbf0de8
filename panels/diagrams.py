"""The agenda items' state diagram document, docs/states/agenda-items.md, built from the
item table. PanelsConfig.state_diagrams names it for manage.py write_state_diagrams."""

from panels import workflow


def diagram_document() -> str:
    rows = "".join(
        f"| `{t.name}` | {', '.join(f'`{s}`' for s in t.sources)} | `{t.target}` | {t.done} |\n"
        for t in workflow.TRANSITIONS.values()
    )
    return (
        "# Agenda item states\n\n"
        "Generated from `panels/workflow.py` by `manage.py write_state_diagrams`: "
        "do not edit by hand. An item is one application on one meeting's agenda; moving, "
        "rolling or deferring it adds a new waiting item at the other meeting.\n\n"
        f"```mermaid\n{workflow.mermaid()}```\n\n"
        "| Transition | From | To | What happened |\n"
        "|---|---|---|---|\n" + rows
    )
