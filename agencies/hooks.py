"""What agencies registers with the apps below it at start-up (AgenciesConfig.ready): the
professional's linked students on the agency home page, and the way to the student's
agency links on a student's and a placement's pages for the school and CAP officers."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from accounts.rules import Area
from agencies import selectors
from lib.sections import section
from students.rules import can_link_agency

PAGE_SIZE = 25


@section(f"dashboards:{Area.AGENCIES}")
def linked_students(request, _) -> str:
    """The students the professional is linked to, with what is new for each, and how to
    be linked to another."""
    links = selectors.linked_students_for(request.user)
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_to_string(
        "agencies/_home.html",
        {"page": page, "with_news": selectors.with_news(links)},
        request,
    )


@section("students:actions")
@section("placements:actions")
def links_link(request, student) -> str:
    """The way to the student's agency links, for those who keep them."""
    if not can_link_agency(request.user, student):
        return ""
    return render_to_string(
        "agencies/_links_link.html",
        {"student": student, "count": selectors.open_link_count(student)},
        request,
    )
