"""What other domains do when an application takes a step.

Applications sits below panels, placements and quality, so it does not import them: each
registers its effects at start-up (their hooks.py), and application_transition runs the
effects of its transition inside the step's transaction, after the move. An effect refuses
the whole step by raising lib.errors.Refused: the transaction is undone with it.
"""

from collections import defaultdict
from collections.abc import Callable

from accounts.models import User
from applications.models import Application
from applications.workflow import TRANSITIONS

Effect = Callable[..., None]  # effect(*, application, by) -> None

_EFFECTS: dict[str, list[Effect]] = defaultdict(list)


def on_transition(*names: str) -> Callable[[Effect], Effect]:
    """Register an effect for one or more transitions of the workflow table."""

    def register(effect: Effect) -> Effect:
        for name in names:
            if name not in TRANSITIONS:
                raise ValueError(f"No transition {name} in the workflow table")
            if effect not in _EFFECTS[name]:
                _EFFECTS[name].append(effect)
        return effect

    return register


def effects_run(name: str, *, application: Application, by: User) -> None:
    for effect in _EFFECTS[name]:
        effect(application=application, by=by)


def effects_of(name: str) -> list[Effect]:
    """The effects registered for a transition, in the order they run (for docs and tests)."""
    return list(_EFFECTS[name])
