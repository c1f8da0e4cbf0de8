from django.urls import path

from privacy import views_audit, views_subject_access

app_name = "privacy"

# Each page's path starts with its audience's area: "casework/…" for the CAP team, "people/…"
# for organisations' administrators.
urlpatterns: list = [
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
