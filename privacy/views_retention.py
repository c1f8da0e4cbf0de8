"""The CAP manager's retention pages: what goes in the next 30 days and what the last runs
removed, and the legal holds that stop it for a student (privacy.retention)."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import Area
from accounts.views import area_required
from lib.errors import Refused
from privacy import retention
from privacy.forms_retention import HoldForm
from privacy.models import LegalHold, RetentionRun
from privacy.rules import can_manage_retention
from students.models import Student

PAGE_SIZE = 50
RUNS_SHOWN = 10
HOLDS_SHOWN = 50


def _only_the_manager(user) -> None:
    if not can_manage_retention(user):
        raise Http404("No such page")


def _student_for_retention(user, student_uuid) -> Student:
    _only_the_manager(user)
    return get_object_or_404(Student, uuid=student_uuid)


def _hold_for_retention(user, hold_uuid) -> LegalHold:
    _only_the_manager(user)
    return get_object_or_404(
        LegalHold.objects.select_related("student"), uuid=hold_uuid, lifted_at__isnull=True
    )


@area_required(Area.CASEWORK)
@require_GET
def forecast(request):
    _only_the_manager(request.user)
    today = timezone.localdate()
    students = retention.forecast_students(today)
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    holds = LegalHold.objects.filter(lifted_at__isnull=True).select_related("student")
    return render(
        request,
        "privacy/retention.html",
        {
            "today": today,
            "until": today + dt.timedelta(days=retention.FORECAST_DAYS),
            "schedule": retention.schedule(),
            "counts": retention.forecast_table(today),
            "page": page,
            "rows": retention.forecast_rows(page.object_list),
            "runs": [
                (run, retention.removed_words(run.removed))
                for run in RetentionRun.objects.all()[:RUNS_SHOWN]
            ],
            "holds": holds.order_by("-set_at", "-id")[:HOLDS_SHOWN],
            "holds_count": holds.count(),
        },
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def hold_set(request, student_uuid):
    student = _student_for_retention(request.user, student_uuid)
    standing = retention.standing_hold(student)
    if standing is not None:
        return redirect("privacy:retention_hold_lift", standing.uuid)
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.legal_hold_set(
                student=student, reason=form.cleaned_data["reason"], by=request.user
            )
        except Refused as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request, f"{student} is on legal hold: retention will not touch their records"
            )
            return redirect("privacy:retention")
    return render(request, "privacy/retention_hold.html", {"form": form, "student": student})


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def hold_lift(request, hold_uuid):
    hold = _hold_for_retention(request.user, hold_uuid)
    form = HoldForm(request.POST if request.method == "POST" else None, lifting=True)
    if request.method == "POST" and form.is_valid():
        try:
            retention.legal_hold_lift(
                hold=hold, reason=form.cleaned_data["reason"], by=request.user
            )
        except Refused as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"The legal hold on {hold.student} has been lifted")
            return redirect("privacy:retention")
    return render(
        request,
        "privacy/retention_hold.html",
        {"form": form, "student": hold.student, "hold": hold},
    )
