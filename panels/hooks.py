"""What panels registers with the apps below it at start-up (PanelsConfig.ready): what
happens at panels when an application takes a step, the step panels adds to an
application's page (offering a place from the waiting list), and the panels' sections of
the applications pages. (Who acts for a panel is registered in panels/rules.py.)"""

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.leavers import OpenWork, open_work_register
from accounts.models import User
from applications.effects import on_transition
from applications.forms import CohortForm
from applications.models import Application
from applications.steps import Step, step_register
from lib.sections import section
from panels import selectors
from panels.models import PanelMember
from panels.services import (
    agenda_add,
    agenda_withdraw,
    application_offer_place,
    panel_seats_end,
)
from programmes.models import ROUTE_PANEL_STEPS
from scheduling.registry import Daily, Job, register


def _cohort_form(application: Application, **kwargs) -> CohortForm:
    return CohortForm(cohorts=application.programme.cohorts.all(), **kwargs)


# CAP offers a place from the waiting list on the application's page.
step_register(Step("offer_place", _cohort_form, application_offer_place))


@on_transition("refer_to_panel")
def first_panel(*, application: Application, by: User) -> None:
    """CAP's check is done: on the agenda of the first panel's next meeting whose referral
    deadline the submission met."""
    first_step = ROUTE_PANEL_STEPS[application.programme.route][0]
    reached_on = timezone.localdate(application.submitted_at)
    agenda_add(application=application, step=first_step, reached_on=reached_on, by=by)


@on_transition("answer_panel")
def back_to_panel(*, application: Application, by: User) -> None:
    """The school answered: back on the agenda of the panel that asked, at its next
    meeting."""
    agenda_add(
        application=application,
        step=application.panel_step,
        reached_on=timezone.localdate(),
        by=by,
    )


@on_transition("withdraw", "close")
def off_the_agenda(*, application: Application, by: User) -> None:
    """An application that leaves its route leaves the agenda too."""
    agenda_withdraw(application=application)


# --- Sections of pages below panels ------------------------------------------------------


@section("casework:application")
def panels_for_casework(request, application: Application) -> str:
    return render_to_string(
        "panels/_application_panels.html",
        {"panel": selectors.application_panels(application), "casework": True},
        request,
    )


@section("applications:detail")
def panels_for_school(request, application: Application) -> str:
    return render_to_string(
        "panels/_application_panels.html",
        {"panel": selectors.application_panels_for_school(application, request.user)},
        request,
    )


# The overdue notices listed on the queue; the banner counts them all.
OVERDUE_SHOWN = 10


@section("casework:queue")
def overdue_notices(request, _) -> str:
    """The overdue notices' count and the earliest few, however many are overdue; the
    meetings page lists every notice still to send."""
    overdue = selectors.overdue_notices(today=timezone.localdate())
    notices = list(overdue[:OVERDUE_SHOWN])
    if not notices:
        return ""
    count = len(notices) if len(notices) < OVERDUE_SHOWN else overdue.count()
    return render_to_string(
        "panels/_overdue_notices.html", {"notices": notices, "count": count}, request
    )


# --- Scheduled jobs -----------------------------------------------------------------------

register(
    Job(
        name="mark_overdue_notices",
        description="Marks the outcome notices not sent within 3 working days of their meeting.",
        when=Daily(times=(dt.time(6, 0),)),
        command="mark_overdue_notices",
    )
)


# --- Open work a leaver hands over (accounts/leavers.py) ---------------------------------

open_work_register(
    OpenWork(
        key="panel_seats",
        label="Panel seats",
        count=lambda user: PanelMember.objects.filter(user=user, is_active=True).count(),
        candidates=None,
        reassign=lambda user, to, by: panel_seats_end(member=user, by=by),
    )
)
