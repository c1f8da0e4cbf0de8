"""What safeguarding registers with the apps below it at start-up (SafeguardingConfig.ready):
its part of the DSLs' home pages, which dashboards shows without importing safeguarding,
and the way to raise a concern on a student's and a placement's pages."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.rules import is_dsl
from lib.dates import age_words
from lib.sections import section
from safeguarding.rules import can_raise_concern
from safeguarding.selectors import urgent_waiting_for, waiting_counts_for
from scheduling.registry import Every, Job, register


@section("dashboards:urgent")
def waiting(request, _) -> str:
    """At the top of every home page of a DSL (a school's, a provider's, the CAP
    safeguarding lead): the concerns they may read that nobody has acknowledged yet, the
    urgent ones listed oldest first by reference, category and age (never the content), the
    rest counted. Two queries at most, whatever the number of concerns."""
    if not is_dsl(request.user):
        return ""
    counts = waiting_counts_for(request.user)
    if not counts["total"]:
        return ""
    now = timezone.now()
    urgent = [
        {"concern": concern, "age": age_words(concern.raised_at, now)}
        for concern in (urgent_waiting_for(request.user) if counts["urgent"] else [])
    ]
    return render_to_string(
        "safeguarding/_home.html",
        {**counts, "shown": urgent, "others": counts["total"] - counts["urgent"]},
        request,
    )


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
