from django.urls import path

from panels import views

app_name = "school_panels"

urlpatterns = [
    path("panel-dates/", views.panel_dates, name="dates"),
    path("panel-dates/calendar.ics", views.school_calendar, name="calendar"),
    path("notices/<uuid:notice_uuid>/letter.pdf", views.school_letter, name="letter"),
]
