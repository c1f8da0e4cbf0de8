"""What privacy registers with the apps below it at start-up (PrivacyConfig.ready): the
access review's and retention's scheduled jobs, and the access review's links on the home
pages of those who may open it."""

import datetime as dt

from django.template.loader import render_to_string

from accounts.rules import Area
from lib.sections import section
from privacy.rules import can_open_access_reviews, can_view_access_review_overview
from scheduling.registry import Daily, Job, register

register(
    Job(
        name="apply_retention",
        description=(
            "Deletes or anonymises the records whose retention period has ended, one student "
            "at a time, leaving students on legal hold, and records what it removed."
        ),
        # Early, every day: an expired record should not wait for a working day.
        when=Daily(times=(dt.time(2, 30),), working_days=False),
        command="apply_retention",
    )
)

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
# An administrator with no other role has the home page that lists their people.
section("dashboards:home")(_access_review_links)
