"""The termly school review meetings: the CAP team's pages under /casework/, the school's
under /schools/, and marking an action done for both."""

from django.urls import path

from school_reviews import views

app_name = "school_reviews"

urlpatterns = [
    # The CAP team
    path("casework/school-reviews/", views.casework_list, name="casework_list"),
    path(
        "casework/school-reviews/schools/<uuid:school_uuid>/terms/<int:term_id>/prepare/",
        views.prepare,
        name="prepare",
    ),
    path(
        "casework/school-reviews/<uuid:meeting_uuid>/",
        views.casework_detail,
        name="casework_detail",
    ),
    path("casework/school-reviews/<uuid:meeting_uuid>/edit/", views.edit, name="edit"),
    path("casework/school-reviews/<uuid:meeting_uuid>/refresh/", views.refresh, name="refresh"),
    path("casework/school-reviews/<uuid:meeting_uuid>/share/", views.share, name="share"),
    path("casework/school-reviews/<uuid:meeting_uuid>/minutes/", views.minutes, name="minutes"),
    path(
        "casework/school-reviews/<uuid:meeting_uuid>/students/<uuid:item_uuid>/minutes/",
        views.item_notes,
        name="item_notes",
    ),
    path(
        "casework/school-reviews/<uuid:meeting_uuid>/actions/new/",
        views.action_new,
        name="action_new",
    ),
    # Both
    path(
        "school-reviews/actions/<uuid:action_uuid>/mark/",
        views.action_mark,
        name="action_mark",
    ),
    # The school
    path("schools/school-reviews/", views.schools_list, name="schools_list"),
    path(
        "schools/school-reviews/<uuid:meeting_uuid>/",
        views.schools_detail,
        name="schools_detail",
    ),
]
