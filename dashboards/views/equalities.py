"""The CAP manager's oversight settings: the secondary population the equalities figures
are compared with, and the threshold under which numbers are withheld outside the CAP team.

Only the CAP manager may see these pages; for everyone else they do not exist (404).
"""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dashboards import population, selectors, services
from dashboards.characteristics import CHARACTERISTICS
from dashboards.forms import PopulationUploadForm, ThresholdForm
from dashboards.rules import can_manage_oversight
from lib import dates
from lib.errors import Refused
from lib.forms import posted
from programmes.selectors import year_current, years_all


def manager_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_manage_oversight(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


@manager_only
@require_http_methods(["GET", "POST"])
def population_upload(request):
    data, files = posted(request, files=True)
    current = year_current()
    form = PopulationUploadForm(
        data, files, years=years_all(), initial={"year": current.name if current else None}
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            upload = services.population_load(
                year=year,
                read=form.read,
                filename=form.cleaned_data["file"].name,
                by=request.user,
            )
        except Refused as refusal:
            form.add_error(refusal.field or None, str(refusal))
        else:
            schools = upload.schools
            messages.success(
                request,
                f"Population counts for {year.name} loaded: {upload.rows:,} "
                f"{'count' if upload.rows == 1 else 'counts'} for {schools} "
                f"{'school' if schools == 1 else 'schools'}",
            )
            return redirect("oversight_admin:population")
    return render(
        request,
        "dashboards/oversight/population.html",
        {
            "form": form,
            "row_errors": form.read.row_errors if form.read else [],
            "columns": population.COLUMNS,
            "example": population.EXAMPLE,
            "characteristics": CHARACTERISTICS,
            "loaded": selectors.population_loaded(),
            "uploads": [
                {"upload": upload, "when": dates.moment_words(upload.uploaded_at)}
                for upload in selectors.population_uploads()
            ],
        },
    )


@manager_only
@require_GET
def population_example(request):
    """The example on the page as a file to start from."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="secondary-population-example.csv"'
    writer = csv.writer(response)
    writer.writerow(population.COLUMNS)
    writer.writerows(population.EXAMPLE)
    return response


@manager_only
@require_http_methods(["GET", "POST"])
def threshold_edit(request):
    form = ThresholdForm(posted(request), initial={"suppress_below": selectors.threshold()})
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["suppress_below"]
        try:
            services.oversight_threshold_set(suppress_below=value, by=request.user)
        except Refused as refusal:
            form.add_error(refusal.field or None, str(refusal))
        else:
            messages.success(
                request,
                "Outside the CAP team, no numbers are withheld"
                if value == 1
                else f"Outside the CAP team, numbers below {value} are now withheld",
            )
            return redirect("oversight_admin:settings")
    return render(request, "dashboards/oversight/settings.html", {"form": form})
