"""An agenda item's states and the moves between them, declared once (STYLE.md rule 6).

An item waits on one meeting's agenda until the panel decides it, CAP moves it to another
meeting, the meeting closes without hearing it (it rolls to the next), or the application
leaves the route. Each move but a decision adds a new waiting item elsewhere, so an item
leaves "waiting" once and never comes back. Only panels.services changes an item's state,
and only along a transition in this table.
"""

from dataclasses import dataclass

from django.db import models


class ItemState(models.TextChoices):
    WAITING = "waiting", "Waiting to be heard"
    DECIDED = "decided", "Decided"
    MOVED = "moved", "Moved to another meeting"
    ROLLED = "rolled", "Not heard: rolled to the next meeting"
    WITHDRAWN = "withdrawn", "Taken off: the application moved on"


@dataclass(frozen=True)
class ItemTransition:
    name: str
    sources: tuple[str, ...]
    target: str
    done: str  # the words for it, in the document and the timeline
    refused: str  # why it cannot be taken any more, once the item has left its sources


S = ItemState

TRANSITIONS = {
    t.name: t
    for t in [
        ItemTransition(
            "decide",
            (S.WAITING,),
            S.DECIDED,
            "Decided by the panel",
            "This item is no longer on this meeting's agenda.",
        ),
        ItemTransition(
            "move",
            (S.WAITING,),
            S.MOVED,
            "Moved by CAP to another meeting of the same panel",
            "Only an item waiting to be heard can be moved.",
        ),
        ItemTransition(
            "roll",
            (S.WAITING,),
            S.ROLLED,
            "Not heard when the meeting closed, so rolled to the panel's next meeting",
            "Only an item waiting to be heard can roll to the next meeting.",
        ),
        ItemTransition(
            "withdraw",
            (S.WAITING,),
            S.WITHDRAWN,
            "Taken off the agenda: the application left the route",
            "Only an item waiting to be heard can be taken off the agenda.",
        ),
    ]
}

# Groups derived from the table, never kept by hand.
FINISHED = frozenset(
    s for s in ItemState.values if not any(s in t.sources for t in TRANSITIONS.values())
)
OPEN = frozenset(set(ItemState.values) - FINISHED)


def allowed(name: str, state: str) -> bool:
    return state in TRANSITIONS[name].sources


def mermaid() -> str:
    """The state diagram, for docs/states/agenda-items.md."""
    lines = ["stateDiagram-v2", f"    [*] --> {ItemState.WAITING}"]
    for t in TRANSITIONS.values():
        lines += [f"    {source} --> {t.target}: {t.name}" for source in t.sources]
    lines += [f"    {s} --> [*]" for s in sorted(FINISHED)]
    return "\n".join(lines) + "\n"
