from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/demo/<uuid:user_uuid>/", views.demo_sign_in, name="demo_sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("schools/", views.schools_home, name="schools"),
    path("casework/", views.casework_home, name="casework"),
    path("providers/", views.providers_home, name="providers"),
    path("panels/", views.panels_home, name="panels"),
    path("agencies/", views.agencies_home, name="agencies"),
]
