from django.urls import path

from accounts import views, views_second_factor

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/demo/<uuid:user_uuid>/", views.demo_sign_in, name="demo_sign_in"),
    path("sign-in/code/", views_second_factor.second_factor, name="second_factor"),
    path("sign-in/set-up/", views_second_factor.second_factor_enrol, name="second_factor_enrol"),
    path("sign-in/recovery-codes/", views_second_factor.recovery_codes, name="recovery_codes"),
    path(
        "people/<uuid:user_uuid>/second-factor/reset/",
        views_second_factor.second_factor_reset,
        name="second_factor_reset",
    ),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
]
