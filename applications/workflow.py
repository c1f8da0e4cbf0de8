"""An application's statuses and the moves between them, declared once (STYLE.md rule 6).

Only applications.services changes a status, and only along a transition in this table.
The routes after submission (CAP review, panels, provider response) extend this table
with the provider-route and panel work.
"""

from dataclasses import dataclass

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DISCARDED = "discarded", "Draft discarded"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actor: str  # who acts, in words, for the generated diagram and docs
    event: str


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", (Status.DRAFT,), Status.SUBMITTED, "school", "application.submitted"),
        Transition(
            "withdraw", (Status.SUBMITTED,), Status.WITHDRAWN, "school", "application.withdrawn"
        ),
        Transition("discard", (Status.DRAFT,), Status.DISCARDED, "school", "application.discarded"),
    ]
}

# Groups derived from the table, never kept by hand.
FINISHED = frozenset(
    s for s in Status.values if not any(s in t.sources for t in TRANSITIONS.values())
)
OPEN = frozenset(set(Status.values) - FINISHED - {Status.DRAFT})


def allowed(name: str, status: str) -> bool:
    return status in TRANSITIONS[name].sources


def mermaid() -> str:
    """The state diagram, for docs/states/applications.md."""
    lines = ["stateDiagram-v2", f"    [*] --> {Status.DRAFT}"]
    for t in TRANSITIONS.values():
        for source in t.sources:
            lines.append(f"    {source} --> {t.target}: {t.name} ({t.actor})")
    lines += [f"    {s} --> [*]" for s in sorted(FINISHED)]
    return "\n".join(lines) + "\n"
