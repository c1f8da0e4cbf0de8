from django.urls import path

from applications.views import schools as views

app_name = "applications"

urlpatterns = [
    path("students/<uuid:student_uuid>/applications/new/", views.start, name="start"),
    path("applications/", views.application_list, name="list"),
    path("applications/<uuid:application_uuid>/", views.detail, name="detail"),
    path("applications/<uuid:application_uuid>/check/", views.check, name="check"),
    path("applications/<uuid:application_uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<uuid:application_uuid>/discard/", views.discard, name="discard"),
    path("applications/<uuid:application_uuid>/act/<slug:step>/", views.act, name="act"),
    path(
        "applications/<uuid:application_uuid>/documents/<uuid:document_uuid>/remove/",
        views.remove_document,
        name="remove_document",
    ),
    path("applications/<uuid:application_uuid>/<slug:slug>/", views.page, name="page"),
]
