"""The project's URLs with the CAP manager's oversight settings included as config/urls.py
is to include them (before the oversight pages, whose keys would otherwise match)."""

from django.urls import include, path

urlpatterns = [
    path("casework/oversight/", include("dashboards.urls_oversight_admin")),
    path("", include("config.urls")),
]

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
