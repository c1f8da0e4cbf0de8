from django.urls import path

from privacy import views_access_review, views_audit, views_retention, views_subject_access

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
    # Subject access: the CAP manager's, and the safeguarding lead's decisions.
    path(
        "casework/subject-access/",
        views_subject_access.subject_access_list,
        name="subject_access_list",
    ),
    path(
        "casework/subject-access/start/",
        views_subject_access.subject_access_start,
        name="subject_access_start",
    ),
    path(
        "casework/subject-access/safeguarding/",
        views_subject_access.subject_access_safeguarding_list,
        name="subject_access_safeguarding_list",
    ),
    path(
        "casework/subject-access/<uuid:request_uuid>/",
        views_subject_access.subject_access_detail,
        name="subject_access_detail",
    ),
    path(
        "casework/subject-access/<uuid:request_uuid>/download/",
        views_subject_access.subject_access_download,
        name="subject_access_download",
    ),
    path(
        "casework/subject-access/<uuid:request_uuid>/rebuild/",
        views_subject_access.subject_access_rebuild,
        name="subject_access_rebuild",
    ),
    path(
        "casework/subject-access/<uuid:request_uuid>/safeguarding/",
        views_subject_access.subject_access_safeguarding,
        name="subject_access_safeguarding",
    ),
    # The audit trail, searchable.
    path("casework/audit/", views_audit.audit_trail, name="audit_trail"),
    path("casework/audit/export.csv", views_audit.audit_export, name="audit_export"),
]
