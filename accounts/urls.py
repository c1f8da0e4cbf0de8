from django.urls import path

from accounts import views, views_leavers, views_passwords, views_people, views_second_factor

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
    path("session/extend/", views.session_extend, name="session_extend"),
    path("people/<uuid:user_uuid>/leaver/", views_leavers.leaver, name="leaver"),
    # Setting one's own password.
    path("password-reset/", views_passwords.PasswordReset.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views_passwords.PasswordResetSent.as_view(),
        name="password_reset_sent",
    ),
    path(
        "password-reset/done/",
        views_passwords.PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views_passwords.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("invitations/<str:token>/", views_passwords.invitation_accept, name="invitation_accept"),
    # The people pages: giving roles and inviting people.
    path("people/", views_people.people, name="people"),
    path("people/invite/", views_people.person_invite, name="person_invite"),
    path("people/<uuid:person_uuid>/", views_people.person, name="person"),
    path(
        "people/<uuid:person_uuid>/roles/add/",
        views_people.person_role_add,
        name="person_role_add",
    ),
    path(
        "people/<uuid:person_uuid>/roles/<uuid:membership_uuid>/remove/",
        views_people.person_role_remove,
        name="person_role_remove",
    ),
    path(
        "people/<uuid:person_uuid>/invitation/resend/",
        views_people.person_invitation_resend,
        name="person_invitation_resend",
    ),
]
