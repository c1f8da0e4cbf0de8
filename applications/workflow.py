"""An application's statuses and the moves between them, declared once (STYLE.md rule 6).

Only applications.services changes a status, and only along a transition in this table.
Each transition names who may act (applications.rules.can_act_on_application reads it),
the event it writes, who is e-mailed after it (applications.tasks), and whether it starts
a clock, and the routes it belongs to (DESIGN.md §4): a transition with no routes belongs
to every route. A programme names its route (programmes.models.Route).

The panel routes share the panel steps: CAP checks an application and puts it on the agenda
of its first panel (refer_to_panel); each panel decision moves it on (panels.services records
the decision and takes the transition); the last approval leads back to the provider route
("pack sent", for Flourish) or to a start date (Supported Transfer, Refocus, Focus 11).
"""

from dataclasses import dataclass

from django.db import models

from programmes.models import Route


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
    AT_PANEL = "at_panel", "With the panel"
    PANEL_RETURNED = "panel_returned", "Panel asked the school for information"
    PANEL_APPROVED = "panel_approved", "Approved by the panel"
    WAITING_LIST = "waiting_list", "On the waiting list"
    PANEL_DECLINED = "panel_declined", "Declined by the panel"
    DECLINED = "declined", "Declined by CAP"
    WITHDRAWN = "withdrawn", "Withdrawn by the school"
    CLOSED = "closed", "Closed"
    DISCARDED = "discarded", "Draft discarded"


class Actor(models.TextChoices):
    SCHOOL = "school", "the referring school"
    CAP = "cap", "a CAP officer"
    PROVIDER = "provider", "the course's provider"
    PANEL = "panel", "the panel's chair or its clerk"


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
    routes: tuple[str, ...] = ()  # empty: every route
    # The service's decision on the referral: the first one sets Application.decided_at,
    # from which oversight counts the working days from submission to decision.
    decides: bool = False

    @property
    def event(self) -> str:
        return f"application.{self.name}"


S = Status
R = Route
_BEFORE_DECISION = (S.SUBMITTED, S.RETURNED, S.ACCEPTED)
_AT_PANELS = (S.AT_PANEL, S.PANEL_RETURNED, S.PANEL_APPROVED, S.WAITING_LIST)
_WITH_PROVIDER = (S.PACK_SENT, S.INTERVIEW_ARRANGED, S.INTERVIEW_HELD, S.PROVIDER_ACCEPTED)
_OPEN_BEFORE_PLACEMENT = (
    *_BEFORE_DECISION,
    *_AT_PANELS,
    *_WITH_PROVIDER,
    S.PROVIDER_DECLINED,
    S.START_CONFIRMED,
)
_PROVIDER_ROUTES = (R.PROVIDER, R.PANEL_THEN_PROVIDER)
_PANEL_ROUTES = (R.PANEL_THEN_PROVIDER, R.PANEL_THEN_HEADTEACHERS, R.PANEL_THEN_MULTI_AGENCY)
# Routes whose last panel approval leads straight to a start date, not to a provider.
_PANEL_PLACES = (R.PANEL_THEN_HEADTEACHERS, R.PANEL_THEN_MULTI_AGENCY)
# Routes with more than one panel step.
_TWO_PANELS = _PANEL_PLACES

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
            routes=(R.PROVIDER,),
            decides=True,
        ),
        Transition(
            "refer_to_panel",
            "Accept and put it on the panel's agenda",
            (S.SUBMITTED,),
            S.AT_PANEL,
            ("cap",),
            "Checked by CAP and put on the panel's agenda",
            notify=("school",),
            routes=_PANEL_ROUTES,
        ),
        # The panel steps: panels.services.decision_record takes one of these for each
        # decision, and the outcome notice tells the school.
        Transition(
            "panel_approve",
            "Approve",
            (S.AT_PANEL,),
            S.PANEL_APPROVED,
            ("panel",),
            "Approved by the panel",
            routes=_PANEL_ROUTES,
            decides=True,
        ),
        Transition(
            "panel_refer_on",
            "Approve for the next panel",
            (S.AT_PANEL,),
            S.AT_PANEL,
            ("panel",),
            "Approved by the panel and put on the next panel's agenda",
            routes=_TWO_PANELS,
            decides=True,
        ),
        Transition(
            "panel_waiting_list",
            "Approve onto the waiting list",
            (S.AT_PANEL,),
            S.WAITING_LIST,
            ("panel",),
            "Approved by the panel and put on the waiting list",
            routes=(R.PANEL_THEN_MULTI_AGENCY,),
            decides=True,
        ),
        Transition(
            "panel_defer",
            "Defer",
            (S.AT_PANEL,),
            S.AT_PANEL,
            ("panel",),
            "Deferred by the panel to a later meeting",
            routes=_PANEL_ROUTES,
        ),
        Transition(
            "panel_request_information",
            "Ask the school for more information",
            (S.AT_PANEL,),
            S.PANEL_RETURNED,
            ("panel",),
            "Panel asked the school for more information",
            routes=_PANEL_ROUTES,
        ),
        Transition(
            "panel_decline",
            "Decline",
            (S.AT_PANEL,),
            S.PANEL_DECLINED,
            ("panel",),
            "Declined by the panel",
            notify=("cap",),
            routes=_PANEL_ROUTES,
            decides=True,
        ),
        Transition(
            "answer_panel",
            "Send your answer to the panel",
            (S.PANEL_RETURNED,),
            S.AT_PANEL,
            ("school",),
            "School answered the panel and the application went back on its agenda",
            notify=("cap",),
            routes=_PANEL_ROUTES,
        ),
        Transition(
            "record_alternatives",
            "Record the alternatives explored with the school",
            (S.PANEL_DECLINED,),
            S.DECLINED,
            ("cap",),
            "Alternatives explored with the school recorded",
            routes=_PANEL_ROUTES,
        ),
        Transition(
            "offer_place",
            "Offer a place in a cohort",
            (S.WAITING_LIST,),
            S.PANEL_APPROVED,
            ("cap",),
            "Offered a place from the waiting list",
            notify=("school",),
            routes=(R.PANEL_THEN_MULTI_AGENCY,),
        ),
        Transition(
            "decline",
            "Decline the application",
            (S.SUBMITTED, S.RETURNED),
            S.DECLINED,
            ("cap",),
            "Declined by CAP",
            notify=("school",),
            decides=True,
        ),
        Transition(
            "send_pack",
            "Send the pack to the provider",
            (S.ACCEPTED, S.PANEL_APPROVED),
            S.PACK_SENT,
            ("cap",),
            "Pack sent to the provider",
            notify=("provider", "school"),
            routes=_PROVIDER_ROUTES,
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
            # The school hears too: its budget holder agrees the fee before CAP confirms the
            # start (finance).
            notify=("cap", "school"),
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
            routes=_PROVIDER_ROUTES,
        ),
        Transition(
            "confirm_panel_start",
            "Confirm the start date",
            (S.PANEL_APPROVED,),
            S.START_CONFIRMED,
            ("cap",),
            "Start date confirmed",
            notify=("school",),
            routes=_PANEL_PLACES,
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
            (*_OPEN_BEFORE_PLACEMENT, S.PANEL_DECLINED, S.WITHDRAWN),
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


def on_route(transition: Transition, route: str | None) -> bool:
    """Whether a transition belongs to a route. A draft with no programme yet has no route:
    only the transitions of every route apply to it."""
    return not transition.routes or route in transition.routes


def allowed(name: str, status: str, route: str | None) -> bool:
    transition = TRANSITIONS[name]
    return status in transition.sources and on_route(transition, route)


def next_steps(status: str, route: str | None) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources and on_route(t, route)]


def route_of(application) -> str | None:
    return application.programme.route if application.programme_id else None


def mermaid(route: str) -> str:
    """One route's state diagram, for docs/states/applications.md."""
    steps = [t for t in TRANSITIONS.values() if on_route(t, route)]
    reached, grown = {Status.DRAFT.value}, True
    while grown:
        before = len(reached)
        reached |= {t.target for t in steps if reached & set(t.sources)}
        grown = len(reached) > before
    lines = ["stateDiagram-v2", f"    [*] --> {Status.DRAFT}"]
    for t in steps:
        for source in t.sources:
            if source in reached:
                lines.append(f"    {source} --> {t.target}: {t.name} ({', '.join(t.actors)})")
    lines += [f"    {s} --> [*]" for s in sorted(FINISHED & reached)]
    return "\n".join(lines) + "\n"


EVENT_WORDS = {
    "application.started": "Draft started",
    "application.assigned": "Assigned to a CAP officer",
    "application.agenda_added": "Put on a panel meeting's agenda",
    "application.agenda_moved": "Moved to another panel meeting",
    "application.outcome_notice_sent": "Outcome notice sent to the school",
    "application.outcome_notice_overdue": "Outcome notice overdue: not sent within 3 working days",
    **{t.event: t.done for t in TRANSITIONS.values()},
}
