"""Background work for people's accounts, run by `manage.py db_worker`."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from accounts.models import User


@task()
def send_second_factor_reset_email(user_id: int) -> None:
    """Tell a person their second factor was reset, so that one they did not ask for is
    noticed. It says who may have done it only by role."""
    user = User.objects.get(pk=user_id)
    if not user.is_active:
        return
    context = {
        "url": settings.CAP_BASE_URL + reverse("accounts:sign_in"),
        "service_name": settings.CAP_SERVICE_NAME,
        "authority_name": settings.CAP_AUTHORITY_NAME,
    }
    send_mail(
        subject=f"{settings.CAP_SERVICE_NAME}: your second factor was reset",
        message=render_to_string("accounts/email/second_factor_reset.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
