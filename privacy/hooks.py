"""What privacy registers with the apps below it at start-up (PrivacyConfig.ready): the
access review's scheduled job, and its links on the home pages of those who may open it."""

import datetime as dt

from django.template.loader import render_to_string

from accounts.rules import Area
from lib.sections import section
from privacy.rules import can_open_access_reviews, can_view_access_review_overview
from scheduling.registry import Daily, Job, register

register(
    Job(
        name="run_access_reviews",
        description=(
            "Opens each organisation's access review at the start of a term, reminds its "
            "administrator before it is due, and suspends the people nobody confirmed."
        ),
        when=Daily(times=(dt.time(6, 45),)),
        command="run_access_reviews",
    )
)


def _access_review_links(request, _) -> str:
    """The access review, for administrators and the CAP manager; the overview of every
    organisation's review for the CAP manager."""
    if not can_open_access_reviews(request.user):
        return ""
    return render_to_string(
        "privacy/_home_links.html",
        {"overview": can_view_access_review_overview(request.user)},
        request,
    )


for _area in (Area.SCHOOLS, Area.CASEWORK, Area.PROVIDERS, Area.AGENCIES, Area.PANELS):
    section(f"dashboards:{_area}")(_access_review_links)
