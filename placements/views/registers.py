"""Registers (the setting), today's whereabouts and alerts (school and CAP), and the codes
the home school records, as a page and as CSV.

Every page here reads through placements.selectors, whose query count does not grow with
the number of students."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from accounts.rules import Area, organisations_in_area
from accounts.views import area_required
from lib import dates
from lib.spreadsheets import csv_chunks, safe_cell
from placements import forms, schedule, selectors, services
from placements.models import Placement
from placements.rules import placements_visible_to, registers_visible_to

PRESENT = {"am": "/", "pm": "\\"}
PAGE_SIZE = 50


def _day(text: str | None, default: dt.date) -> dt.date:
    """A date from the address (yyyy-mm-dd); a malformed one is not a page."""
    if not text:
        return default
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    if not 2000 <= day.year <= 2100:  # and no week arithmetic can leave the calendar
        raise Http404
    return day


def _query(values: dict) -> str:
    """A query string of the values that are set."""
    kept = {k: v for k, v in values.items() if v}
    return "?" + urlencode(kept) if kept else ""


def _settings_of(user) -> list[Organisation]:
    ids = registers_visible_to(user)
    return list(Organisation.objects.filter(pk__in=ids, is_active=True).order_by("name"))


# --- Registers ------------------------------------------------------------------------


def _registers(request, area: str):
    settings_ = _settings_of(request.user)
    monday = schedule.week_of(timezone.localdate())[0]
    return render(
        request,
        "placements/registers.html",
        {"settings": settings_, "monday": monday, "area": area},
    )


def _normalise(code: str, session: str) -> str:
    """Codes are typed in capitals; "/" and "\\" are the same mark for morning and
    afternoon, so either is taken as present for the session it is typed in."""
    code = code.strip().upper()
    return PRESENT[session] if code in PRESENT.values() else code


CHANGED_SINCE = "?"  # not a code: the mark was recorded after the page was shown


def _shown_at(text: str | None) -> dt.datetime | None:
    """When the page was made, from its hidden field. A time without a zone (an edited
    field, or a client that dropped the offset) is the register's own time, London's; a
    malformed one is unknown, and every mark recorded counts as changed since."""
    try:
        shown_at = dt.datetime.fromisoformat(text or "")
    except ValueError:
        return None
    if timezone.is_naive(shown_at):
        shown_at = timezone.make_aware(shown_at, timezone.get_default_timezone())
    return shown_at


def _as_shown(cell, shown_at: dt.datetime | None) -> str:
    """The code the person saw in this cell: the one recorded, unless it was recorded after
    the page was made (by someone else, or in another tab)."""
    if cell.recorded_at is None:
        return ""
    if shown_at is None or cell.recorded_at > shown_at:
        return CHANGED_SINCE
    return cell.recorded


def _register(request, area: str, setting_uuid, week: str):
    setting = next((s for s in _settings_of(request.user) if s.uuid == setting_uuid), None)
    if setting is None:
        raise Http404
    today = timezone.localdate()
    week_days = schedule.week_of(_day(week, today))
    # One day of the week, for a setting with too many students for the week on one page.
    one_day = request.GET.get("day")
    if one_day is not None and one_day not in {d.isoformat() for d in week_days}:
        raise Http404
    days = [dt.date.fromisoformat(one_day)] if one_day else week_days
    now = timezone.now()
    calendar = selectors.calendar_for(days[0], days[-1])
    # Count first: the students of this page and the sessions that can be marked decide
    # whether the register fits one form (Django refuses a form with more fields than
    # DATA_UPLOAD_MAX_NUMBER_FIELDS) before any cell is built.
    page = Paginator(
        selectors.register_placements(setting=setting, first=days[0], last=days[-1]), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    students = page.end_index() - page.start_index() + 1 if page.paginator.count else 0
    too_many = (
        students * selectors.markable_sessions(days, calendar, now)
        > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS - 10
    )
    rows = (
        []
        if too_many
        else selectors.register(
            placements=list(page.object_list), days=days, calendar=calendar, now=now
        )
    )
    problems: list[str] = []
    if request.method == "POST" and too_many:
        problems.append(
            "There are too many students for one form: take the register a day at a time"
        )
    elif request.method == "POST":
        cells = {c.name: (row.placement, c) for row in rows for c in row.cells}
        entries, unknown = [], 0
        shown_at = _shown_at(request.POST.get("shown_at"))
        for name, value in request.POST.items():
            if not name.startswith("m-"):
                continue
            if name not in cells:
                unknown += 1
                continue
            placement, cell = cells[name]
            if not cell.expected:
                unknown += 1
                continue
            if not value.strip() and _as_shown(cell, shown_at) != cell.recorded:
                continue  # left empty, and what was recorded meanwhile was never seen
            entries.append(
                services.Entry(
                    placement=placement,
                    date=cell.date,
                    session=cell.session,
                    code=_normalise(value, cell.session),
                    shown=_as_shown(cell, shown_at),
                )
            )
        if unknown:
            problems.append(
                f"{unknown} mark{'s are' if unknown != 1 else ' is'} for sessions the student "
                "is not expected at this setting this week: nothing was saved"
            )
        else:
            try:
                saved = services.register_save(entries=entries, calendar=calendar, by=request.user)
            except services.RegisterRefused as refused:
                problems = refused.problems
            else:
                messages.success(
                    request,
                    f"Register saved: {saved} mark{'s' if saved != 1 else ''} recorded"
                    if saved
                    else "Register saved: nothing had changed",
                )
                url = reverse(f"placements:{area}_register", args=[setting.uuid, week_days[0]])
                query = {"day": one_day, "page": page.number if page.number > 1 else None}
                return redirect(url + _query(query))
        # Keep what was typed, next to the problems.
        for row in rows:
            for cell in row.cells:
                if cell.name in request.POST:
                    cell.code = request.POST[cell.name].strip().upper()
    return render(
        request,
        "placements/register.html",
        {
            "setting": setting,
            "rows": rows,
            "page": page,
            "days": days,
            "week_days": week_days,
            "one_day": one_day,
            "too_many": too_many,
            "problems": problems,
            # Refused marks: "Error: " in the page's <title> (accounts/templatetags/refusals.py).
            "has_errors": bool(problems),
            "codes": selectors.setting_codes(),
            "previous": week_days[0] - dt.timedelta(days=7),
            "next": week_days[0] + dt.timedelta(days=7),
            "is_this_week": week_days[0] <= today <= week_days[-1],
            "shown_at": timezone.now().isoformat(),
            "area": area,
        },
        status=400 if problems else 200,
    )


@area_required(Area.PROVIDERS)
@require_GET
def providers_registers(request):
    return _registers(request, "providers")


@area_required(Area.SCHOOLS)
@require_GET
def schools_registers(request):
    return _registers(request, "schools")


@area_required(Area.PROVIDERS)
@require_http_methods(["GET", "POST"])
def providers_register(request, setting_uuid, week):
    return _register(request, "providers", setting_uuid, week)


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def schools_register(request, setting_uuid, week):
    return _register(request, "schools", setting_uuid, week)


# --- Whereabouts and alerts -------------------------------------------------------------


def _visible(request, area: str):
    """The placements this area shows: a school's own students, or every one for CAP."""
    queryset = placements_visible_to(request.user, Placement.objects.all())
    if area == "schools":
        queryset = queryset.filter(
            home_school__in=organisations_in_area(request.user, Area.SCHOOLS)
        )
    return queryset


def _whereabouts(request, area: str):
    """Today's session: the counts by status, then the students, the exceptions first, a
    page at a time, with filters. A filter that is not one of the page's answers 404."""
    now = timezone.now()
    today = timezone.localdate(now)
    session = request.GET.get("session") or schedule.current_session(now)
    if session not in schedule.SESSIONS:
        raise Http404
    placements = selectors.whereabouts(_visible(request, area), now=now, session=session)
    programmes, officers = selectors.whereabouts_options(placements)
    form = forms.WhereaboutsFilterForm(
        request.GET, programmes=programmes, officers=officers, with_school=area == "casework"
    )
    if not form.is_valid():
        raise Http404
    chosen = form.cleaned_data
    filtered = selectors.whereabouts_filtered(
        placements,
        setting=chosen["setting"],
        school=chosen.get("school", ""),
        officer=chosen["officer"],
        programme=chosen["programme"],
    )
    counts = selectors.whereabouts_counts(filtered)
    status = chosen["status"]
    listed = selectors.with_status(filtered, status)
    # The page's ids first, ordered over narrow rows, then those rows in full: not every
    # expected student's row, school and setting sorted to show fifty.
    paginator = Paginator(listed.values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = counts.of(status)  # counted already, with the statuses
    page = paginator.get_page(request.GET.get("page"))
    place = {pk: n for n, pk in enumerate(page.object_list)}
    shown = listed.filter(pk__in=place).select_related("student", "provider", "home_school")
    rows = sorted(shown, key=lambda row: place[row.pk])
    selectors.whereabouts_rows(rows, now=now, session=session)
    closes = schedule.register_closes(today, session)
    return render(
        request,
        "placements/whereabouts.html",
        {
            "rows": rows,
            "page": page,
            "session": session,
            "today": today,
            "closes": dates.time_of_day(timezone.localtime(closes)),
            "counts": counts.by_status,
            "exceptions": counts.exceptions,
            "total": counts.total,
            "status": status,
            "filter_form": form,
            "filtered": any(chosen.get(f) for f in ("setting", "school", "officer", "programme")),
            "area": area,
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def casework_whereabouts(request):
    return _whereabouts(request, "casework")


@area_required(Area.SCHOOLS)
@require_GET
def schools_whereabouts(request):
    return _whereabouts(request, "schools")


def _alerts(request, area: str):
    today = timezone.localdate()
    queryset = _visible(request, area)
    if area == "casework" and request.GET.get("mine") == "1":
        queryset = queryset.filter(monitoring_officer=request.user)
    alerts = list(selectors.open_alerts(queryset, since=today - dt.timedelta(days=6))[:200])
    # Each absence's code with what it means, so nobody has to know "U" or "N" by heart.
    meanings = selectors.code_meanings(a.code for a in alerts if a.code)
    for alert in alerts:
        alert.code_meaning = meanings.get(alert.code, "")
    return render(
        request,
        "placements/alerts.html",
        {
            "today_alerts": [a for a in alerts if a.date == today],
            "earlier": [a for a in alerts if a.date != today],
            "area": area,
            "mine": request.GET.get("mine") == "1",
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def casework_alerts(request):
    return _alerts(request, "casework")


@area_required(Area.SCHOOLS)
@require_GET
def schools_alerts(request):
    return _alerts(request, "schools")


# --- The home school's codes ------------------------------------------------------------


@area_required(Area.SCHOOLS)
@require_GET
def codes(request):
    """A day's codes (today unless ?day= names another), 50 students a page: only the
    page's placements are loaded and only their sessions worked out."""
    today = timezone.localdate()
    day = _day(request.GET.get("day"), today)
    school_day = selectors.school_day(day)
    page, table = None, []
    if school_day.is_school_day:
        page = Paginator(
            selectors.codes_placements(_visible(request, "schools"), day, day), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        rows = selectors.home_codes(placements=list(page.object_list), first=day, last=day)
        cells: dict[int, dict] = {}
        for row in rows:
            cells.setdefault(row.placement.pk, {})[row.session] = row
        table = [
            {"placement": p, "cells": [cells.get(p.pk, {}).get(s) for s in schedule.SESSIONS]}
            for p in page.object_list
        ]
    week = schedule.week_of(day)
    return render(
        request,
        "placements/codes.html",
        {
            "day": day,
            "today": today,
            "school_day": school_day,
            "page": page,
            "table": table,
            "week": week,
            "csv_url": reverse("placements:codes_csv") + f"?day={day.isoformat()}",
            "week_csv_url": reverse("placements:codes_csv") + f"?week={week[0].isoformat()}",
        },
    )


CODES_COLUMNS = [
    "UPN",
    "Legal surname",
    "Legal forename",
    "Date",
    "Session",
    "Code",
    "Setting",
    "Reason",
]


def _codes_lines(queryset, first: dt.date, last: dt.date):
    """The CSV, a chunk of placements' rows at a time as the response is sent."""
    return csv_chunks(
        CODES_COLUMNS,
        (
            [
                [
                    row.placement.student.upn,
                    safe_cell(row.placement.student.legal_last_name),
                    safe_cell(row.placement.student.legal_first_name),
                    row.date.isoformat(),
                    row.session.upper(),
                    row.home.code,
                    safe_cell(row.placement.provider.name),
                    row.home.explanation,
                ]
                for row in rows
                if row.home.code
            ]
            for rows in selectors.home_codes_chunks(queryset=queryset, first=first, last=last)
        ),
    )


@area_required(Area.SCHOOLS)
@require_GET
def codes_csv(request):
    """A day's codes (?day=, today by default) or a week's (?week=, any day of it), one row
    a session, for import into the school's information system. Sessions at the home
    school are left out: the school takes those itself. Streamed, a chunk of placements at
    a time, so that memory does not grow with the number of students."""
    today = timezone.localdate()
    if request.GET.get("week") is not None:
        week = schedule.week_of(_day(request.GET.get("week"), today))
        first, last = week[0], week[-1]
        name = f"cap-codes-week-of-{first.isoformat()}.csv"
    else:
        first = last = _day(request.GET.get("day"), today)
        name = f"cap-codes-{first.isoformat()}.csv"
    response = StreamingHttpResponse(
        _codes_lines(_visible(request, "schools"), first, last),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
