"""An event's statuses and the moves between them, declared once (STYLE.md rule 6). Only
events.services changes a status, and it refuses what this table does not allow."""

from events.models import EventStatus

S = EventStatus

# name: (the statuses it may leave, the status it reaches, the words of the audit event)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "close": (frozenset({S.OPEN}), S.CLOSED),
    "cancel": (frozenset({S.OPEN, S.CLOSED}), S.CANCELLED),
}

# Events that still happen: the ones a school may see, and that count.
HAPPENING = frozenset(S.values) - {S.CANCELLED}


def allowed(name: str, status: str) -> bool:
    return status in TRANSITIONS[name][0]
