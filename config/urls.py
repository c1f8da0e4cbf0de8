from django.urls import include, path

from lib.admin import admin_site

urlpatterns = [
    path("", include("accounts.urls")),
    # The CAP manager's settings for the figures, before the figures' own pages, whose keys
    # would otherwise match these paths.
    path("casework/figures/", include("dashboards.urls_oversight_admin")),
    path("", include("dashboards.urls")),
    path("schools/", include("students.urls")),
    # Money before applications: its pages for an application's fee
    # (…/applications/<uuid>/fee/) would otherwise be taken by the applications' paths for a
    # form page or a step.
    path("", include("finance.urls")),
    path("schools/", include("applications.urls.schools")),
    path("schools/", include("panels.urls.schools")),
    path("casework/", include("applications.urls.casework")),
    path("casework/", include("panels.urls.casework")),
    path("casework/", include("scheduling.urls")),
    path("", include("privacy.urls")),
    path("panels/", include("panels.urls.members")),
    path("providers/", include("applications.urls.providers")),
    path("model/", include("programmes.urls")),
    path("", include("placements.urls")),
    path("documents/", include("documents.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("", include("quality.urls")),
    path("", include("events.urls")),
    path("", include("entitlements.urls")),
    path("", include("school_reviews.urls")),
    path("", include("agencies.urls")),
    path("", include("about.urls")),
    path("admin/", admin_site.urls),
]

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
