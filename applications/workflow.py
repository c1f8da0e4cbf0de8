"""An application's statuses and the moves between them, declared once (STYLE.md rule 6).

Only applications.services changes a status, and only along a transition in this table.
Each transition names who may act (accounts.permissions.can_act_on_application reads it),
the event it writes, who is e-mailed after it (applications.tasks), and whether it starts
a clock. This is the provider route (DESIGN.md §4, route 1); the panel routes extend it.
"""

from dataclasses import dataclass

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for CAP review"
    RETURNED = "returned", "Question for the school"
    ACCEPTED = "accepted", "Accepted by CAP"
    PACK_SENT = "pack_sent", "Pack sent to the provider"
    INTERVIEW_ARRANGED = "interview_arranged", "Interview arranged"
    INTERVIEW_HELD = "interview_held", "Interview held"
    PROVIDER_ACCEPTED = "provider_accepted", "Provider offered a place"
    PROVIDER_DECLINED = "provider_declined", "Provider declined"
    START_CONFIRMED = "start_confirmed", "Start date confirmed"
    PLACED = "placed", "Placement set up"
    DECLINED = "declined", "Declined by CAP"
    WITHDRAWN = "withdrawn", "Withdrawn by the school"
    CLOSED = "closed", "Closed"
    DISCARDED = "discarded", "Draft discarded"


class Actor(models.TextChoices):
    SCHOOL = "school", "the referring school"
    CAP = "cap", "a CAP officer"
    PROVIDER = "provider", "the course's provider"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    done: str  # the timeline's words for it
    notify: tuple[str, ...] = ()  # who is e-mailed after commit: school, cap, provider
    clock_days: int | None = None  # working days the next actor has, where the service says

    @property
    def event(self) -> str:
        return f"application.{self.name}"


S = Status
_BEFORE_DECISION = (S.SUBMITTED, S.RETURNED, S.ACCEPTED)
_WITH_PROVIDER = (S.PACK_SENT, S.INTERVIEW_ARRANGED, S.INTERVIEW_HELD, S.PROVIDER_ACCEPTED)
_OPEN_BEFORE_PLACEMENT = (
    *_BEFORE_DECISION,
    *_WITH_PROVIDER,
    S.PROVIDER_DECLINED,
    S.START_CONFIRMED,
)

TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "Submit application",
            (S.DRAFT,),
            S.SUBMITTED,
            ("school",),
            "Submitted",
            notify=("cap",),
        ),
        Transition(
            "discard", "Discard draft", (S.DRAFT,), S.DISCARDED, ("school",), "Draft discarded"
        ),
        Transition(
            "return_to_school",
            "Ask the school a question",
            (S.SUBMITTED,),
            S.RETURNED,
            ("cap",),
            "Question sent to the school",
            notify=("school",),
        ),
        Transition(
            "resubmit",
            "Send your answer",
            (S.RETURNED,),
            S.SUBMITTED,
            ("school",),
            "School answered the question",
            notify=("cap",),
        ),
        Transition(
            "accept",
            "Accept the application",
            (S.SUBMITTED,),
            S.ACCEPTED,
            ("cap",),
            "Accepted by CAP",
            notify=("school",),
        ),
        Transition(
            "decline",
            "Decline the application",
            (S.SUBMITTED, S.RETURNED),
            S.DECLINED,
            ("cap",),
            "Declined by CAP",
            notify=("school",),
        ),
        Transition(
            "send_pack",
            "Send the pack to the provider",
            (S.ACCEPTED,),
            S.PACK_SENT,
            ("cap",),
            "Pack sent to the provider",
            notify=("provider", "school"),
        ),
        Transition(
            "arrange_interview",
            "Record the interview arrangements",
            (S.PACK_SENT,),
            S.INTERVIEW_ARRANGED,
            ("school", "provider"),
            "Interview arranged",
            notify=("school", "provider"),
        ),
        Transition(
            "hold_interview",
            "Record that the interview was held",
            (S.INTERVIEW_ARRANGED,),
            S.INTERVIEW_HELD,
            ("provider",),
            "Interview held",
        ),
        Transition(
            "provider_accept",
            "Offer a place",
            (S.INTERVIEW_HELD,),
            S.PROVIDER_ACCEPTED,
            ("provider",),
            "Provider offered a place",
            notify=("cap",),
        ),
        Transition(
            "provider_decline",
            "Decline",
            (S.PACK_SENT, S.INTERVIEW_ARRANGED, S.INTERVIEW_HELD),
            S.PROVIDER_DECLINED,
            ("provider",),
            "Provider declined",
            notify=("cap",),
        ),
        Transition(
            "confirm_start",
            "Confirm the start date",
            (S.PROVIDER_ACCEPTED,),
            S.START_CONFIRMED,
            ("cap",),
            "Start date confirmed",
            notify=("school", "provider"),
        ),
        Transition(
            "set_up_placement",
            "Set up the placement",
            (S.START_CONFIRMED,),
            S.PLACED,
            ("cap",),
            "Placement set up",
            notify=("school", "provider"),
        ),
        Transition(
            "withdraw",
            "Withdraw application",
            _OPEN_BEFORE_PLACEMENT,
            S.WITHDRAWN,
            ("school",),
            "Withdrawn by the school",
            notify=("cap", "provider"),
            clock_days=5,
        ),
        Transition(
            "close",
            "Close the application",
            (*_OPEN_BEFORE_PLACEMENT, S.WITHDRAWN),
            S.CLOSED,
            ("cap",),
            "Closed",
            notify=("school", "provider"),
        ),
    ]
}

# Groups derived from the table, never kept by hand.
FINISHED = frozenset(
    s for s in Status.values if not any(s in t.sources for t in TRANSITIONS.values())
)
OPEN = frozenset(set(Status.values) - FINISHED - {Status.DRAFT})
# Going ahead or placed: what counts against a school's allowance and blocks a second
# application for the same programme. A withdrawn application is open only until CAP closes
# it, and goes ahead no further.
ACTIVE = frozenset((OPEN | {Status.PLACED}) - {Status.WITHDRAWN})
# A withdrawal is processed (closed) by CAP within 5 working days: the clock runs in the
# state the withdrawal leads to.
CLOCKS = {t.target: t.clock_days for t in TRANSITIONS.values() if t.clock_days}


def allowed(name: str, status: str) -> bool:
    return status in TRANSITIONS[name].sources


def next_steps(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]


def mermaid() -> str:
    """The state diagram, for docs/states/applications.md."""
    lines = ["stateDiagram-v2", f"    [*] --> {Status.DRAFT}"]
    for t in TRANSITIONS.values():
        for source in t.sources:
            lines.append(f"    {source} --> {t.target}: {t.name} ({', '.join(t.actors)})")
    lines += [f"    {s} --> [*]" for s in sorted(FINISHED)]
    return "\n".join(lines) + "\n"


EVENT_WORDS = {
    "application.started": "Draft started",
    "application.assigned": "Assigned to a CAP officer",
    **{t.event: t.done for t in TRANSITIONS.values()},
}
