from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    # The CAP team's.
    path("casework/events/", views.casework_list, name="casework_list"),
    path("casework/events/new/", views.event_new, name="event_new"),
    path("casework/events/<uuid:event_uuid>/", views.casework_event, name="casework_event"),
    path("casework/events/<uuid:event_uuid>/change/", views.event_edit, name="event_edit"),
    path("casework/events/<uuid:event_uuid>/close/", views.event_close, name="event_close"),
    path("casework/events/<uuid:event_uuid>/cancel/", views.event_cancel, name="event_cancel"),
    path("casework/events/<uuid:event_uuid>/attendance/", views.attendance, name="attendance"),
    # The schools'.
    path("schools/events/", views.school_list, name="school_list"),
    path("schools/events/bookings/", views.school_bookings, name="school_bookings"),
    path(
        "schools/events/bookings/<uuid:booking_uuid>/cancel/",
        views.booking_cancel,
        name="booking_cancel",
    ),
    path("schools/events/<uuid:event_uuid>/", views.school_event, name="school_event"),
    path("schools/events/<uuid:event_uuid>/book/", views.book, name="book"),
]
