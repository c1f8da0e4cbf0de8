from django.urls import path

from entitlements import views

app_name = "entitlements"

urlpatterns = [
    path("casework/entitlements/", views.casework, name="casework"),
    path("casework/entitlements/<uuid:year_uuid>/allocate/", views.allocate, name="allocate"),
    path(
        "casework/entitlements/allocations/<uuid:allocation_uuid>/",
        views.allocation,
        name="allocation",
    ),
    path(
        "casework/entitlements/allocations/<uuid:allocation_uuid>/log/",
        views.delivery_log,
        name="delivery_log",
    ),
    path(
        "casework/entitlements/allocations/<uuid:allocation_uuid>/cancel/",
        views.delivery_cancel,
        name="delivery_cancel",
    ),
    path(
        "casework/entitlements/allocations/<uuid:allocation_uuid>/end/",
        views.allocation_end,
        name="allocation_end",
    ),
    path("schools/entitlements/<uuid:school_uuid>/", views.school, name="school"),
    path(
        "schools/entitlements/allocations/<uuid:allocation_uuid>/",
        views.school_allocation,
        name="school_allocation",
    ),
]
