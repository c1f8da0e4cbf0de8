"""The multi-agency panel's termly oversight reports: the CAP team asks for them and lists
them (casework); a panel's members list the published reports of the panels they sit on
(panels); either downloads a report through the one getter that checks access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import Area
from accounts.views import area_required
from dashboards import selectors, services
from dashboards.forms import PanelReportForm
from dashboards.rules import can_make_panel_reports
from lib.errors import Refused
from lib.forms import posted
from programmes.selectors import year_current

PER_PAGE = 25


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def casework_panel_reports(request):
    """Every report asked for, newest first, and the form to ask for one."""
    if not can_make_panel_reports(request.user):
        raise Http404("No reports here")
    year = year_current()
    form = None
    if year is not None:
        form = PanelReportForm(
            posted(request),
            panels=selectors.panels_for_reports(year),
            terms=selectors.terms_for_reports(year, today=timezone.localdate()),
        )
        if request.method == "POST" and form.is_valid():
            panel, term = form.cleaned_data["panel"], form.cleaned_data["term"]
            try:
                services.panel_report_request(panel=panel, term=term, by=request.user)
            except Refused as refused:
                form.add_error(refused.field, str(refused))
            else:
                messages.success(
                    request,
                    f"The {panel.name}'s report for {term.name} {year.name} is being made. "
                    "It will be listed here when it is ready, and the panel's members will be "
                    "e-mailed a link to it.",
                )
                return redirect("dashboards:casework_panel_reports")
    elif request.method == "POST":
        raise Http404("No academic year is loaded")
    listing = Paginator(selectors.panel_reports_all(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/panel_reports/casework.html",
        {"form": form, "year": year, "listing": listing},
    )


@area_required(Area.PANELS)
@require_GET
def panels_reports(request):
    """The published reports of the panels the member sits on, newest first."""
    listing = Paginator(selectors.panel_reports_published_for(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "dashboards/panel_reports/panels.html", {"listing": listing})


@login_required
@require_GET
def panel_report_download(request, report_uuid):
    """A report's PDF, as made: for the CAP team and the panel's active members only."""
    report = selectors.report_for(request.user, report_uuid)
    data = services.panel_report_read(report=report, by=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    slug = slugify(f"{report.panel.key} {report.term.name} {report.term.year.name}")
    response["Content-Disposition"] = f'attachment; filename="oversight-report-{slug}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
