"""What safeguarding registers with the apps below it at start-up (SafeguardingConfig.ready):
its part of the DSLs' home pages, which dashboards shows without importing safeguarding,
and the way to raise a concern on a student's and a placement's pages."""

from django.template.loader import render_to_string

from accounts.rules import Area, is_dsl
from lib.sections import section
from safeguarding.rules import can_raise_concern
from safeguarding.selectors import waiting_counts_for
from scheduling.registry import Every, Job, register


def _waiting(request, _) -> str:
    """The concerns waiting for the DSL to acknowledge them, urgent ones first."""
    if not is_dsl(request.user):
        return ""
    counts = waiting_counts_for(request.user)
    if not counts["total"]:
        return ""
    return render_to_string("safeguarding/_home.html", counts, request)


for _area in (Area.SCHOOLS, Area.CASEWORK, Area.PROVIDERS):
    section(f"dashboards:{_area}")(_waiting)


@section("students:actions")
@section("placements:actions")
def raise_concern_link(request, student) -> str:
    """The way to raise a concern, on the pages of a student the user works with."""
    if not can_raise_concern(request.user, student):
        return ""
    return render_to_string("safeguarding/_raise_link.html", {"student": student}, request)


# --- Scheduled jobs -----------------------------------------------------------------------

register(
    Job(
        name="escalate_concerns",
        description=(
            "Escalates to the CAP safeguarding lead the urgent concerns nobody acknowledged "
            "in time."
        ),
        when=Every(minutes=5),
        command="escalate_concerns",
    )
)
