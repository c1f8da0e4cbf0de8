from django.urls import path

from safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("raised/", views.raised, name="raised"),
    path("raised/<uuid:concern_uuid>/", views.receipt, name="receipt"),
    path("students/<uuid:student_uuid>/raise/", views.raise_concern, name="raise"),
    path("students/<uuid:student_uuid>/chronology/", views.chronology, name="chronology"),
    path(
        "students/<uuid:student_uuid>/chronology.pdf",
        views.chronology_pdf,
        name="chronology_pdf",
    ),
    path("concerns/<uuid:concern_uuid>/", views.concern, name="concern"),
    path("concerns/<uuid:concern_uuid>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("concerns/<uuid:concern_uuid>/update/", views.add_update, name="update"),
    path("concerns/<uuid:concern_uuid>/action/", views.record_action, name="action"),
    path("concerns/<uuid:concern_uuid>/close/", views.close, name="close"),
]
