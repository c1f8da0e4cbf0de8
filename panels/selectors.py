"""Reads for panels: which meeting an application goes to, agendas, packs, capacity and the
waiting list, and the outcome notices CAP has to send."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Func, IntegerField, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from applications.models import Application, ApplicationDocument
from applications.priority import ANNOTATION, by_priority, priority_order, reasons, with_priority
from applications.selectors import answers_by_page
from applications.workflow import Status
from panels.models import AgendaItem, ItemState, OutcomeNotice, PanelMember
from panels.rules import is_conflicted, meetings_visible_to
from programmes.models import Cohort, Meeting, Panel, Programme, Question

# An application in a cohort holds one of its places from approval to placement.
HOLDS_A_PLACE = (Status.PANEL_APPROVED, Status.START_CONFIRMED, Status.PLACED)


def open_meetings(panel: Panel) -> QuerySet[Meeting]:
    """The panel's meetings that can still take items: dated and not closed."""
    return Meeting.objects.filter(panel=panel, date__isnull=False).exclude(
        record__closed_at__isnull=False
    )


def later_meetings(meeting: Meeting) -> QuerySet[Meeting]:
    """The same panel's open meetings after this one, for deferrals."""
    return open_meetings(meeting.panel).filter(date__gt=meeting.date).order_by("date")


def next_meeting(*, panel: Panel, programme: Programme, reached_on: dt.date) -> Meeting | None:
    """The panel's next meeting whose referral deadline an application reaching the panel
    step on `reached_on` met: the deadline is the end of its day. Meetings that consider the
    programme come first; a programme no meeting of the panel considers (a gap the model
    check flags) goes to the panel's next meeting. Closed meetings and meetings with no date
    take no items."""
    meetings = (
        open_meetings(panel)
        .filter(referral_deadline__gte=reached_on, date__gte=reached_on)
        .order_by("referral_deadline", "date", "id")
    )
    considering = meetings.filter(programmes=programme)
    heard_anywhere = Meeting.objects.filter(panel=panel, programmes=programme).exists()
    return (considering if heard_anywhere else meetings).first()


def meeting_after(meeting: Meeting, *, programme: Programme) -> Meeting | None:
    """The same panel's next meeting after this one, for items not heard."""
    return next_meeting(
        panel=meeting.panel, programme=programme, reached_on=meeting.date + dt.timedelta(days=1)
    )


def _items_in_state(state: str) -> Subquery:
    """How many of the meeting's items are in the state: a count per meeting read from the
    (meeting, state) index, rather than a join of every item that a GROUP BY folds up."""
    items = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"), state=state)
        .order_by()
        # COUNT(*), not COUNT(id): counted from the index alone, without reading each row.
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )
    return Subquery(items, output_field=IntegerField())


def meetings_for(user: User, *, upcoming_from: dt.date) -> QuerySet[Meeting]:
    """The meetings the user may see from a day on, with their waiting and decided items
    counted."""
    return (
        meetings_visible_to(user, Meeting.objects.filter(date__gte=upcoming_from))
        .select_related("panel__year", "record")
        .annotate(
            waiting=_items_in_state(ItemState.WAITING),
            decided=_items_in_state(ItemState.DECIDED),
        )
        .order_by("date", "panel__name")
    )


# How far back a calendar feed goes: the meetings of the last year and every one to come,
# so that the feed does not grow with every year CAP runs.
CALENDAR_PAST_DAYS = 366


def calendar_meetings(user: User, *, today: dt.date) -> QuerySet[Meeting]:
    """The meetings the user may see, for their calendar feed: dated, from a year back,
    with their panel; no counts of items, which the feed does not show."""
    return (
        meetings_visible_to(user, Meeting.objects.all())
        .filter(date__gte=today - dt.timedelta(days=CALENDAR_PAST_DAYS))
        .select_related("panel__year")
        .order_by("date", "panel__name")
    )


def item_counts(meeting: Meeting) -> dict[str, int]:
    """How many of the meeting's items wait to be heard and how many are decided, in one
    query: what the meeting page says of a held meeting, and whether there is a pack to
    publish."""
    return meeting.items.aggregate(
        waiting=Count("pk", filter=Q(state=ItemState.WAITING)),
        decided=Count("pk", filter=Q(state=ItemState.DECIDED)),
    )


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items heard at a meeting (waiting or decided), in the agenda's order
    (applications.priority: subscribing schools first on a programme that gives them
    priority, then the earliest referred), with what the page shows about each; pages of
    it for the meeting page and the pack."""
    return (
        _heard_in_order(meeting)
        .select_related(
            "application__student",
            "application__school",
            "application__programme__tier",
            "application__programme__year",
            "application__course__provider",
            "decision__recorded_by",
            "decision__cohort",
            "decision__receiving_school",
            "decision__deferred_to",
        )
        .prefetch_related("application__programme__questions")
    )


def agenda_order(meeting: Meeting) -> QuerySet:
    """The ids of agenda_items in the agenda's order, to page: agenda_rows reads what the
    page shows of one page of them, so that the sort does not join the student, school,
    course and decision of every item on the agenda."""
    return _heard_in_order(meeting).values_list("pk", flat=True)


def _heard_in_order(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items heard at a meeting (waiting or decided), in the agenda's order."""
    return with_priority(
        meeting.items.filter(state__in=[ItemState.WAITING, ItemState.DECIDED]),
        to_application="application",
    ).order_by(*priority_order(to_application="application"), "id")


def agenda_rows(meeting: Meeting, ids) -> list[AgendaItem]:
    """The items of one page of agenda_order, in its order, as agenda_items gives them."""
    ids = list(ids)
    found = agenda_items(meeting).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class AgendaPlace:
    """Where an item stands on its meeting's agenda, and why."""

    position: int  # counted from 1, in the agenda's order
    heard: bool  # within the items the meeting can hear; otherwise it carries over
    reasons: list[str]


def agenda_places(meeting: Meeting, items: list[AgendaItem], *, first: int) -> list[AgendaPlace]:
    """The places of a page of agenda_items, the first at position `first`. An item past
    the panel's items_per_meeting carries to the next meeting when this one closes."""
    limit = meeting.panel.items_per_meeting
    return [
        AgendaPlace(
            position=position,
            heard=limit is None or position <= limit,
            reasons=reasons(item.application, priority=getattr(item, ANNOTATION)),
        )
        for position, item in enumerate(items, start=first)
    ]


def agenda(meeting: Meeting) -> list[AgendaItem]:
    """Every item heard at the meeting, for the pack's PDF and the services."""
    return list(agenda_items(meeting))


def items_elsewhere(meeting: Meeting) -> QuerySet[AgendaItem]:
    """Items that were on this meeting's agenda and went to another meeting."""
    return (
        meeting.items.filter(state__in=[ItemState.MOVED, ItemState.ROLLED])
        .select_related("application__student")
        .order_by("added_at", "id")
    )


def conflicted_names(item: AgendaItem, panel_members: list[PanelMember]) -> list[str]:
    """Members of the panel from, or sitting for, the item's referring school."""
    school_id = item.application.school_id
    return [
        m.user.full_name
        for m in panel_members
        if m.represents_id == school_id
        or school_id in {ms.organisation_id for ms in m.user.memberships.all()}
    ]


def members_with_memberships(panel: Panel) -> list[PanelMember]:
    return list(
        panel.members.filter(is_active=True)
        .select_related("user", "seat", "represents")
        .prefetch_related("user__memberships")
    )


@dataclass
class PackItem:
    item: AgendaItem
    application: Application
    sections: list[dict]
    documents: list[ApplicationDocument]
    questions: list[tuple[str, str]]  # (question, the school's answer)
    conflicted: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it stands where it does


def pack(meeting: Meeting, items: list[AgendaItem] | None = None) -> list[PackItem]:
    """Each item's summary, evidence list and the questions this panel considers, with the
    school's answers: for the given items of the agenda (a page of it), or else all of it.
    A fixed number of queries whatever the number of items."""
    if items is None:
        items = agenda(meeting)
    application_ids = [i.application_id for i in items]
    documents: dict[int, list[ApplicationDocument]] = {}
    for document in ApplicationDocument.objects.filter(
        application_id__in=application_ids
    ).select_related("document", "checklist_item"):
        documents.setdefault(document.application_id, []).append(document)
    questions: dict[int, list[Question]] = {}
    for question in Question.objects.filter(
        programme_id__in={i.application.programme_id for i in items},
        considered_by__key=meeting.panel.key,
    ).order_by("order"):
        questions.setdefault(question.programme_id, []).append(question)
    panel_members = members_with_memberships(meeting.panel)
    result = []
    for item in items:
        application = item.application
        answers = application.question_answers or {}
        result.append(
            PackItem(
                item=item,
                application=application,
                sections=[
                    s
                    for s in answers_by_page(application)
                    if s["page"].slug not in ("programme", "evidence", "questions")
                ],
                documents=documents.get(application.pk, []),
                questions=[
                    (q.text, answers.get(q.key, ""))
                    for q in questions.get(application.programme_id, [])
                ],
                conflicted=conflicted_names(item, panel_members),
                reasons=reasons(application, priority=getattr(item, ANNOTATION, False)),
            )
        )
    return result


def attendees(meeting: Meeting) -> list[PanelMember]:
    record = getattr(meeting, "record", None)
    if record is None:
        return []
    return list(record.attendees.select_related("user", "represents"))


def quorate_for(item: AgendaItem, present: list[PanelMember]) -> list[PanelMember]:
    """The members present who may take part in the item's decision."""
    return [m for m in present if not is_conflicted(m.user, item.application)]


# --- Cohorts and the waiting list -------------------------------------------------------


def places_taken(cohort: Cohort) -> int:
    return Application.objects.filter(cohort=cohort, status__in=HOLDS_A_PLACE).count()


def cohorts_with_places(programme: Programme) -> list[Cohort]:
    """The programme's cohorts, each with places_taken."""
    return list(
        Cohort.objects.filter(programme=programme)
        .annotate(
            taken=Count(
                "applications", filter=Q(applications__status__in=HOLDS_A_PLACE), distinct=True
            )
        )
        .order_by("starts_on")
    )


def cohort_for_meeting(meeting: Meeting, programme: Programme) -> Cohort | None:
    """The cohort a meeting fills: the one the calendar links to it, or else the
    programme's next cohort starting after the meeting."""
    linked = Cohort.objects.filter(programme=programme, decided_at=meeting).first()
    if linked is not None:
        return linked
    if meeting.date is None:
        return None
    return (
        Cohort.objects.filter(programme=programme, starts_on__gt=meeting.date)
        .order_by("starts_on")
        .first()
    )


def waiting_list(programme: Programme) -> QuerySet[Application]:
    """Applications on the programme's waiting list in the order the service offers places
    (applications.priority: subscribing schools first where the programme gives them
    priority, then the earliest referred)."""
    return by_priority(
        Application.objects.filter(programme=programme, status=Status.WAITING_LIST)
    ).select_related("student", "school", "programme__year")


# --- Outcome notices --------------------------------------------------------------------


def notices_to_send() -> QuerySet[OutcomeNotice]:
    """Notices not yet sent, the earliest due (so the overdue) first."""
    return (
        OutcomeNotice.objects.filter(sent_at__isnull=True)
        .select_related(
            "application__student",
            "application__school",
            "decision__item__meeting__panel",
        )
        .order_by("due_on", "id")
    )


def overdue_notices(*, today: dt.date) -> QuerySet[OutcomeNotice]:
    return notices_to_send().filter(due_on__lt=today)


def notices_of(application: Application, user: User) -> list[OutcomeNotice]:
    """The application's notices the user may read: sent ones for the school."""
    from panels.rules import can_view_outcome_notice

    notices = application.outcome_notices.select_related("decision__item__meeting__panel").order_by(
        "id"
    )
    return [n for n in notices if can_view_outcome_notice(user, n)]


def waiting_item(application: Application) -> AgendaItem | None:
    return (
        application.agenda_items.filter(state=ItemState.WAITING)
        .select_related("meeting__panel")
        .first()
    )


def public_calendar(*, today: dt.date) -> QuerySet[Meeting]:
    """Every panel's meetings and referral deadlines from a year back, for schools: dates
    only, no agenda."""
    return (
        Meeting.objects.filter(date__gte=today - dt.timedelta(days=CALENDAR_PAST_DAYS))
        .select_related("panel__year")
        .order_by("date", "panel__name")
    )


# The head of each waiting list that the page shows: the next places go to them.
WAITING_SHOWN = 50


@dataclass(frozen=True)
class Waiting:
    """An application on a waiting list, where it stands and why."""

    application: Application
    position: int  # counted from 1, in the order places are offered
    reasons: list[str]
    place_free: bool  # one of the places free in the cohorts to come is for it


@dataclass
class ProgrammePlaces:
    programme: Programme
    cohorts: list[Cohort]
    waiting: list[Waiting]  # the first WAITING_SHOWN, in the order places are offered
    waiting_count: int
    places_free: int  # in the cohorts that have not started


def places_free(cohorts: list[Cohort], *, today: dt.date) -> int:
    """Places not yet taken in the cohorts (with_places) that have not started."""
    return sum(
        max(0, c.capacity - c.taken)
        for c in cohorts
        if c.capacity is not None and c.starts_on > today
    )


def waiting_entries(applications: list[Application], *, free: int) -> list[Waiting]:
    """The head of a waiting_list with its places and reasons: the first `free` are the
    ones the free places go to."""
    return [
        Waiting(
            application=application,
            position=position,
            reasons=reasons(application, priority=getattr(application, ANNOTATION)),
            place_free=position <= free,
        )
        for position, application in enumerate(applications, start=1)
    ]


_waiting_count = (
    Application.objects.filter(programme=OuterRef("pk"), status=Status.WAITING_LIST)
    .order_by()
    .annotate(n=Func("id", function="COUNT"))
    .values("n")
)


def places_by_programme(*, today: dt.date) -> list[ProgrammePlaces]:
    """Each programme with places per cohort: its cohorts' places taken, how many wait and
    the head of its waiting list in the order places are offered, with why."""
    programmes = (
        Programme.objects.filter(capacity_rule="cohort")
        .select_related("year")
        .annotate(waiting_count=Subquery(_waiting_count, output_field=IntegerField()))
    )
    result = []
    for programme in programmes.order_by("-year__starts_on", "order"):
        cohorts = cohorts_with_places(programme)
        free = places_free(cohorts, today=today)
        result.append(
            ProgrammePlaces(
                programme=programme,
                cohorts=cohorts,
                waiting=waiting_entries(list(waiting_list(programme)[:WAITING_SHOWN]), free=free),
                waiting_count=programme.waiting_count,
                places_free=free,
            )
        )
    return result


@dataclass
class ApplicationPanels:
    waiting: AgendaItem | None
    decisions: list
    notices: list[OutcomeNotice]


def application_panels(application: Application) -> ApplicationPanels:
    """Where the application is on the panels, and what they decided, for its page."""
    from panels.models import Decision

    return ApplicationPanels(
        waiting=waiting_item(application),
        decisions=list(
            Decision.objects.filter(item__application=application)
            .select_related("item__meeting__panel", "cohort", "receiving_school", "deferred_to")
            .order_by("recorded_at")
        ),
        notices=list(application.outcome_notices.order_by("id")),
    )


def application_panels_for_school(application: Application, user: User) -> ApplicationPanels:
    """What the school sees: the meeting its application waits for, and the outcome
    notices sent to it. Decisions reach the school through the notices."""
    return ApplicationPanels(
        waiting=waiting_item(application), decisions=[], notices=notices_of(application, user)
    )
