from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import applications_visible_to
from applications.models import Application
from applications.workflow import Status
from audit.models import Event


def applications_for(user: User) -> QuerySet[Application]:
    """Applications the user may see, newest first, ready for a list."""
    return applications_visible_to(
        user, Application.objects.exclude(status=Status.DISCARDED)
    ).select_related("student", "programme", "course__provider", "school")


def timeline(application: Application) -> list[Event]:
    """The application's events, oldest first, for the timeline."""
    return list(
        Event.objects.filter(
            object_type="applications.application", object_id=str(application.uuid)
        )
        .select_related("actor")
        .order_by("occurred_at", "id")
    )


def cap_officers():
    """Everyone who acts for CAP on applications, for the assignment list."""
    from accounts.models import OrganisationKind, Role, User

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
            memberships__role__in=[Role.CAP_OFFICER, Role.CAP_MANAGER],
        )
        .distinct()
        .order_by("full_name")
    )
