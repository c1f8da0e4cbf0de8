from django.urls import path

from dashboards.views import homes as views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/", views.schools_home, name="schools"),
    path("casework/", views.casework_home, name="casework"),
    path("providers/", views.providers_home, name="providers"),
    path("panels/", views.panels_home, name="panels"),
    path("agencies/", views.agencies_home, name="agencies"),
]
