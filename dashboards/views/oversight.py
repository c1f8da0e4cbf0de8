"""The oversight pages: one view serves every registered page (dashboards.pages) in each
area that may see it, with the person's scope and filters, a chart beside each table, and
each table as CSV or XLSX with the same filters."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.rules import Area
from accounts.views import area_required
from dashboards import report
from dashboards.figures import placements, referrals
from dashboards.pages import PAGES, pages_for
from dashboards.rules import can_manage_oversight
from dashboards.scope import Scope, scope_for
from dashboards.selectors import threshold


def tables_for(scope: Scope, key: str) -> list[report.Table]:
    """A page's tables as this person may see them: small numbers withheld outside the CAP
    team."""
    page = PAGES.get(key)
    if page is None or scope.area not in page.areas:
        raise Http404("No such page")
    tables = page.tables(scope)
    if scope.suppress:
        below = threshold()
        tables = [report.suppress(table, below) for table in tables]
    return tables


def _oversight(request, area: str, key: str):
    scope = scope_for(request, area)
    tables = tables_for(scope, key)
    wanted = request.GET.get("download")
    if wanted:
        table = next((t for t in tables if t.key == wanted), None)
        if table is None:
            raise Http404("No such table")
        return report.download(
            table,
            request.GET.get("format", ""),
            described=scope.described(),
            filename=f"cap-{key}-{table.key}-{scope.year.name}",
        )
    return render(
        request,
        "dashboards/oversight/page.html",
        {
            "page": PAGES[key],
            "pages": pages_for(area),
            "page_url": f"dashboards:{area}_oversight",
            "scope": scope,
            "tables": [
                (table, report.chart_svg(table))
                for table in (report.for_page(table) for table in tables)
            ],
            "threshold": threshold(),
            "can_manage": can_manage_oversight(request.user),
        },
    )


def _first_page(area: str):
    @area_required(area)
    @require_GET
    def first(request):
        scope_for(request, area)  # 404 for those with no figures here
        return redirect(reverse(f"dashboards:{area}_oversight", args=[pages_for(area)[0].key]))

    return first


def _page(area: str):
    @area_required(area)
    @require_GET
    def view(request, key: str):
        return _oversight(request, area, key)

    return view


casework_first, casework_page = _first_page(Area.CASEWORK), _page(Area.CASEWORK)
schools_first, schools_page = _first_page(Area.SCHOOLS), _page(Area.SCHOOLS)
providers_first, providers_page = _first_page(Area.PROVIDERS), _page(Area.PROVIDERS)


# --- The lists behind the figures -----------------------------------------------------------

PER_PAGE = 50


def _placement_url(area: str, placement) -> str:
    return reverse(f"placements:{area}_detail", args=[placement.uuid])


def _behind(request, area: str, kind: str):
    scope = scope_for(request, area)
    if kind == "applications":
        words, rows = referrals.applications_behind(scope, request.GET)
        rows = rows.select_related("student", "school", "programme").order_by(
            "-submitted_at", "-id"
        )
    else:
        words, rows = placements.placements_behind(scope, request.GET)
        rows = rows.select_related("student", "home_school", "provider", "programme").order_by(
            "-starts_on", "-id"
        )
    listing = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    items = [
        {
            "object": item,
            "url": referrals.application_url(scope, item)
            if kind == "applications"
            else _placement_url(area, item),
        }
        for item in listing
    ]
    keep = {k: v for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        f"dashboards/oversight/{kind}_behind.html",
        {
            "scope": scope,
            "words": words,
            "listing": listing,
            "items": items,
            "query": urlencode(keep),
            "back": reverse(f"dashboards:{area}_figures") + "?" + scope.query(),
        },
    )


def _behind_view(area: str, kind: str):
    @area_required(area)
    @require_GET
    def view(request):
        return _behind(request, area, kind)

    return view


casework_behind = _behind_view(Area.CASEWORK, "applications")
schools_behind = _behind_view(Area.SCHOOLS, "applications")
casework_placements_behind = _behind_view(Area.CASEWORK, "placements")
schools_placements_behind = _behind_view(Area.SCHOOLS, "placements")
providers_placements_behind = _behind_view(Area.PROVIDERS, "placements")
