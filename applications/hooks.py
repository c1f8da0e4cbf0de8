"""What applications registers with the apps below it at start-up (ApplicationsConfig.ready):
its part of a student's page."""

import datetime as dt

from django.template.loader import render_to_string

from applications.selectors import applications_for
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
