from django.urls import path

from dashboards.views import homes, oversight

app_name = "dashboards"

urlpatterns = [
    path("", homes.home, name="home"),
    path("schools/", homes.schools_home, name="schools"),
    path("casework/", homes.casework_home, name="casework"),
    path("providers/", homes.providers_home, name="providers"),
    path("panels/", homes.panels_home, name="panels"),
    path("agencies/", homes.agencies_home, name="agencies"),
    path("casework/figures/", oversight.casework_first, name="casework_figures"),
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
]
