"""What events registers with the apps above it at start-up (EventsConfig.ready): its
sections of the school and casework home pages, and of a school's entitlements page
("entitlements:school", whose object is the school); and a leaver's places at events to
come, which end with them."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.leavers import OpenWork, open_work_register
from accounts.models import Organisation
from accounts.rules import Area, school_ids
from events import selectors, services
from events.models import Event, EventStatus
from events.rules import can_book_events, can_manage_events, can_view_school_bookings
from lib.sections import section
from programmes.selectors import year_current


def _next_events(today, limit: int = 3) -> list[Event]:
    return list(
        selectors.with_places(
            Event.objects.filter(date__gte=today, status=EventStatus.OPEN)
        ).order_by("date", "starts_at", "pk")[:limit]
    )


@section(f"dashboards:{Area.SCHOOLS}")
def events_for_schools(request, _) -> str:
    if not can_book_events(request.user):
        return ""
    return render_to_string(
        "events/schools/_home.html",
        {"events": _next_events(timezone.localdate())},
        request,
    )


@section(f"dashboards:{Area.CASEWORK}")
def events_for_casework(request, _) -> str:
    if not can_manage_events(request.user):
        return ""
    return render_to_string(
        "events/casework/_home.html",
        {"events": _next_events(timezone.localdate())},
        request,
    )


@section("entitlements:school")
def events_of_school(request, school: Organisation) -> str:
    """The school's places at this year's events: booked, attended and missed."""
    if not isinstance(school, Organisation) or not school.is_school:
        return ""
    if not can_view_school_bookings(request.user, school):
        return ""
    year = year_current()
    if year is None:
        return ""
    return render_to_string(
        "events/_school_entitlement.html",
        {
            "school": school,
            "year": year,
            "summary": selectors.school_summary(school, year, today=timezone.localdate()),
            # The bookings page is the school's own: no link for anyone else.
            "own_school": school.pk in school_ids(request.user),
        },
        request,
    )


# --- Open work a leaver leaves (accounts/leavers.py) ---------------------------------------

open_work_register(
    OpenWork(
        key="event_places",
        label="Places booked for them at events to come",
        count=lambda user: services.places_to_come(user).count(),
        candidates=None,
        reassign=lambda user, to, by: services.places_end_for_leaver(person=user, by=by),
    )
)
