from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from programmes import selectors, services
from programmes.models import AcademicYear
from programmes.rules import can_edit_model, can_view_model


def _get_year_for_user(user, year_name: str | None) -> AcademicYear:
    if not can_view_model(user):
        raise PermissionDenied("The model of support is for people who work with CAP.")
    if year_name is None:
        year = selectors.year_current()
        if year is None:
            raise Http404
        return year
    return get_object_or_404(AcademicYear, name=year_name)


@login_required
@require_GET
def model_of_support(request, year_name: str | None = None):
    year = _get_year_for_user(request.user, year_name)
    context = {
        "year": year,
        "years": list(selectors.years_all()),
        "can_edit": can_edit_model(request.user),
        **selectors.model_overview(year=year),
    }
    return render(request, "programmes/model.html", context)


@login_required
@require_POST
def year_confirm(request, year_name: str):
    year = _get_year_for_user(request.user, year_name)
    if not can_edit_model(request.user):
        raise PermissionDenied("Only the CAP manager can confirm a year's dates.")
    try:
        services.academic_year_confirm(year=year, by=request.user)
    except services.NotDraft:
        messages.info(request, f"{year.name} was already confirmed.")
    else:
        messages.success(request, f"The dates for {year.name} are confirmed.")
    return redirect("programmes:model_year", year_name=year.name)
