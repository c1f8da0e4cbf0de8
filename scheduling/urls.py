"""The CAP manager's page of scheduled jobs, under /casework/."""

from django.urls import path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("scheduled-jobs/", views.jobs, name="jobs"),
]
