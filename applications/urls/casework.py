from django.urls import path

from applications.views import casework as views

app_name = "casework"

urlpatterns = [
    path("applications/", views.queue, name="queue"),
    path("applications/<uuid:application_uuid>/", views.application, name="application"),
    path("applications/<uuid:application_uuid>/assign/", views.assign, name="assign"),
    # One URL per step, named by the workflow's transition: /accept/, /send_pack/, ...
    path("applications/<uuid:application_uuid>/<slug:step>/", views.act, name="act"),
]
