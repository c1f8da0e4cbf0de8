"""What placements registers with the apps below it at start-up (PlacementsConfig.ready)."""

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.leavers import OpenWork, open_work_register, people_holding
from accounts.models import OrganisationKind, Role, User
from accounts.rules import Area, is_cap_staff
from applications.effects import on_transition
from applications.models import Application
from lib.dates import long_date
from lib.errors import Refused
from lib.sections import section
from placements import selectors_visits
from placements.models import Placement, Visit, VisitStatus
from placements.rules import can_view_placement, move_confirmer_school_ids
from placements.selectors import managed_moves_for_school_home
from placements.services import placement_create, placements_monitoring_reassign
from placements.services_visits import visits_reassign
from programmes.calendar import Calendar
from programmes.selectors import day_after_a_term, school_calendar
from scheduling.registry import Daily, Every, Job, OnDays, register


@on_transition("set_up_placement")
def placement_set_up(*, application: Application, by: User) -> None:
    """The record the placement work builds on: who, what, where, from when, how often."""
    course, programme = application.course, application.programme
    setting = application.setting
    if course is not None:
        weeks, days = course.weeks, course.days_per_week
    else:
        weeks = (application.cohort.weeks if application.cohort_id else None) or programme.max_weeks
        days = application.days_per_week or programme.days_per_week
    if setting is None:
        raise Refused(
            "No setting is known for this placement: no course, receiving school or academy."
        )
    if not weeks:
        raise Refused("The placement has no length, so its end cannot be worked out.")
    if days is None:
        raise Refused("The placement has no days per week: confirm them with the start date.")
    placement_create(
        application=application,
        provider=setting,
        course=course,
        starts_on=application.start_on,
        planned_end_on=planned_end(application.start_on, weeks, school_calendar()),
        days_per_week=days,
        by=by,
    )


def planned_end(starts_on: dt.date, weeks: int, calendar: Calendar) -> dt.date:
    """The last school day of the placement's last teaching week: a length in weeks is a
    length in school weeks, so half terms and holidays do not use it up. When the loaded
    term dates do not reach that far, CAP refuses rather than guess: the end would be a
    guess about holidays nobody has entered."""
    end = calendar.last_school_day_of_week(starts_on, weeks)
    if end is None or not calendar.covers(starts_on):
        week_s = "week" if weeks == 1 else "weeks"
        raise Refused(
            f"CAP cannot work out when {weeks} school {week_s} from {long_date(starts_on)} "
            "end: the term dates for those weeks are not loaded. Ask the CAP manager to add "
            "the year's term dates, then set up the placement."
        )
    return end


# --- Scheduled jobs -----------------------------------------------------------------------

_first_session = dt.time(*min(settings.CAP_SESSION_STARTS.values()))

register(
    Job(
        name="sweep_attendance",
        description=(
            "Raises the alerts for marks missing after the register window and for absences, "
            "and e-mails them."
        ),
        when=Every(minutes=5, start=_first_session, end=dt.time(16, 0), working_days=True),
        command="sweep_attendance",
    )
)
register(
    Job(
        name="make_termly_reports",
        description="Makes the termly report of every placement open in the term that ended.",
        when=OnDays(
            next_day=day_after_a_term,
            at=dt.time(6, 30),
            description="the first working day after each term ends",
        ),
        command="make_termly_reports",
    )
)


register(
    Job(
        name="apply_managed_moves",
        description=(
            "Makes the managed moves whose day has come: the receiving school becomes the "
            "student's home school and the registrations follow."
        ),
        when=Daily(times=(dt.time(0, 30),), working_days=False),
        command="apply_managed_moves",
    )
)


# --- The receiving school's home page -----------------------------------------------------


@section("dashboards:schools")
def managed_moves_home(request, _) -> str:
    """For the headteacher and CAP coordinator of a receiving school: the Supported
    Transfers at their school that ended in a managed move still to confirm, those open
    (a move may be confirmed before the end), and the moves confirmed for a day to come."""
    if not move_confirmer_school_ids(request.user):
        return ""
    moves = managed_moves_for_school_home(request.user)
    if not (moves["to_confirm"] or moves["open"] or moves["coming"]):
        return ""
    return render_to_string("placements/_managed_moves_home.html", moves, request)


# --- Open work a leaver hands over (accounts/leavers.py) ---------------------------------

open_work_register(
    OpenWork(
        key="placements_monitored",
        label="Open placements they monitor",
        count=lambda user: Placement.objects.filter(
            monitoring_officer=user, ended_on__isnull=True
        ).count(),
        # Whom the placement's page offers as its monitoring officer.
        candidates=lambda user: people_holding(
            kinds={OrganisationKind.LOCAL_AUTHORITY},
            roles={Role.MONITORING_OFFICER, Role.CAP_OFFICER},
        ),
        reassign=lambda user, to, by: placements_monitoring_reassign(officer=user, to=to, by=by),
    )
)


open_work_register(
    OpenWork(
        key="visits_planned",
        label="Visits planned for them",
        count=lambda user: Visit.objects.filter(officer=user, status=VisitStatus.PLANNED).count(),
        candidates=lambda user: selectors_visits.officers(),
        reassign=lambda user, to, by: visits_reassign(officer=user, to=to, by=by),
    )
)


# --- The officer's overdue visits on the casework home page (dashboards) -----------------


@section(f"dashboards:{Area.CASEWORK}")
def overdue_visits(request, _) -> str:
    """The officer's overdue visits, for the CAP team with a caseload or visits planned for
    them; nothing for anyone else."""
    user = request.user
    if not is_cap_staff(user):
        return ""
    has_work = (
        Placement.objects.filter(monitoring_officer=user, ended_on__isnull=True).exists()
        or Visit.objects.filter(officer=user, status=VisitStatus.PLANNED).exists()
    )
    if not has_work:
        return ""
    count, items = selectors_visits.overdue(user, today=timezone.localdate())
    return render_to_string(
        "placements/visits/_home.html", {"count": count, "items": items}, request=request
    )


# --- The school's application page (applications) -----------------------------------------


@section("applications:detail")
def placement_for_school(request, application: Application) -> str:
    """Once the placement is set up, the school's application page links to it."""
    placement = Placement.objects.filter(application=application).select_related("provider").first()
    if placement is None or not can_view_placement(request.user, placement):
        return ""
    return render_to_string(
        "placements/_application_section.html", {"placement": placement}, request=request
    )
