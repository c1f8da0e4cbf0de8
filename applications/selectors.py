from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import applications_visible_to
from applications.models import Application
from applications.workflow import EVENT_WORDS, Status
from audit.models import Event


def applications_for(user: User) -> QuerySet[Application]:
    """Applications the user may see, newest first, ready for a list."""
    return applications_visible_to(
        user, Application.objects.exclude(status=Status.DISCARDED)
    ).select_related("student", "programme", "course__provider", "school")


def timeline(application: Application) -> list[Event]:
    """The application's events, oldest first, each with the words the timeline shows."""
    events = list(
        Event.objects.filter(
            object_type="applications.application", object_id=str(application.uuid)
        )
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
    for event in events:
        event.words = EVENT_WORDS.get(event.action, event.action)
    return events


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


# What waits for each audience: (status, words), in the order a person works through them.
WAITING = {
    "schools": [
        (Status.RETURNED, "questions from the CAP team to answer"),
        (Status.PACK_SENT, "interviews to arrange with the provider"),
        (Status.START_CONFIRMED, "start dates to note"),
    ],
    "providers": [
        (Status.PACK_SENT, "packs to answer: arrange an interview or decline"),
        (Status.INTERVIEW_ARRANGED, "interviews to record"),
        (Status.INTERVIEW_HELD, "responses to give"),
    ],
    "casework": [
        (Status.SUBMITTED, "applications to review"),
        (Status.ACCEPTED, "packs to send to providers"),
        (Status.PROVIDER_ACCEPTED, "provider offers to confirm"),
        (Status.PROVIDER_DECLINED, "provider declines to follow up"),
        (Status.START_CONFIRMED, "placements to set up"),
        (Status.WITHDRAWN, "withdrawals to process"),
    ],
}


def waiting_counts(queryset: QuerySet[Application], area: str) -> list[tuple[str, str, int]]:
    """(status, words, count) for what waits in an area, from one query."""
    from django.db.models import Count, Q

    wanted = WAITING[area]
    counts = queryset.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status, _ in wanted}
    )
    return [(status, words, counts[status]) for status, words in wanted if counts[status]]


def working_days_back(day, count: int):
    """The working day `count` working days before `day`."""
    import datetime as dt

    from lib.dates import is_working_day

    while count > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def overdue_filter(today):
    """Applications whose status has a clock that ran out before today, as a filter: the
    status began on or before the working day its allowance of working days before today."""
    from django.db.models import Q

    from applications.workflow import CLOCKS

    condition = Q(pk__in=[])
    for status, days in CLOCKS.items():
        cutoff = working_days_back(today, days)
        condition |= Q(status=status, status_changed_at__date__lt=cutoff)
    return condition


def overdue_count(user) -> int:
    from django.utils import timezone

    from accounts.permissions import applications_visible_to

    return (
        applications_visible_to(user, Application.objects.all())
        .filter(overdue_filter(timezone.localdate()))
        .count()
    )
