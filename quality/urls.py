from django.urls import path

from quality.views import casework, directory, feed, providers

app_name = "quality"

urlpatterns = [
    # The course directory, for school and CAP staff.
    path("schools/directory/", directory.search, name="directory"),
    path("schools/directory/<uuid:course_uuid>/", directory.course, name="course"),
    path("schools/directory/<uuid:course_uuid>/apply/", directory.apply, name="apply"),
    # The CAP team's quality assurance.
    path("casework/providers/", casework.overview, name="overview"),
    path(
        "casework/providers/organisations/<uuid:organisation_uuid>/record/",
        casework.record_edit,
        name="record_edit",
    ),
    path("casework/providers/<uuid:record_uuid>/", casework.provider, name="provider"),
    path("casework/providers/<uuid:record_uuid>/sites/new/", casework.site_add, name="site_add"),
    path(
        "casework/providers/<uuid:record_uuid>/contacts/new/",
        casework.contact_add,
        name="contact_add",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/evidence/<uuid:evidence_uuid>/approve/",
        casework.evidence_approve,
        name="evidence_approve",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/evidence/<uuid:evidence_uuid>/reject/",
        casework.evidence_reject,
        name="evidence_reject",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/reviews/new/",
        casework.review_new,
        name="review_new",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/visits/new/",
        casework.visit_new,
        name="visit_new",
    ),
    path(
        "casework/providers/<uuid:record_uuid>/visits/<uuid:visit_uuid>/record/",
        casework.visit_record,
        name="visit_record",
    ),
    # Providers keep their own evidence.
    path("providers/compliance/", providers.compliance_home, name="compliance_home"),
    path("providers/compliance/<uuid:record_uuid>/", providers.compliance, name="compliance"),
    path(
        "providers/compliance/<uuid:record_uuid>/evidence/<slug:item_key>/",
        providers.evidence_new,
        name="evidence_new",
    ),
    path(
        "quality/evidence/<uuid:evidence_uuid>/",
        providers.evidence_download,
        name="evidence_download",
    ),
    # The open feed.
    path("open-data/hsds/", feed.info, name="feed_info"),
    path("open-data/hsds/services", feed.services, name="feed_services"),
    path("open-data/hsds/services/<uuid:course_uuid>", feed.service, name="feed_service"),
]
