from django.urls import path

from quality import views_casework, views_directory, views_feed, views_providers

app_name = "quality"

urlpatterns = [
    # The course directory, for school and CAP staff.
    path("schools/directory/", views_directory.search, name="directory"),
    path("schools/directory/<uuid:course_uuid>/", views_directory.course, name="course"),
    path("schools/directory/<uuid:course_uuid>/apply/", views_directory.apply, name="apply"),
    # The CAP team's quality assurance.
    path("casework/providers/", views_casework.overview, name="overview"),
    path(
        "casework/providers/organisations/<uuid:organisation_uuid>/record/",
        views_casework.record_edit,
        name="record_edit",
    ),
    path("casework/providers/<uuid:record_uuid>/", views_casework.provider, name="provider"),
    path(
        "casework/providers/<uuid:record_uuid>/sites/new/", views_casework.site_add, name="site_add"
    ),
    path(
        "casework/providers/<uuid:record_uuid>/contacts/new/",
        views_casework.contact_add,
        name="contact_add",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/evidence/<uuid:evidence_uuid>/approve/",
        views_casework.evidence_approve,
        name="evidence_approve",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/evidence/<uuid:evidence_uuid>/reject/",
        views_casework.evidence_reject,
        name="evidence_reject",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/reviews/new/",
        views_casework.review_new,
        name="review_new",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/visits/new/",
        views_casework.visit_new,
        name="visit_new",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/visits/<uuid:visit_uuid>/record/",
        views_casework.visit_record,
        name="visit_record",
    ),
    # Providers keep their own evidence.
    path("providers/compliance/", views_providers.compliance_home, name="compliance_home"),
    path("providers/compliance/<uuid:record_uuid>/", views_providers.compliance, name="compliance"),
    path(
        "providers/compliance/<uuid:record_uuid>/evidence/<slug:item_key>/",
        views_providers.evidence_new,
        name="evidence_new",
    ),
    path(
        "quality/evidence/<uuid:evidence_uuid>/",
        views_providers.evidence_download,
        name="evidence_download",
    ),
    # The open feed.
    path("open-data/hsds/", views_feed.info, name="feed_info"),
    path("open-data/hsds/services", views_feed.services, name="feed_services"),
    path("open-data/hsds/services/<uuid:course_uuid>", views_feed.service, name="feed_service"),
]
