"""Placements in each area: /casework/ (CAP team), /schools/ (the home school, and a
receiving school's registers), /providers/ (the setting)."""

from django.urls import path

from placements.views import placements as views
from placements.views import registers, visits

app_name = "placements"

urlpatterns = [
    # CAP team
    path("casework/placements/", views.casework_list, name="casework_list"),
    path(
        "casework/placements/whereabouts/",
        registers.casework_whereabouts,
        name="casework_whereabouts",
    ),
    path("casework/placements/alerts/", registers.casework_alerts, name="casework_alerts"),
    path("casework/placements/attendance/", views.attendance, name="attendance"),
    path("casework/placements/reports/", views.report_runs, name="report_runs"),
    path("casework/placements/reports/<uuid:run_uuid>/", views.report_run, name="report_run"),
    path(
        "casework/placements/reports/<uuid:run_uuid>/stop/",
        views.report_run_stop,
        name="report_run_stop",
    ),
    path(
        "casework/placements/reports/<uuid:run_uuid>/resume/",
        views.report_run_resume,
        name="report_run_resume",
    ),
    path(
        "casework/placements/<uuid:placement_uuid>/",
        views.casework_detail,
        name="casework_detail",
    ),
    path("casework/placements/<uuid:placement_uuid>/edit/", views.edit, name="edit"),
    path("casework/placements/<uuid:placement_uuid>/dates/", views.dates, name="dates"),
    path("casework/placements/<uuid:placement_uuid>/exit/", views.exit_, name="exit"),
    path(
        "casework/placements/<uuid:placement_uuid>/add/<slug:kind>/",
        views.casework_add,
        name="casework_add",
    ),
    # The home school
    path("schools/placements/", views.schools_list, name="schools_list"),
    path("schools/placements/codes/", registers.codes, name="codes"),
    path("schools/placements/codes.csv", registers.codes_csv, name="codes_csv"),
    path(
        "schools/placements/whereabouts/",
        registers.schools_whereabouts,
        name="schools_whereabouts",
    ),
    path("schools/placements/alerts/", registers.schools_alerts, name="schools_alerts"),
    path(
        "schools/placements/<uuid:placement_uuid>/",
        views.schools_detail,
        name="schools_detail",
    ),
    path(
        "schools/placements/<uuid:placement_uuid>/managed-move/",
        views.managed_move_confirm,
        name="managed_move_confirm",
    ),
    path("schools/registers/", registers.schools_registers, name="schools_registers"),
    path(
        "schools/registers/<uuid:setting_uuid>/<str:week>/",
        registers.schools_register,
        name="schools_register",
    ),
    # The setting
    path("providers/placements/", views.providers_list, name="providers_list"),
    path(
        "providers/placements/<uuid:placement_uuid>/",
        views.providers_detail,
        name="providers_detail",
    ),
    path(
        "providers/placements/<uuid:placement_uuid>/add/<slug:kind>/",
        views.providers_add,
        name="providers_add",
    ),
    path("providers/registers/", registers.providers_registers, name="providers_registers"),
    path(
        "providers/registers/<uuid:setting_uuid>/<str:week>/",
        registers.providers_register,
        name="providers_register",
    ),
    # A termly report, for anyone who may see its placement
    path(
        "placements/reports/<uuid:report_uuid>.pdf",
        views.report_download,
        name="report_download",
    ),
]

# Monitoring officers' visits (the CAP team)
urlpatterns += [
    path("casework/visits/", visits.caseload, name="visits_caseload"),
    path(
        "casework/placements/<uuid:placement_uuid>/visits/plan/",
        visits.plan,
        name="visits_plan",
    ),
    path("casework/visits/<uuid:visit_uuid>/record/", visits.record, name="visits_record"),
    path(
        "casework/visits/<uuid:visit_uuid>/did-not-happen/",
        visits.record_missed,
        name="visits_record_missed",
    ),
]
