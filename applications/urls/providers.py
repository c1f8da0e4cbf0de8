from django.urls import path

from applications.views import providers as views

app_name = "providers"

urlpatterns = [
    path("packs/", views.packs, name="packs"),
    path("packs/<uuid:application_uuid>/", views.pack, name="pack"),
    # The step is a transition's name in applications.workflow, such as hold_interview.
    path("packs/<uuid:application_uuid>/<slug:step>/", views.act, name="act"),
]
