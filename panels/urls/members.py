from django.urls import path

from panels import views

app_name = "panels"

urlpatterns = [
    path("calendar.ics", views.member_calendar, name="calendar"),
    path("meetings/<uuid:meeting_uuid>/", views.member_meeting, name="meeting"),
    path("meetings/<uuid:meeting_uuid>/pack/", views.member_pack, name="pack"),
    path("meetings/<uuid:meeting_uuid>/pack.pdf", views.member_pack_pdf, name="pack_pdf"),
    path(
        "meetings/<uuid:meeting_uuid>/items/<uuid:item_uuid>/decide/",
        views.member_decide,
        name="decide",
    ),
]
