from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("students/<uuid:student_uuid>/applications/new/", views.start, name="start"),
]
