from django.urls import path

from applications import views_casework as views

app_name = "casework"

urlpatterns = [
    path("applications/", views.queue, name="queue"),
    path("applications/<uuid:application_uuid>/", views.application, name="application"),
]
