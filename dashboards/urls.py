from django.urls import path

from dashboards.views import homes, oversight, panel_reports

app_name = "dashboards"

urlpatterns = [
    path("", homes.home, name="home"),
    path("schools/", homes.schools_home, name="schools"),
    path("casework/", homes.casework_home, name="casework"),
    path("providers/", homes.providers_home, name="providers"),
    path("panels/", homes.panels_home, name="panels"),
    path("agencies/", homes.agencies_home, name="agencies"),
    path("finance/", homes.finance_home, name="finance"),
    path("casework/figures/", oversight.casework_first, name="casework_figures"),
    # Before casework/figures/<slug:key>/, which would take "panel-reports" for a page key.
    path(
        "casework/figures/panel-reports/",
        panel_reports.casework_panel_reports,
        name="casework_panel_reports",
    ),
    path("casework/figures/<slug:key>/", oversight.casework_page, name="casework_oversight"),
    path("schools/figures/", oversight.schools_first, name="schools_figures"),
    path("schools/figures/<slug:key>/", oversight.schools_page, name="schools_oversight"),
    path("providers/figures/", oversight.providers_first, name="providers_figures"),
    path("providers/figures/<slug:key>/", oversight.providers_page, name="providers_oversight"),
    path("casework/figures/list/applications/", oversight.casework_behind, name="casework_behind"),
    path("schools/figures/list/applications/", oversight.schools_behind, name="schools_behind"),
    path(
        "casework/figures/list/placements/",
        oversight.casework_placements_behind,
        name="casework_placements_behind",
    ),
    path(
        "schools/figures/list/placements/",
        oversight.schools_placements_behind,
        name="schools_placements_behind",
    ),
    path(
        "providers/figures/list/placements/",
        oversight.providers_placements_behind,
        name="providers_placements_behind",
    ),
    path("panels/reports/", panel_reports.panels_reports, name="panels_reports"),
    # The one download for the CAP team and the panel's members: the getter checks access.
    path(
        "figures/panel-reports/<uuid:report_uuid>.pdf",
        panel_reports.panel_report_download,
        name="panel_report_download",
    ),
]
