"""Monitoring officers' visits, in the CAP team's area: plan a visit for a placement, record
it (happened, or not and why), and an officer's caseload with the visits due. The visits
themselves show on the placement's page (placements.views.placements)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import Area, is_cap_staff
from accounts.views import area_required
from lib.errors import Conflict, Refused
from lib.forms import posted
from placements import forms_visits, selectors_visits, services_visits
from placements.models import Visit
from placements.rules import can_view_visit, check_can_manage_visits
from placements.views.placements import get_placement_for_user
from placements.visits import rule_words


def get_visit_for_user(user, visit_uuid) -> Visit:
    """The visit, or 404 unless the user may see it, whether or not it exists."""
    visit = (
        Visit.objects.filter(uuid=visit_uuid)
        .select_related("placement__student", "placement__provider", "officer")
        .first()
    )
    if visit is None or not can_view_visit(user, visit):
        raise Http404
    return visit


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def plan(request, placement_uuid):
    placement = get_placement_for_user(request.user, placement_uuid)
    check_can_manage_visits(request.user, placement)
    form = forms_visits.VisitPlanForm(
        posted(request),
        officers=selectors_visits.officers(),
        initial={"officer": placement.monitoring_officer},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_visits.visit_plan(
                placement=placement,
                kind=data["kind"],
                planned_on=data["planned_on"],
                planned_time=data["planned_time"],
                officer=data["officer"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error(refused.field or "planned_on", str(refused))
        else:
            messages.success(request, "Visit planned")
            return redirect("placements:casework_detail", placement.uuid)
    return render(request, "placements/visits/plan.html", {"placement": placement, "form": form})


def _record(request, visit_uuid, *, form_class, service, template: str, default_field: str):
    visit = get_visit_for_user(request.user, visit_uuid)
    placement = visit.placement
    check_can_manage_visits(request.user, placement)
    if not visit.is_planned:
        messages.error(request, "This visit has already been recorded")
        return redirect("placements:casework_detail", placement.uuid)
    form = form_class(
        posted(request),
        initial={"version": visit.version, "happened_on": visit.planned_on},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service(visit=visit, by=request.user, **data)
        except Conflict:
            visit.refresh_from_db()
            form = form.changed_meanwhile(version=visit.version, noun="visit")
        except Refused as refused:
            form.add_error(refused.field or default_field, str(refused))
        else:
            messages.success(request, "Visit recorded")
            return redirect("placements:casework_detail", placement.uuid)
    return render(request, template, {"visit": visit, "placement": placement, "form": form})


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def record(request, visit_uuid):
    """Record that a planned visit happened."""
    return _record(
        request,
        visit_uuid,
        form_class=forms_visits.VisitRecordForm,
        service=services_visits.visit_record,
        template="placements/visits/record.html",
        default_field="happened_on",
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def record_missed(request, visit_uuid):
    """Record that a planned visit did not happen, and why."""
    return _record(
        request,
        visit_uuid,
        form_class=forms_visits.VisitMissedForm,
        service=services_visits.visit_record_missed,
        template="placements/visits/missed.html",
        default_field="reason",
    )


@area_required(Area.CASEWORK)
@require_GET
def caseload(request):
    """An officer's open placements with the last visit and the next due: the signed-in
    officer's own, or (for the CAP team) another officer's, chosen as ?officer=<uuid>."""
    if not is_cap_staff(request.user):
        raise Http404
    officers = list(selectors_visits.officers())
    chosen = request.GET.get("officer")
    if not chosen:
        officer = request.user
    else:
        officer = next((o for o in officers if str(o.uuid) == chosen), None)
        if officer is None:
            raise Http404
    today = timezone.localdate()
    page = selectors_visits.caseload(officer, today=today, page_number=request.GET.get("page"))
    return render(
        request,
        "placements/visits/caseload.html",
        {
            "officer": officer,
            "own": officer == request.user,
            "page": page,
            "today": today,
            "officers": officers,
            "rule": rule_words(),
        },
    )
