from django.urls import path

from accounts import views, views_leavers

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/demo/<uuid:user_uuid>/", views.demo_sign_in, name="demo_sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("people/<uuid:user_uuid>/leaver/", views_leavers.leaver, name="leaver"),
]
