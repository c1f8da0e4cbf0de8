"""Every non-trivial read of the school review meetings. Each makes a fixed few queries
whatever the number of students, meetings or marks: attendance comes from the placements'
weekly tallies bounded by the term (placements.selectors.tallies), never from every mark."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import SCHOOL_KINDS, Membership, Organisation, OrganisationKind, Role
from placements.models import Category, Placement, Review, SupportPlan, Target, TermlyReport
from placements.selectors import BY_NAME, Figures, tallies
from programmes.models import Term
from school_reviews.models import Action, AgendaItem, ReviewMeeting

# The most students one agenda holds; the meeting says how many more were in AP.
AGENDA_LIMIT = 100
PAGE_SIZE = 50


def in_ap_during(queryset: QuerySet, term: Term) -> QuerySet:
    """Placements that are open and started by the end of the term, or ended during it or
    after it began: a student in AP this term. Closed placements of earlier terms are not."""
    return queryset.filter(starts_on__lte=term.ends_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=term.starts_on)
    )


def agenda_placements(*, school: Organisation, term: Term) -> QuerySet:
    """The school's placements for the agenda, by student name."""
    return in_ap_during(Placement.objects.filter(home_school=school), term).order_by(*BY_NAME)


def _count(queryset: QuerySet) -> Subquery:
    rows = queryset.values("placement").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _earliest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.values("placement").annotate(first=Min(field)).values("first"))


@dataclass
class AgendaRow:
    placement: Placement
    figures: Figures
    report_term: str
    report_issued_at: dt.datetime | None
    review_held_on: dt.date | None
    reviews_due: int
    next_review_on: dt.date | None


def agenda_rows(*, school: Organisation, term: Term, on: dt.date) -> tuple[list[AgendaRow], int]:
    """The first AGENDA_LIMIT students of the school in AP during the term, each with its
    attendance in the term, its latest termly report and review (by the term's end), the
    plan and target reviews due in the term and the next of them on or after `on`; and how
    many students there are in all. Three queries whatever the number of students."""
    placements = agenda_placements(school=school, term=term)
    total = placements.count()
    first, last = term.starts_on, term.ends_on
    plans_due = SupportPlan.objects.filter(
        placement=OuterRef("pk"), review_on__gte=first, review_on__lte=last
    )
    targets_due = Target.objects.filter(
        placement=OuterRef("pk"), review_by__gte=first, review_by__lte=last
    )
    latest_report = TermlyReport.objects.filter(
        placement=OuterRef("pk"), term__starts_on__lte=last
    ).order_by("-term__starts_on", "-issued_at")
    latest_review = Review.objects.filter(placement=OuterRef("pk"), held_on__lte=last).order_by(
        "-held_on", "-id"
    )
    rows = list(
        placements.annotate(
            plans_due=_count(plans_due),
            targets_due=_count(targets_due),
            next_plan_review=_earliest(plans_due.filter(review_on__gte=on), "review_on"),
            next_target_review=_earliest(targets_due.filter(review_by__gte=on), "review_by"),
            report_term_name=Subquery(latest_report.values("term__name")[:1]),
            report_year_name=Subquery(latest_report.values("term__year__name")[:1]),
            report_issued=Subquery(latest_report.values("issued_at")[:1]),
            review_held=Subquery(latest_review.values("held_on")[:1]),
        ).select_related("student", "provider", "programme")[:AGENDA_LIMIT]
    )
    figures = attendance_in_term([p.pk for p in rows], term)
    agenda = []
    for placement in rows:
        upcoming = [d for d in (placement.next_plan_review, placement.next_target_review) if d]
        report = ""
        if placement.report_term_name:
            report = f"{placement.report_term_name} {placement.report_year_name}"
        agenda.append(
            AgendaRow(
                placement=placement,
                figures=figures.get(placement.pk, Figures(Counter())),
                report_term=report,
                report_issued_at=placement.report_issued,
                review_held_on=placement.review_held,
                reviews_due=placement.plans_due + placement.targets_due,
                next_review_on=min(upcoming) if upcoming else None,
            )
        )
    return agenda, total


def attendance_in_term(placement_ids: list[int], term: Term) -> dict[int, Figures]:
    """Each placement's figures over the term's weeks, from the weekly tallies, in one
    query."""
    if not placement_ids:
        return {}
    sums = {c.value: Coalesce(Sum(c.value), 0) for c in Category}
    rows = (
        tallies(Placement.objects.filter(pk__in=placement_ids), term.starts_on, term.ends_on)
        .values("placement")
        .annotate(**sums)
        .order_by()
    )
    return {row["placement"]: Figures(Counter({c: row[c.value] for c in Category})) for row in rows}


# --- Terms --------------------------------------------------------------------------------


def term_on(day: dt.date) -> Term | None:
    """The term holding the day; in a holiday the next term of the year, or else the last
    one that ended."""
    terms = Term.objects.select_related("year")
    return (
        terms.filter(starts_on__lte=day, ends_on__gte=day).first()
        or terms.filter(starts_on__gt=day).order_by("starts_on").first()
        or terms.filter(ends_on__lt=day).order_by("-ends_on").first()
    )


def terms_to_choose(term: Term) -> list[Term]:
    """The terms of the year holding `term`, to switch between."""
    return list(Term.objects.filter(year_id=term.year_id).select_related("year"))


# --- The CAP team's list ------------------------------------------------------------------


def schools_for_term(term: Term) -> QuerySet:
    """Schools with students in AP during the term, or with a meeting for it, by name, each
    with its meeting's uuid, date and whether it is shared (None when not prepared) and how
    many of its students are in AP. One query a page."""
    in_ap = in_ap_during(Placement.objects.filter(home_school=OuterRef("pk")), term)
    meeting = ReviewMeeting.objects.filter(school=OuterRef("pk"), term=term)
    return (
        Organisation.objects.filter(kind__in=SCHOOL_KINDS)
        .filter(Exists(in_ap) | Exists(meeting))
        .annotate(
            students_in_ap=_school_count(in_ap),
            meeting_uuid=Subquery(meeting.values("uuid")[:1]),
            meeting_held_on=Subquery(meeting.values("held_on")[:1]),
            meeting_shared_at=Subquery(meeting.values("shared_at")[:1]),
        )
        .order_by("name", "pk")
    )


def _school_count(queryset: QuerySet) -> Coalesce:
    rows = queryset.order_by().values("home_school").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@dataclass
class TermSummary:
    schools: int
    prepared: int
    overdue_actions: int

    @property
    def to_prepare(self) -> int:
        return max(self.schools - self.prepared, 0)


def term_summary(term: Term, *, today: dt.date) -> TermSummary:
    """How many schools have students in AP in the term, how many meetings are prepared for
    it, and how many of their actions are overdue: three queries."""
    in_ap = in_ap_during(Placement.objects.filter(home_school=OuterRef("pk")), term)
    schools = Organisation.objects.filter(kind__in=SCHOOL_KINDS).filter(Exists(in_ap)).count()
    prepared = ReviewMeeting.objects.filter(term=term).count()
    overdue = overdue_actions(Action.objects.filter(meeting__term=term), today=today).count()
    return TermSummary(schools=schools, prepared=prepared, overdue_actions=overdue)


# --- One meeting ----------------------------------------------------------------------------


def items_of(meeting: ReviewMeeting) -> QuerySet:
    """The agenda, in its order, with what each row shows, for a page of it."""
    return AgendaItem.objects.filter(meeting=meeting).select_related(
        "placement__student", "placement__provider", "placement__programme"
    )


# How many actions one meeting may agree: a bound on its page, far above a real meeting's.
ACTIONS_LIMIT = 100


def actions_of(meeting: ReviewMeeting) -> list[Action]:
    """The meeting's actions (at most ACTIONS_LIMIT, services.action_add), each knowing its
    meeting without a query of its own."""
    actions = list(
        Action.objects.filter(meeting=meeting).select_related(
            "owner", "owner_organisation", "done_by"
        )
    )
    for action in actions:
        action.meeting = meeting
    return actions


def overdue_actions(queryset: QuerySet, *, today: dt.date) -> QuerySet:
    return queryset.filter(done_at__isnull=True, due_on__lt=today)


def people_for_actions(meeting: ReviewMeeting) -> list[tuple[int, int, str]]:
    """Who may own an action, as (user id, organisation id, words): the school's staff and
    the CAP team, active people at active organisations, by name. One query."""
    memberships = (
        Membership.objects.filter(user__is_active=True, organisation__is_active=True)
        .filter(
            Q(
                organisation=meeting.school,
                role__in=[Role.REFERRER, Role.HEADTEACHER, Role.DSL],
            )
            | Q(
                organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
                role__in=[Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER],
            )
        )
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "pk")
    )
    seen: dict[tuple[int, int], str] = {}
    for m in memberships:
        key = (m.user_id, m.organisation_id)
        if key not in seen:
            seen[key] = f"{m.user.full_name}, {m.organisation.name}"
    return [(user, organisation, words) for (user, organisation), words in seen.items()]


# --- The school's side ----------------------------------------------------------------------


@dataclass
class SchoolGlance:
    next_meeting: ReviewMeeting | None
    open_actions: int
    overdue_actions: int


def school_glance(meetings: QuerySet, *, today: dt.date) -> SchoolGlance:
    """For a school's home page: the next meeting shared with it, and its open and overdue
    actions, from `meetings` (those the reader may see). Three queries."""
    upcoming = meetings.filter(held_on__gte=today).select_related("school", "term__year")
    actions = Action.objects.filter(meeting__in=meetings, done_at__isnull=True)
    return SchoolGlance(
        next_meeting=upcoming.order_by("held_on", "starts_at").first(),
        open_actions=actions.count(),
        overdue_actions=overdue_actions(actions, today=today).count(),
    )
