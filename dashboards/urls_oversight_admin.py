"""The CAP manager's settings for the figures, under /casework/figures/ (config/urls.py
includes them before the figures' pages, whose keys would otherwise match these paths)."""

from django.urls import path

from dashboards.views import equalities

app_name = "oversight_admin"

urlpatterns = [
    path("population/", equalities.population_upload, name="population"),
    path("population/example.csv", equalities.population_example, name="population_example"),
    path("settings/", equalities.threshold_edit, name="settings"),
]
