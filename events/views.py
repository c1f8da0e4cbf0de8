"""Events' pages: the CAP team's (casework/events/...) and the schools' (schools/events/...).
Each view checks its audience first and answers 404 to anyone else, providers and agencies
among them; objects are fetched through getters that answer 404 for what the reader may
not see."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation, User
from accounts.rules import Area, organisations_in_area
from events import selectors, services
from events.forms import SOMEONE_ELSE, AttendanceForm, BookingForm, EventForm
from events.models import Booking, Event
from events.rules import (
    booking_refusal,
    bookings_visible_to,
    can_book_events,
    can_cancel_booking,
    can_manage_events,
    can_record_attendance,
    can_view_event,
    events_visible_to,
    subscription_refusal,
)
from events.workflow import TRANSITIONS
from lib.errors import Conflict, Refused
from lib.forms import posted
from programmes.selectors import year_current

PAGE_SIZE = 50


def cap_team_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_manage_events(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def school_staff_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_book_events(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def get_event(user: User, event_uuid) -> Event:
    event = get_object_or_404(selectors.with_places(Event.objects.all()), uuid=event_uuid)
    if not can_view_event(user, event):
        raise Http404
    return event


def get_booking(user: User, booking_uuid) -> Booking:
    return get_object_or_404(
        bookings_visible_to(user, Booking.objects.select_related("event", "school")),
        uuid=booking_uuid,
    )


def _refused(form, error: Refused) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _listed(request, events):
    past = request.GET.get("when") == "past"
    listed = selectors.events_listed(events, past=past, today=timezone.localdate())
    return past, Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))


# --- The CAP team's pages ----------------------------------------------------------------


@cap_team_required
@require_GET
def casework_list(request):
    past, page = _listed(request, Event.objects.all())
    return render(request, "events/casework/list.html", {"page": page, "past": past})


def _event_form_page(request, *, event: Event | None):
    today = timezone.localdate()
    booked = event.booked if event else 0
    initial = {}
    if event:
        initial = {name: getattr(event, name) for name in services.EVENT_FIELDS}
        initial |= {
            "subscribers_only": "yes" if event.subscribers_only else "no",
            "version": event.version,
        }
    form = EventForm(
        posted(request), initial=initial, new=event is None, today=today, booked=booked
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if event is None:
                event = services.event_create(data=data, by=request.user)
                messages.success(request, f"{event.title} has been added")
            else:
                event = services.event_update(
                    event=event, data=data, version=data["version"], by=request.user
                )
                messages.success(request, f"{event.title} has been saved")
        except Conflict:
            event = get_event(request.user, event.uuid)
            form = form.changed_meanwhile(version=event.version, noun="event")
        except Refused as error:
            _refused(form, error)
        else:
            return redirect("events:casework_event", event.uuid)
    return render(
        request,
        "events/casework/form.html",
        {
            "form": form,
            "event": event,
            "title": "Change the event" if event else "Add an event",
            "button": "Save event" if event else "Add event",
        },
    )


@cap_team_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    return _event_form_page(request, event=None)


@cap_team_required
@require_http_methods(["GET", "POST"])
def event_edit(request, event_uuid):
    event = get_event(request.user, event_uuid)
    if event.status not in TRANSITIONS["cancel"][0]:
        raise Http404
    return _event_form_page(request, event=event)


@cap_team_required
@require_GET
def casework_event(request, event_uuid):
    event = get_event(request.user, event_uuid)
    bookings = selectors.bookings_of_event(Booking.objects.all(), event)
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/casework/event.html",
        {
            "event": event,
            "page": page,
            "places_left": selectors.places_left(event),
            "can_close": event.status in TRANSITIONS["close"][0],
            "can_cancel": event.status in TRANSITIONS["cancel"][0],
            "can_record": can_record_attendance(request.user, event),
        },
    )


@cap_team_required
@require_POST
def event_close(request, event_uuid):
    event = get_event(request.user, event_uuid)
    try:
        services.event_close(event=event, by=request.user)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Booking for {event.title} has closed")
    return redirect("events:casework_event", event.uuid)


@cap_team_required
@require_http_methods(["GET", "POST"])
def event_cancel(request, event_uuid):
    event = get_event(request.user, event_uuid)
    if event.status not in TRANSITIONS["cancel"][0]:
        raise Http404
    if request.method == "POST":
        try:
            services.event_cancel(event=event, by=request.user)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{event.title} has been cancelled and everyone booked has been told"
            )
        return redirect("events:casework_event", event.uuid)
    return render(
        request,
        "events/casework/cancel.html",
        {"event": event, "booked": event.booked},
    )


@cap_team_required
@require_http_methods(["GET", "POST"])
def attendance(request, event_uuid):
    event = get_event(request.user, event_uuid)
    if not can_record_attendance(request.user, event):
        raise Http404
    # An event's bookings are bounded by its places (at most 1,000).
    bookings = list(selectors.bookings_of_event(Booking.objects.all(), event))
    form = AttendanceForm(posted(request), bookings=bookings)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(event=event, marks=form.marks(), by=request.user)
        except Refused as error:
            _refused(form, error)
        else:
            messages.success(request, f"Attendance at {event.title} has been saved")
            return redirect("events:casework_event", event.uuid)
    return render(request, "events/casework/attendance.html", {"event": event, "form": form})


# --- The schools' pages -------------------------------------------------------------------


def _schools(user: User) -> list[Organisation]:
    return organisations_in_area(user, Area.SCHOOLS)


@school_staff_required
@require_GET
def school_list(request):
    past, page = _listed(request, events_visible_to(request.user, Event.objects.all()))
    return render(request, "events/schools/list.html", {"page": page, "past": past})


def _booking_refusals(event: Event, schools: list[Organisation]) -> dict[int, str]:
    """Why each of the reader's schools cannot book a place now ("" when it can)."""
    general = booking_refusal(
        event, today=timezone.localdate(), places_left=selectors.places_left(event)
    )
    subscribed = selectors.subscribed_school_ids(
        school_ids={s.pk for s in schools}, year=event.year
    )
    return {
        s.pk: general or subscription_refusal(event, subscribed=s.pk in subscribed) for s in schools
    }


@school_staff_required
@require_GET
def school_event(request, event_uuid):
    event = get_event(request.user, event_uuid)
    schools = _schools(request.user)
    refusals = _booking_refusals(event, schools)
    # A school's own places at one event are bounded by the event's places.
    mine = selectors.bookings_of_event(bookings_visible_to(request.user, Booking.objects), event)
    return render(
        request,
        "events/schools/event.html",
        {
            "event": event,
            "places_left": selectors.places_left(event),
            "bookings": [(b, can_cancel_booking(request.user, b)) for b in mine[: event.places]],
            "bookable": [s for s in schools if not refusals[s.pk]],
            "refused": [(s, refusals[s.pk]) for s in schools if refusals[s.pk]],
            "several_schools": len(schools) > 1,
        },
    )


@school_staff_required
@require_http_methods(["GET", "POST"])
def book(request, event_uuid):
    """Book a place for one of the reader's schools (?school=, needed only by someone on
    the staff of several)."""
    event = get_event(request.user, event_uuid)
    schools = _schools(request.user)
    wanted = request.GET.get("school")
    school = next((s for s in schools if str(s.uuid) == wanted), None)
    if school is None:
        if wanted or len(schools) != 1:
            raise Http404
        school = schools[0]
    refusal = _booking_refusals(event, [school])[school.pk]
    if refusal:
        messages.error(request, refusal)
        return redirect("events:school_event", event.uuid)
    staff = list(selectors.school_staff(school)[: selectors.STAFF_LIMIT])
    form = BookingForm(posted(request), staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attendee = None
        if data["person"] != SOMEONE_ELSE:
            attendee = next(u for u in staff if str(u.uuid) == data["person"])
        try:
            booking = services.booking_create(
                event=event,
                school=school,
                by=request.user,
                attendee=attendee,
                name=data.get("name", ""),
                email=data.get("email", ""),
            )
        except Refused as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"A place at {event.title} has been booked for {booking.attendee_name}"
            )
            return redirect("events:school_event", event.uuid)
    return render(
        request,
        "events/schools/book.html",
        {
            "event": event,
            "form": form,
            "school": school,
            "places_left": selectors.places_left(event),
        },
    )


@school_staff_required
@require_GET
def school_bookings(request):
    """The reader's school's places at this year's events, with who attended."""
    year = year_current()
    schools = _schools(request.user)
    bookings = Booking.objects.none()
    if year:
        bookings = selectors.bookings_of_schools(
            bookings_visible_to(request.user, Booking.objects),
            school_ids={s.pk for s in schools},
            year=year,
        )
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "events/schools/bookings.html",
        {
            "year": year,
            "page": page,
            "rows": [(b, can_cancel_booking(request.user, b)) for b in page],
            "summaries": [(s, selectors.school_summary(s, year, today=today)) for s in schools]
            if year
            else [],
        },
    )


@school_staff_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, booking_uuid):
    booking = get_booking(request.user, booking_uuid)
    if not can_cancel_booking(request.user, booking):
        raise Http404
    if request.method == "POST":
        try:
            services.booking_cancel(booking=booking, by=request.user)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{booking.attendee_name}’s place at {booking.event.title} has been cancelled",
            )
        return redirect("events:school_event", booking.event.uuid)
    return render(request, "events/schools/cancel.html", {"booking": booking})
