"""What applications registers with the apps below it at start-up (ApplicationsConfig.ready):
its part of a student's page."""

import datetime as dt

from django.template.loader import render_to_string

from accounts.leavers import OpenWork, open_work_register, people_holding
from accounts.models import OrganisationKind, Role, User
from applications.models import Application
from applications.selectors import applications_for
from applications.services import applications_reassign
from applications.workflow import OPEN
from lib.sections import section
from scheduling.registry import Daily, Job, register


@section("students:detail")
def student_applications(request, student) -> str:
    """The student's applications that the user may see."""
    applications = list(applications_for(request.user).filter(student=student))
    if not applications:
        return ""
    return render_to_string(
        "applications/_student_applications.html", {"applications": applications}, request
    )


# --- Scheduled jobs -----------------------------------------------------------------------

register(
    Job(
        name="remind_old_drafts",
        description="E-mails the authors of drafts left untouched for the year's reminder period.",
        when=Daily(times=(dt.time(7, 0),)),
        command="remind_old_drafts",
    )
)


# --- Open work a leaver hands over (accounts/leavers.py) ---------------------------------


def _assigned_open(user: User):
    return Application.objects.filter(assigned_to=user, status__in=OPEN)


open_work_register(
    OpenWork(
        key="applications_assigned",
        label="Open applications they handle for CAP",
        count=lambda user: _assigned_open(user).count(),
        candidates=lambda user: people_holding(
            kinds={OrganisationKind.LOCAL_AUTHORITY}, roles={Role.CAP_OFFICER, Role.CAP_MANAGER}
        ),
        reassign=lambda user, to, by: applications_reassign(officer=user, to=to, by=by),
    )
)
