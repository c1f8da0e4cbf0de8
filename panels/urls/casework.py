from django.urls import path

from panels import views

app_name = "casework_meetings"

urlpatterns = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/calendar.ics", views.casework_calendar, name="calendar"),
    path("meetings/<uuid:meeting_uuid>/", views.casework_meeting, name="meeting"),
    path("meetings/<uuid:meeting_uuid>/pack/", views.casework_pack, name="pack"),
    path("meetings/<uuid:meeting_uuid>/pack.pdf", views.casework_pack_pdf, name="pack_pdf"),
    path("meetings/<uuid:meeting_uuid>/publish/", views.publish, name="publish"),
    path("meetings/<uuid:meeting_uuid>/attendance/", views.attendance, name="attendance"),
    path("meetings/<uuid:meeting_uuid>/close/", views.close, name="close"),
    path(
        "meetings/<uuid:meeting_uuid>/items/<uuid:item_uuid>/decide/",
        views.casework_decide,
        name="decide",
    ),
    path("meetings/<uuid:meeting_uuid>/items/<uuid:item_uuid>/move/", views.move, name="move"),
    path("notices/<uuid:notice_uuid>/", views.notice, name="notice"),
    path("notices/<uuid:notice_uuid>/send/", views.send_notice, name="send_notice"),
    path("notices/<uuid:notice_uuid>/letter.pdf", views.casework_letter, name="letter"),
    path("waiting-lists/", views.waiting_lists, name="waiting_lists"),
]
