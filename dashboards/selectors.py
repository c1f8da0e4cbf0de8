"""Reads of what the CAP manager set for oversight.

Reads for the multi-agency panel's termly oversight reports: who may fetch one, the lists
the CAP team and the panels' members see, and what a report holds.

A report is made from the same registered pages (dashboards.pages) and the same Table
functions as the figures pages, for the term at Tier 2 and then Tier 3, with small numbers
withheld: the panel's members include people from outside the CAP team."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from accounts.rules import Area
from dashboards import report as figures
from dashboards.models import (
    DEFAULT_THRESHOLD,
    OversightSettings,
    PanelReport,
    PopulationUpload,
)
from dashboards.pages import Page, pages_for
from dashboards.rules import can_read_panel_report
from dashboards.scope import Scope
from lib import dates
from panels.rules import panel_seats_of
from programmes.models import AcademicYear, Panel, Term


def threshold() -> int:
    """Counts from 1 to one less than this are withheld outside the CAP team
    (dashboards.report.suppress): the CAP manager's setting, or the default."""
    value = (
        OversightSettings.objects.order_by("pk").values_list("suppress_below", flat=True).first()
    )
    return value or DEFAULT_THRESHOLD


def population_uploads(*, limit: int = 20) -> QuerySet[PopulationUpload]:
    """The latest uploads, newest first."""
    return PopulationUpload.objects.select_related("year", "uploaded_by")[:limit]


def population_loaded() -> list[dict]:
    """Each year's loaded population: how many schools and how many counts, newest year
    first, as its latest upload recorded them (never a count of the year's many rows)."""
    latest = PopulationUpload.objects.filter(year=OuterRef("pk")).order_by("-uploaded_at", "-id")
    return list(
        AcademicYear.objects.filter(Exists(latest))
        .annotate(
            schools=Subquery(latest.values("year_schools")[:1]),
            counts=Subquery(latest.values("year_counts")[:1]),
        )
        .order_by("-starts_on", "name")
        .values("name", "schools", "counts")
    )


# The tiers the panel oversees (its referrals to Tiers 2 and 3), in this order.
REPORT_TIERS = (2, 3)
# Pages that are not the panel's business: providers' compliance is the CAP team's, and
# the census lists are schools' and the authority's returns to the DfE.
LEFT_OUT = frozenset({"compliance", "census"})
# Tables that name applications: the panel's members see figures, not other panels' cases.
TABLES_LEFT_OUT = frozenset({"late-notices"})


when = dates.moment_words  # "6 December 2026 at 9:05am"


# --- Fetching and listing -------------------------------------------------------------------


def report_for(user: User, report_uuid) -> PanelReport:
    """The report, for someone who may read it; 404 for anyone else, whether it exists or
    not."""
    found = (
        PanelReport.objects.select_related("panel", "term__year").filter(uuid=report_uuid).first()
    )
    if found is None or not can_read_panel_report(user, found):
        raise Http404("No such report")
    return found


def panel_reports_all() -> QuerySet[PanelReport]:
    """Every report asked for, newest first, for the CAP team's list."""
    return PanelReport.objects.select_related("panel", "term__year", "requested_by").order_by(
        "-requested_at", "-id"
    )


def panel_reports_published_for(user: User) -> QuerySet[PanelReport]:
    """The published reports of the panels the user sits on, newest first."""
    return (
        PanelReport.objects.filter(
            panel_id__in={seat.panel_id for seat in panel_seats_of(user)},
            made_at__isnull=False,
            published_at__isnull=False,
        )
        .select_related("panel", "term__year")
        .order_by("-published_at", "-id")
    )


def panels_for_reports(year) -> QuerySet[Panel]:
    return Panel.objects.filter(year=year).order_by("name")


def terms_for_reports(year, *, today: dt.date) -> QuerySet[Term]:
    """The year's terms that have begun: a term yet to start has no figures."""
    return (
        Term.objects.filter(year=year, starts_on__lte=today)
        .select_related("year")
        .order_by("starts_on")
    )


# --- What a report holds -------------------------------------------------------------------


@dataclass
class ReportPage:
    page: Page
    anchor: str
    tables: list[tuple[figures.Table, SafeString]]


@dataclass
class ReportTier:
    heading: str
    anchor: str
    pages: list[ReportPage]


def _chart_for_pdf(table: figures.Table, style: str) -> SafeString:
    """The page's chart, with the style it needs inside it: WeasyPrint draws an inline SVG
    with the SVG's own styles only, not the document's."""
    svg = str(figures.chart_svg(table))
    if not svg:
        return mark_safe("")
    opened = svg.index(">") + 1  # the end of <svg …>; its attributes escape ">"
    return mark_safe(svg[:opened] + style + svg[opened:])  # noqa: S308 (our own markup)


def panel_report_contents(*, report: PanelReport, made_at: dt.datetime) -> dict:
    """What the report's PDF shows: for Tier 2 and then Tier 3, each casework page the
    panel oversees, in page order, with its tables (small numbers withheld) and charts."""
    term = report.term
    year = term.year
    below = threshold()
    style = render_to_string("dashboards/panel_reports/_chart_style.html")
    pages = [p for p in pages_for(Area.CASEWORK) if p.key not in LEFT_OUT]
    tiers = []
    for tier in year.tiers.filter(number__in=REPORT_TIERS).order_by("number"):
        # suppress: the tables are those shown outside the CAP team.
        scope = Scope(
            area=Area.CASEWORK,
            user=report.requested_by,
            year=year,
            term=term,
            tier=tier,
            suppress=True,
        )
        anchor = f"tier-{tier.number}"
        shown = []
        for page in pages:
            tables = [
                figures.suppress(table, below)
                for table in page.tables(scope)
                if table.key not in TABLES_LEFT_OUT
            ]
            shown.append(
                ReportPage(
                    page=page,
                    anchor=f"{anchor}-{page.key}",
                    tables=[(table, _chart_for_pdf(table, style)) for table in tables],
                )
            )
        tiers.append(ReportTier(heading=str(tier), anchor=anchor, pages=shown))
    return {
        "report": report,
        "panel": report.panel,
        "term": term,
        "term_name": f"{term.name} {year.name}",
        "first": dates.long_date(term.starts_on, weekday=False),
        "last": dates.long_date(term.ends_on, weekday=False),
        "made": when(made_at),
        "threshold": below,
        "tiers": tiers,
    }
