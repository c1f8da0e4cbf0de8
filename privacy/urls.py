from django.urls import path

from privacy import views_access_review, views_retention

app_name = "privacy"

# Each page's path starts with its audience's area: "casework/…" for the CAP team, "people/…"
# for organisations' administrators.
urlpatterns: list = [
    path("people/access-review/", views_access_review.access_reviews, name="access_reviews"),
    path(
        "people/access-review/<uuid:review_uuid>/",
        views_access_review.access_review,
        name="access_review",
    ),
    path(
        "people/access-review/<uuid:review_uuid>/restore/<uuid:user_uuid>/",
        views_access_review.access_review_restore,
        name="access_review_restore",
    ),
    path(
        "casework/access-reviews/",
        views_access_review.access_review_overview,
        name="access_review_overview",
    ),
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
