"""What the school review meetings register with the home pages below them at start-up
(SchoolReviewsConfig.ready, lib.sections): for the CAP team, the meetings to prepare this
term; for a school's staff, their next shared meeting and their open actions."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.rules import school_ids
from lib.sections import section
from school_reviews import selectors
from school_reviews.models import ReviewMeeting
from school_reviews.rules import can_record_school_review, school_reviews_shared_with


@section("dashboards:casework")
def meetings_to_prepare(request, obj) -> str:
    if not can_record_school_review(request.user):
        return ""
    today = timezone.localdate()
    term = selectors.term_on(today)
    if term is None:
        return ""
    return render_to_string(
        "school_reviews/_casework_home.html",
        {"term": term, "summary": selectors.term_summary(term, today=today)},
        request=request,
    )


@section("dashboards:schools")
def next_meeting(request, obj) -> str:
    schools = school_ids(request.user)
    if not schools:
        return ""
    meetings = school_reviews_shared_with(request.user, ReviewMeeting.objects.all())
    return render_to_string(
        "school_reviews/_schools_home.html",
        {
            "glance": selectors.school_glance(meetings, today=timezone.localdate()),
            "several_schools": len(schools) > 1,
        },
        request=request,
    )
