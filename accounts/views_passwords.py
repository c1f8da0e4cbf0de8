"""Setting one's own password: from an invitation's one-time link, or from a reset link
asked for on the sign-in page ("Forgotten your password?").

The reset pages are Django's (PasswordResetView and its family) with CAP's templates. They
say the same whether or not an account exists; the link lasts PASSWORD_RESET_TIMEOUT and
stops working once used (Django's token is made from the password itself). Setting a new
password ends the person's sessions everywhere else: Django checks each session against
the password it was signed in with."""

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import CapPasswordResetForm, OwnPasswordForm
from accounts.services import InvitationState


@sensitive_variables("token")
@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    state, invitation = services.invitation_for_token(token)
    if state != InvitationState.VALID:
        return render(
            request,
            "accounts/invitation_not_valid.html",
            {
                "state": state,
                "invitation": invitation,
                "invitation_hours": settings.CAP_INVITATION_HOURS,
            },
            status=404 if state == InvitationState.UNKNOWN else 410,
        )
    form = OwnPasswordForm(invitation.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except services.InvitationNotValid:
            # Used in another tab a moment ago: say so as if the link had been opened now.
            return redirect("accounts:invitation_accept", token=token)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        services.sign_in_record(user=user)
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )


class PasswordReset(auth_views.PasswordResetView):
    form_class = CapPasswordResetForm
    template_name = "accounts/password_reset/form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")


def _reset_minutes() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset/sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"reset_minutes": _reset_minutes()}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = OwnPasswordForm
    template_name = "accounts/password_reset/confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"reset_minutes": _reset_minutes()}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_done_record(user=form.user)
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset/complete.html"
