from django.urls import path

from privacy import views_retention

app_name = "privacy"

# Each page's path starts with its audience's area: "casework/…" for the CAP team, "people/…"
# for organisations' administrators.
urlpatterns: list = [
    path("casework/retention/", views_retention.forecast, name="retention"),
    path(
        "casework/retention/students/<uuid:student_uuid>/hold/",
        views_retention.hold_set,
        name="retention_hold",
    ),
    path(
        "casework/retention/holds/<uuid:hold_uuid>/lift/",
        views_retention.hold_lift,
        name="retention_hold_lift",
    ),
]
