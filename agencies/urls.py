from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("agencies/students/<uuid:student_uuid>/", views.student, name="student"),
    path(
        "agencies/students/<uuid:student_uuid>/reviews/<uuid:review_uuid>/note/",
        views.review_note_add,
        name="review_note_add",
    ),
    path(
        "agencies/students/<uuid:student_uuid>/reviews/<uuid:review_uuid>/action/",
        views.review_action_add,
        name="review_action_add",
    ),
    path("agency-links/students/<uuid:student_uuid>/", views.links, name="links"),
    path("agency-links/students/<uuid:student_uuid>/add/", views.link_add, name="link_add"),
    path("agency-links/<uuid:link_uuid>/remove/", views.link_end, name="link_end"),
]
