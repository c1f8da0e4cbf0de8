from django.urls import path

from students import views

app_name = "students"

urlpatterns = [
    path("students/", views.student_list, name="list"),
    path("students/new/", views.student_create, name="create"),
    path("students/<uuid:student_uuid>/", views.student_detail, name="detail"),
    path("students/<uuid:student_uuid>/change/", views.student_change, name="change"),
    path("students/<uuid:student_uuid>/carers/add/", views.carer_add, name="carer_add"),
    path(
        "students/<uuid:student_uuid>/carers/<uuid:carer_uuid>/change/",
        views.carer_change,
        name="carer_change",
    ),
    path(
        "students/<uuid:student_uuid>/carers/<uuid:carer_uuid>/remove/",
        views.carer_remove,
        name="carer_remove",
    ),
]
