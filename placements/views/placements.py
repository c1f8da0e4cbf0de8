"""A placement's pages: the lists for each area, one placement (attendance, hours, history,
monitoring records, reports, exit), the CAP team's edits, and termly reports."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import Area
from accounts.views import area_required
from lib.errors import Conflict, Refused
from lib.forms import changed, posted
from lib.sections import sections_for
from placements import forms, schedule, selectors, selectors_visits, services
from placements.models import (
    ExitOutcome,
    MarkChange,
    Placement,
    ReportRun,
    ReviewEntry,
    TermlyReport,
)
from placements.records import KINDS
from placements.rules import (
    can_add_placement_record,
    can_confirm_managed_move,
    can_edit_placement,
    can_issue_reports,
    can_manage_visits,
    can_record_marks,
    can_view_home_codes,
    can_view_placement,
    check_can_add_placement_record,
    check_can_edit_placement,
    check_can_issue_reports,
    is_supported_transfer,
    placements_visible_to,
    registers_visible_to,
    sees_every_placement,
)
from placements.tasks import managed_move_notify, report_run_enqueue
from programmes.models import Term
from programmes.selectors import school_calendar, year_current, years_all

PAGE_SIZE = 50


def get_placement_for_user(user, placement_uuid) -> Placement:
    """The placement, or 404 unless the user may see it, whether or not it exists."""
    placement = (
        selectors.with_related(Placement.objects.filter(uuid=placement_uuid))
        .select_related("application")
        .first()
    )
    if placement is None or not can_view_placement(user, placement):
        raise Http404
    return placement


# --- Lists ------------------------------------------------------------------------------


def _list(request, area: str):
    today = timezone.localdate()
    queryset = placements_visible_to(request.user, Placement.objects.all())
    if area == "providers":
        queryset = queryset.filter(provider_id__in=registers_visible_to(request.user))
    show = request.GET.get("show", "open")
    filters = {
        "open": queryset.filter(ended_on__isnull=True),
        "ending": selectors.ending_soon(queryset, today=today),
        "overdue": selectors.overdue_exits(queryset, today=today),
        "ended": queryset.filter(ended_on__isnull=False),
    }
    if show not in filters:
        raise Http404
    counts = {name: qs.count() for name, qs in filters.items()}
    valid_days = schedule.rules()["safeguarding_confirmation_valid_days"]
    # Open placements by planned end use the index placement_open_by_end.
    paginator = Paginator(
        selectors.with_related(filters[show]).order_by("planned_end_on", "pk"), PAGE_SIZE
    )
    paginator.count = counts[show]  # counted once, for the tab and the pages alike
    page = paginator.get_page(request.GET.get("page"))
    placements = list(page.object_list)
    # The reviews and follow-ups of the page's placements only, in one grouped query.
    numbers = {
        row["pk"]: row
        for row in Placement.objects.filter(pk__in=[p.pk for p in placements])
        .values("pk")
        .annotate(
            review_count=Count("reviews", distinct=True),
            follow_up_count=Count("follow_ups", distinct=True),
        )
        .order_by()
    }
    for placement in placements:
        placement.review_count = numbers[placement.pk]["review_count"]
        placement.follow_up_count = numbers[placement.pk]["follow_up_count"]
        placement.flags = _flags(placement, today, valid_days)
    page.object_list = placements
    return render(
        request,
        "placements/list.html",
        {"page": page, "show": show, "area": area, "counts": counts},
    )


def _flags(placement: Placement, today: dt.date, valid_days: int) -> list[str]:
    """What needs the CAP team's attention. The list sets review_count and
    follow_up_count from one query for its page; the placement's own page counts them
    itself."""
    reviews = getattr(placement, "review_count", None)
    if reviews is None:
        reviews = placement.reviews.count()
    follow_ups = getattr(placement, "follow_up_count", None)
    if follow_ups is None:
        follow_ups = placement.follow_ups.count()
    flags = []
    if placement.ended_on is None:
        if placement.planned_end_on < today:
            flags.append(
                "Past its planned end with no review: record a review and the exit"
                if not reviews
                else "Past its planned end: record the exit"
            )
        elif placement.planned_end_on <= today + dt.timedelta(days=selectors.ENDING_SOON_DAYS):
            flags.append("Ends within two weeks" + ("" if reviews else ": no review yet"))
        if placement.safeguarding_confirmed_on is None:
            flags.append("No safeguarding confirmation")
        elif placement.safeguarding_confirmed_on < today - dt.timedelta(days=valid_days):
            flags.append("Safeguarding confirmation over a year old")
        if placement.monitoring_officer_id is None:
            flags.append("No monitoring officer")
    elif placement.exit_outcome == ExitOutcome.POST_16 and not follow_ups:
        flags.append("Post-16 destination not followed up")
    return flags


@area_required(Area.CASEWORK)
@require_GET
def casework_list(request):
    return _list(request, "casework")


@area_required(Area.SCHOOLS)
@require_GET
def schools_list(request):
    return _list(request, "schools")


@area_required(Area.PROVIDERS)
@require_GET
def providers_list(request):
    return _list(request, "providers")


# --- One placement ----------------------------------------------------------------------


def _detail(request, area: str, placement_uuid):
    placement = get_placement_for_user(request.user, placement_uuid)
    today = timezone.localdate()
    shown = min(max(today, placement.starts_on), placement.last_day)
    user = request.user
    attendance = selectors.placement_attendance(
        placement,
        student_placements=placements_visible_to(user, placement.student.placements.all()),
        on=shown,
    )
    valid_days = schedule.rules()["safeguarding_confirmation_valid_days"]
    history = (
        MarkChange.objects.filter(mark__placement=placement)
        .select_related("mark", "changed_by")
        .order_by("-changed_at", "-id")
    )
    records = {
        "targets": placement.targets.prefetch_related("reviews").all(),
        "assessments": placement.assessments.all(),
        "qualifications": placement.qualifications.all(),
        "behaviour": placement.behaviour.order_by("-happened_on", "-id")[:20],
        "reviews": placement.reviews.order_by("-held_on").prefetch_related(
            Prefetch(
                "entries",
                queryset=ReviewEntry.objects.select_related("recorded_by", "recorded_for"),
            )
        ),
        "plans": placement.plans.all(),
        "student_views": placement.student_views.all(),
        "follow_ups": placement.follow_ups.all(),
    }
    visits, visits_total = selectors_visits.placement_visits(user, placement)
    late = list(history.filter(late=True)[:20])
    corrections = [c for c in history[:200] if c.previous_code][:20]
    shown_codes = {c.code for c in [*late, *corrections]} | {c.previous_code for c in corrections}
    return render(
        request,
        "placements/detail.html",
        {
            "visits": visits,
            "visits_total": visits_total,
            "can_plan_visits": area == "casework"
            and can_manage_visits(user, placement)
            and placement.ended_on is None,
            "placement": placement,
            "student": placement.student,
            "area": area,
            "figures": attendance.figures,
            "attendance": attendance,
            "trend": attendance.trend,
            "hours": selectors.hours(placement, shown),
            "history": late,
            "corrections": corrections,
            # What each code in the table means, so nobody has to know "N" by heart.
            "code_meanings": sorted(selectors.code_meanings(shown_codes).items()),
            "flags": _flags(placement, today, valid_days),
            "records": records,
            "kinds": KINDS,
            "reports": placement.reports.select_related("term").all(),
            "can_edit": area == "casework" and can_edit_placement(user, placement),
            "actions": sections_for("placements:actions", request, placement.student),
            "can_add": area in ("casework", "providers")
            and can_add_placement_record(user, placement),
            "can_mark": can_record_marks(user, placement),
            "can_see_codes": can_view_home_codes(user, placement),
            "phases": placement.phases.all(),
            "session_labels": dict(forms.SESSION_CHOICES),
            "can_confirm_move": area == "schools" and can_confirm_managed_move(user, placement),
            "managed_move": selectors.managed_move_of(placement)
            if is_supported_transfer(placement)
            else None,
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def casework_detail(request, placement_uuid):
    return _detail(request, "casework", placement_uuid)


@area_required(Area.SCHOOLS)
@require_GET
def schools_detail(request, placement_uuid):
    return _detail(request, "schools", placement_uuid)


@area_required(Area.PROVIDERS)
@require_GET
def providers_detail(request, placement_uuid):
    return _detail(request, "providers", placement_uuid)


# --- Attendance across placements -------------------------------------------------------


TREND_WEEKS = 12


@area_required(Area.CASEWORK)
@require_GET
def attendance(request):
    """Attendance at each setting (50 a page, by name) and week by week in one academic
    year (the current one unless ?year= names another), counted from the weekly tallies
    rather than every mark ever recorded: for the CAP team, who see every placement, from
    the settings' weekly sums."""
    years = list(years_all())
    year = next((y for y in years if y.name == request.GET.get("year")), None) or year_current()
    placements = placements_visible_to(request.user, Placement.objects.all())
    every = sees_every_placement(request.user)
    context = {"year": year, "years": years, "figures": None, "page": None, "trend": []}
    if year is not None:
        first, last = year.starts_on, year.ends_on
        weeks = selectors.attendance_by_week(placements, first, last, every=every)
        context.update(
            figures=selectors.figures_added(weeks),
            page=selectors.attendance_by_setting_page(
                placements,
                first,
                last,
                number=request.GET.get("page"),
                size=PAGE_SIZE,
                every=every,
            ),
            trend=weeks[-TREND_WEEKS:],
        )
    return render(request, "placements/attendance.html", context)


# --- The CAP team's edits ---------------------------------------------------------------


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def edit(request, placement_uuid):
    placement = get_placement_for_user(request.user, placement_uuid)
    check_can_edit_placement(request.user, placement)
    if request.method == "POST":
        form = forms.PlacementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.placement_update(
                    placement=placement,
                    pattern=data["pattern"],
                    pattern_from=data["pattern_from"],
                    monitoring_officer=data["monitoring_officer"],
                    safeguarding_confirmed_on=data["safeguarding_confirmed_on"],
                    safeguarding_confirmed_by=data["safeguarding_confirmed_by"],
                    version=data["version"],
                    by=request.user,
                )
            except Conflict:
                messages.error(request, changed("placement"))
                placement.refresh_from_db()
                form = form.again(version=placement.version)
            except Refused as refused:
                form.add_error(refused.field or "pattern", str(refused))
            else:
                messages.success(request, "Placement updated")
                return redirect("placements:casework_detail", placement.uuid)
    else:
        today = timezone.localdate()
        form = forms.PlacementForm(
            initial={
                "pattern": schedule.pattern_on(placement, max(today, placement.starts_on)),
                "monitoring_officer": placement.monitoring_officer,
                "safeguarding_confirmed_on": placement.safeguarding_confirmed_on,
                "safeguarding_confirmed_by": placement.safeguarding_confirmed_by,
                "version": placement.version,
            }
        )
    return render(request, "placements/edit.html", {"placement": placement, "form": form})


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def dates(request, placement_uuid):
    """Correct the start (before it) or the planned end; the planned phases follow."""
    placement = get_placement_for_user(request.user, placement_uuid)
    check_can_edit_placement(request.user, placement)
    if placement.ended_on:
        messages.error(request, "This placement has ended: its dates can no longer change")
        return redirect("placements:casework_detail", placement.uuid)
    form = forms.DatesForm(
        posted(request),
        initial={
            "starts_on": placement.starts_on,
            "planned_end_on": placement.planned_end_on,
            "version": placement.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.placement_dates_change(
                placement=placement,
                starts_on=data["starts_on"],
                planned_end_on=data["planned_end_on"],
                version=data["version"],
                by=request.user,
            )
        except Conflict:
            placement.refresh_from_db()
            form = form.changed_meanwhile(version=placement.version, noun="placement")
        except Refused as refused:
            form.add_error(refused.field or "planned_end_on", str(refused))
        else:
            messages.success(request, "Dates changed")
            return redirect("placements:casework_detail", placement.uuid)
    weeks = school_calendar().teaching_weeks_between(placement.starts_on, placement.planned_end_on)
    context = {
        "placement": placement,
        "form": form,
        "weeks": weeks,
        "has_phases": any(phase.planned for phase in placement.phases.all()),
    }
    return render(request, "placements/dates.html", context)


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def exit_(request, placement_uuid):
    placement = get_placement_for_user(request.user, placement_uuid)
    if not can_edit_placement(request.user, placement):
        raise PermissionDenied("Only the CAP team records an exit.")
    if placement.ended_on:
        messages.error(request, "This placement has already ended")
        return redirect("placements:casework_detail", placement.uuid)
    form = forms.ExitForm(
        posted(request),
        initial={"version": placement.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.placement_exit(
                placement=placement,
                ended_on=data["ended_on"],
                outcome=data["outcome"],
                detail=data["detail"],
                version=data["version"],
                by=request.user,
            )
        except Conflict:
            messages.error(request, changed("placement"))
            placement.refresh_from_db()
            form = form.again(version=placement.version)
        except Refused as refused:
            form.add_error(refused.field or "ended_on", str(refused))
        else:
            messages.success(request, "Exit recorded")
            return redirect("placements:casework_detail", placement.uuid)
    return render(request, "placements/exit.html", {"placement": placement, "form": form})


# --- Managed moves ----------------------------------------------------------------------


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def managed_move_confirm(request, placement_uuid):
    """The receiving school confirms that a Supported Transfer ends in a managed move, and
    from when the student is on its roll. Nobody else may see the page: 404."""
    placement = get_placement_for_user(request.user, placement_uuid)
    if not can_confirm_managed_move(request.user, placement):
        raise Http404
    form = forms.ManagedMoveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            move = services.managed_move_confirm(
                placement=placement, moves_on=form.cleaned_data["moves_on"], by=request.user
            )
        except Refused as refused:
            form.add_error(refused.field or "moves_on", str(refused))
        else:
            managed_move_notify(move)
            messages.success(request, "Managed move confirmed")
            return redirect("placements:schools_detail", placement.uuid)
    return render(
        request, "placements/managed_move_confirm.html", {"placement": placement, "form": form}
    )


# --- Monitoring records -----------------------------------------------------------------


def _add(request, area: str, placement_uuid, kind: str):
    placement = get_placement_for_user(request.user, placement_uuid)
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    check_can_add_placement_record(request.user, placement)
    extra = {"placement": placement} if kind == "target-review" else {}
    form = spec.form(posted(request), **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_add(
                placement=placement, kind=kind, data=form.cleaned_data, by=request.user
            )
        except Refused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(request, f"{spec.label[0].upper()}{spec.label[1:]} added")
            return redirect(f"placements:{area}_detail", placement.uuid)
    return render(
        request,
        "placements/add.html",
        {"placement": placement, "form": form, "kind": spec, "area": area},
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def casework_add(request, placement_uuid, kind):
    return _add(request, "casework", placement_uuid, kind)


@area_required(Area.PROVIDERS)
@require_http_methods(["GET", "POST"])
def providers_add(request, placement_uuid, kind):
    return _add(request, "providers", placement_uuid, kind)


# --- Termly reports ---------------------------------------------------------------------


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def report_runs(request):
    check_can_issue_reports(request.user)
    today = timezone.localdate()
    terms = (
        Term.objects.filter(starts_on__lte=today).select_related("year").order_by("-starts_on")[:6]
    )
    form = forms.ReportRunForm(
        posted(request),
        terms=Term.objects.filter(pk__in=[t.pk for t in terms]).order_by("-starts_on"),
    )
    if request.method == "POST" and form.is_valid():
        # The run and its queued batches are saved together or not at all.
        with transaction.atomic():
            run, batches = services.report_run_start(
                term=form.cleaned_data["term"], by=request.user
            )
            report_run_enqueue(run, batches)
        return redirect("placements:report_run", run.uuid)
    runs = ReportRun.objects.select_related("term__year", "requested_by")[:20]
    return render(request, "placements/report_runs.html", {"form": form, "runs": runs})


def get_report_run_for_user(user, run_uuid) -> ReportRun:
    """The run, or 404 unless the user may ask for reports, whether or not it exists."""
    run = (
        ReportRun.objects.select_related("term__year", "requested_by", "stopped_by")
        .filter(uuid=run_uuid)
        .first()
    )
    if run is None or not can_issue_reports(user):
        raise Http404
    return run


@area_required(Area.CASEWORK)
@require_GET
def report_run(request, run_uuid):
    run = get_report_run_for_user(request.user, run_uuid)
    page = Paginator(
        run.reports.select_related("placement__student", "placement__provider").order_by(
            "-issued_at", "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "placements/report_run.html",
        {
            "run": run,
            "percent": round(100 * run.done / run.total) if run.total else 100,
            "page": page,
        },
    )


@area_required(Area.CASEWORK)
@require_POST
def report_run_stop(request, run_uuid):
    run = get_report_run_for_user(request.user, run_uuid)
    try:
        services.report_run_stop(run=run, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Reports stopped. Reports already made are kept")
    return redirect("placements:report_run", run.uuid)


@area_required(Area.CASEWORK)
@require_POST
def report_run_resume(request, run_uuid):
    run = get_report_run_for_user(request.user, run_uuid)
    try:
        with transaction.atomic():
            run, batches = services.report_run_resume(run=run, by=request.user)
            report_run_enqueue(run, batches)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        remaining = run.total - run.done
        messages.success(
            request,
            f"Reports resumed: {remaining} placement{'s' if remaining != 1 else ''} still to do",
        )
    return redirect("placements:report_run", run.uuid)


@login_required
@require_GET
def report_download(request, report_uuid):
    report = (
        TermlyReport.objects.select_related("placement", "term").filter(uuid=report_uuid).first()
    )
    if report is None or not can_view_placement(request.user, report.placement):
        raise Http404
    data = services.report_read(report=report, by=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="termly-report-{report.term.name.lower().replace(" ", "-")}.pdf"'
    )
    return response
