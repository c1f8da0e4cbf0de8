"""Panel meetings for the CAP team (casework: agenda, pack, attendance, decisions, closing,
outcome notices) and for members (panels: their meetings, packs and, for chairs,
decisions); calendars for members and schools."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import Area
from accounts.views import area_required
from panels import calendar, selectors, services, workflow
from panels.forms import AttendanceForm, DecisionForm, MoveForm
from panels.models import AgendaItem, OutcomeNotice
from panels.rules import (
    can_decide_item,
    can_run_panels,
    can_view_meeting,
    can_view_meeting_pack,
    can_view_outcome_notice,
    is_conflicted,
    pack_window_closes,
)
from programmes.models import Meeting
from programmes.selectors import meetings_upcoming, year_current

# Long lists come a page at a time, as elsewhere: the unsent outcome notices on the meetings
# list and a meeting's agenda.
PAGE_SIZE = 50
# A pack's items are each an application's summary, evidence and answers: ten to a page.
PACK_PAGE_SIZE = 10
# The items moved or rolled from a meeting that its page names.
ELSEWHERE_SHOWN = 50
# The school's panel dates page: the next referral deadlines of every loaded year, a year's
# worth or so; the whole calendar is in the iCalendar file and the model of support.
PANEL_DATES_SHOWN = 40

# --- Getters: 404 for what the user may not see ------------------------------------------


def _check_runs_panels(user) -> None:
    """Lists of every meeting, notice and waiting list are for the CAP officers who run
    the panels; other casework staff reach a notice from its application."""
    if not can_run_panels(user):
        raise Http404


def get_meeting_for_user(user, meeting_uuid) -> Meeting:
    meeting = (
        Meeting.objects.select_related("panel__year", "record").filter(uuid=meeting_uuid).first()
    )
    if meeting is None or not can_view_meeting(user, meeting):
        raise Http404
    return meeting


def get_item_for_user(user, meeting: Meeting, item_uuid) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related(
            "application__student", "application__school", "application__programme", "meeting"
        ),
        uuid=item_uuid,
        meeting=meeting,
    )
    if not can_view_meeting_pack(user, meeting):
        raise Http404
    return item


def get_notice_for_user(user, notice_uuid) -> OutcomeNotice:
    notice = (
        OutcomeNotice.objects.select_related(
            "application__school", "application__student", "decision__item__meeting__panel"
        )
        .filter(uuid=notice_uuid)
        .first()
    )
    if notice is None or not can_view_outcome_notice(user, notice):
        raise Http404
    return notice


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _meeting_url(area: str, meeting: Meeting) -> str:
    name = "casework_meetings:meeting" if area == Area.CASEWORK else "panels:meeting"
    return reverse(name, args=[meeting.uuid])


# --- Meetings ---------------------------------------------------------------------------


@area_required(Area.CASEWORK)
@require_GET
def meetings(request):
    _check_runs_panels(request.user)
    today = timezone.localdate()
    page = Paginator(selectors.notices_to_send(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "panels/meetings.html",
        {
            "upcoming": selectors.meetings_for(request.user, upcoming_from=today),
            "notices": page.object_list,
            "page": page,
            "today": today,
        },
    )


def _meeting_page(request, meeting: Meeting, area: str, *, attendance_form=None):
    user = request.user
    runs = can_run_panels(user)
    may_read = can_view_meeting_pack(user, meeting)
    page = (
        Paginator(selectors.agenda_order(meeting), PAGE_SIZE).get_page(request.GET.get("page"))
        if may_read
        else None
    )
    items = selectors.agenda_rows(meeting, page.object_list) if page is not None else []
    places = selectors.agenda_places(meeting, items, first=page.start_index() if page else 1)
    panel_members = selectors.members_with_memberships(meeting.panel)
    record = getattr(meeting, "record", None)
    present = selectors.attendees(meeting)
    rows = [
        {
            "item": item,
            "conflicted": selectors.conflicted_names(item, panel_members),
            "may_decide": can_decide_item(user, item),
            "you_are_conflicted": is_conflicted(user, item.application),
            "place": place,
        }
        for item, place in zip(items, places, strict=True)
    ]
    if runs and attendance_form is None:
        attendance_form = AttendanceForm(
            panel_members=meeting.panel.members.filter(is_active=True).select_related(
                "user", "represents", "seat"
            ),
            initial={"members": [m.uuid for m in present]},
            auto_id="attendance-%s",
        )
    if may_read and not runs:
        services.meeting_read(meeting=meeting, what="agenda", by=user)
    today = timezone.localdate()
    return render(
        request,
        "panels/meeting.html",
        {
            "meeting": meeting,
            "record": record,
            "area": area,
            "runs": runs,
            "may_read": may_read,
            "window_closes": pack_window_closes(meeting),
            "rows": rows,
            "page": page,
            "elsewhere": _elsewhere(meeting) if runs else None,
            "members": panel_members,
            "present": present,
            "attendance_form": attendance_form if runs else None,
            "form": attendance_form
            if attendance_form is not None and attendance_form.errors
            else None,
            "today": today,
            # A meeting already held says so, with its decisions, rather than anything about
            # a pack that no longer matters.
            "held": (meeting.date is not None and meeting.date < today)
            or bool(record and record.closed_at),
            "counts": selectors.item_counts(meeting),
        },
    )


def _elsewhere(meeting: Meeting) -> dict:
    """The first of the items that left the meeting's agenda, and how many left."""
    items = selectors.items_elsewhere(meeting)
    return {"shown": list(items[:ELSEWHERE_SHOWN]), "count": items.count()}


@area_required(Area.CASEWORK)
@require_GET
def casework_meeting(request, meeting_uuid):
    meeting = get_meeting_for_user(request.user, meeting_uuid)
    return _meeting_page(request, meeting, Area.CASEWORK)


@area_required(Area.PANELS)
@require_GET
def member_meeting(request, meeting_uuid):
    meeting = get_meeting_for_user(request.user, meeting_uuid)
    return _meeting_page(request, meeting, Area.PANELS)


def _pack_page(request, meeting: Meeting, area: str):
    if not can_view_meeting_pack(request.user, meeting):
        raise Http404
    services.meeting_read(meeting=meeting, what="pack", by=request.user)
    page = Paginator(selectors.agenda_order(meeting), PACK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "panels/pack.html",
        {
            "meeting": meeting,
            "items": selectors.pack(meeting, selectors.agenda_rows(meeting, page.object_list)),
            "page": page,
            "area": area,
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def casework_pack(request, meeting_uuid):
    return _pack_page(request, get_meeting_for_user(request.user, meeting_uuid), Area.CASEWORK)


@area_required(Area.PANELS)
@require_GET
def member_pack(request, meeting_uuid):
    return _pack_page(request, get_meeting_for_user(request.user, meeting_uuid), Area.PANELS)


def _pack_pdf(request, meeting: Meeting):
    record = getattr(meeting, "record", None)
    if not can_view_meeting_pack(request.user, meeting) or record is None:
        raise Http404
    if not record.pack_file or record.pack_rendered_at is None:
        messages.info(request, "The pack's PDF is still being made. Try again in a minute.")
        return redirect(request.path.removesuffix("pack.pdf"))
    data = services.pack_download(meeting=meeting, by=request.user)
    return _pdf(data, f"panel-pack-{meeting.date:%Y-%m-%d}.pdf")


@area_required(Area.CASEWORK)
@require_GET
def casework_pack_pdf(request, meeting_uuid):
    return _pack_pdf(request, get_meeting_for_user(request.user, meeting_uuid))


@area_required(Area.PANELS)
@require_GET
def member_pack_pdf(request, meeting_uuid):
    return _pack_pdf(request, get_meeting_for_user(request.user, meeting_uuid))


def _refused(request, refused: Exception, meeting: Meeting, area: str):
    messages.error(request, str(refused))
    return redirect(_meeting_url(area, meeting))


@area_required(Area.CASEWORK)
@require_POST
def publish(request, meeting_uuid):
    meeting = get_meeting_for_user(request.user, meeting_uuid)
    try:
        services.pack_publish(meeting=meeting, by=request.user)
    except (services.Refused, PermissionDenied) as refused:
        return _refused(request, refused, meeting, Area.CASEWORK)
    messages.success(request, "Pack published: the panel's members can read it now")
    return redirect(_meeting_url(Area.CASEWORK, meeting))


@area_required(Area.CASEWORK)
@require_POST
def attendance(request, meeting_uuid):
    meeting = get_meeting_for_user(request.user, meeting_uuid)
    form = AttendanceForm(
        request.POST,
        panel_members=meeting.panel.members.filter(is_active=True).select_related(
            "user", "represents", "seat"
        ),
        auto_id="attendance-%s",
    )
    if not form.is_valid():
        return _meeting_page(request, meeting, Area.CASEWORK, attendance_form=form)
    try:
        services.attendance_record(
            meeting=meeting, members=list(form.cleaned_data["members"]), by=request.user
        )
    except (services.Refused, PermissionDenied) as refused:
        return _refused(request, refused, meeting, Area.CASEWORK)
    messages.success(request, "Attendance recorded")
    return redirect(_meeting_url(Area.CASEWORK, meeting))


@area_required(Area.CASEWORK)
@require_POST
def close(request, meeting_uuid):
    meeting = get_meeting_for_user(request.user, meeting_uuid)
    try:
        rolled = services.meeting_close(meeting=meeting, by=request.user)
    except (services.Refused, PermissionDenied) as refused:
        return _refused(request, refused, meeting, Area.CASEWORK)
    messages.success(
        request,
        f"Meeting closed. {len(rolled)} item{'s' if len(rolled) != 1 else ''} not heard "
        "rolled to the next meeting",
    )
    return redirect(_meeting_url(Area.CASEWORK, meeting))


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def move(request, meeting_uuid, item_uuid):
    meeting = get_meeting_for_user(request.user, meeting_uuid)
    item = get_item_for_user(request.user, meeting, item_uuid)
    form = MoveForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.item_move(
                item=item,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Application {item.application.reference} moved to the meeting on "
                f"{moved.meeting.date:%-d %B %Y}",
            )
            return redirect(_meeting_url(Area.CASEWORK, meeting))
    return render(request, "panels/move.html", {"meeting": meeting, "item": item, "form": form})


def _decide(request, meeting_uuid, item_uuid, area: str):
    meeting = get_meeting_for_user(request.user, meeting_uuid)
    item = get_item_for_user(request.user, meeting, item_uuid)
    if not can_decide_item(request.user, item):
        if is_conflicted(request.user, item.application):
            messages.error(
                request,
                "You are conflicted on this item: you are from, or sit for, the referring "
                "school, so you take no part in its decision.",
            )
            return redirect(_meeting_url(area, meeting))
        raise Http404
    if not workflow.allowed("decide", item.state):
        messages.error(request, "This item has been decided or has left this meeting's agenda.")
        return redirect(_meeting_url(area, meeting))
    cohorts = selectors.cohorts_with_places(item.application.programme)
    # The cohort the calendar links to this meeting is offered first.
    cohort = selectors.cohort_for_meeting(meeting, item.application.programme)
    form = DecisionForm(
        request.POST or None,
        item=item,
        cohorts=cohorts,
        initial={"cohort": cohort.uuid if cohort else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(
                item=item,
                outcome=data["outcome"],
                rationale=data["rationale"],
                conditions=data.get("conditions", ""),
                information_needed=data.get("information_needed", ""),
                deferred_to=data.get("deferred_to"),
                cohort=data.get("cohort"),
                receiving_school=data.get("receiving_school"),
                by=request.user,
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                f"Decision recorded for application {item.application.reference}. The outcome "
                "notice is written and waiting to be sent",
            )
            return redirect(_meeting_url(area, meeting))
    return render(
        request,
        "panels/decide.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form,
            "area": area,
            "cohorts": cohorts,
            "meeting_url": _meeting_url(area, meeting),
        },
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def casework_decide(request, meeting_uuid, item_uuid):
    return _decide(request, meeting_uuid, item_uuid, Area.CASEWORK)


@area_required(Area.PANELS)
@require_http_methods(["GET", "POST"])
def member_decide(request, meeting_uuid, item_uuid):
    return _decide(request, meeting_uuid, item_uuid, Area.PANELS)


# --- Outcome notices --------------------------------------------------------------------


@area_required(Area.CASEWORK)
@require_GET
def notice(request, notice_uuid):
    notice = get_notice_for_user(request.user, notice_uuid)
    return render(
        request,
        "panels/notice.html",
        {"notice": notice, "today": timezone.localdate(), "runs": can_run_panels(request.user)},
    )


@area_required(Area.CASEWORK)
@require_POST
def send_notice(request, notice_uuid):
    notice = get_notice_for_user(request.user, notice_uuid)
    try:
        services.notice_send(notice=notice, by=request.user)
    except (services.Refused, PermissionDenied) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Outcome notice sent to {notice.application.school.name}")
    return redirect("casework_meetings:notice", notice.uuid)


def _letter(request, notice_uuid):
    notice = get_notice_for_user(request.user, notice_uuid)
    if not notice.letter_file:
        raise Http404
    data = services.letter_download(notice=notice, by=request.user)
    return _pdf(data, f"outcome-{notice.application.reference}.pdf")


@area_required(Area.CASEWORK)
@require_GET
def casework_letter(request, notice_uuid):
    return _letter(request, notice_uuid)


@area_required(Area.SCHOOLS)
@require_GET
def school_letter(request, notice_uuid):
    return _letter(request, notice_uuid)


# --- Waiting lists and calendars ---------------------------------------------------------


@area_required(Area.CASEWORK)
@require_GET
def waiting_lists(request):
    _check_runs_panels(request.user)
    return render(
        request,
        "panels/waiting_lists.html",
        {"programmes": selectors.places_by_programme(today=timezone.localdate())},
    )


def _ics(meetings, name: str) -> HttpResponse:
    response = HttpResponse(calendar.ics(meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


@area_required(Area.CASEWORK)
@require_GET
def casework_calendar(request):
    _check_runs_panels(request.user)
    today = timezone.localdate()
    return _ics(selectors.calendar_meetings(request.user, today=today), "cap-panels")


@area_required(Area.PANELS)
@require_GET
def member_calendar(request):
    today = timezone.localdate()
    return _ics(selectors.calendar_meetings(request.user, today=today), "my-cap-panels")


@area_required(Area.SCHOOLS)
@require_GET
def panel_dates(request):
    return render(
        request,
        "panels/panel_dates.html",
        {
            "meetings": meetings_upcoming(year=None, limit=PANEL_DATES_SHOWN),
            "year": year_current(),
        },
    )


@area_required(Area.SCHOOLS)
@require_GET
def school_calendar(request):
    today = timezone.localdate()
    return _ics(selectors.public_calendar(today=today), "cap-referral-deadlines")
