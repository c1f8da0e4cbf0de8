"""Demo: a Refocus placement set up through the application's own step, for the current
year's next cohort (or its last), so its dates and phases show lengths in school weeks
(half term is not one of its ten weeks). Demo only."""

from django.db.models import Q
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.workflow import Status
from demo.people import demo_user
from programmes.models import Cohort
from programmes.selectors import year_current
from students.models import Student


def load_demo_school_weeks(*, school_urn: str) -> int:
    """One placement, or none when the year has no Refocus cohort."""
    cohorts = Cohort.objects.filter(
        programme__year=year_current(), programme__key="refocus"
    ).select_related("programme")
    # The next to start, or else the year's last.
    cohort = (
        cohorts.filter(starts_on__gt=timezone.localdate()).order_by("starts_on").first()
        or cohorts.order_by("starts_on").last()
    )
    # A student with no application yet: at the school given if it has one left, else
    # at any school (the other demo journeys take the first schools' students).
    free = Student.objects.filter(
        ~Q(applications__status__in=[s for s in Status.values if s != Status.DRAFT])
    ).order_by("upn")
    student = free.filter(home_school__urn=school_urn).first() or free.first()
    if cohort is None or student is None or Application.objects.filter(cohort=cohort).exists():
        return 0
    officer = demo_user("officer")
    application = Application.objects.create(
        student=student,
        school=student.home_school,
        programme=cohort.programme,
        cohort=cohort,
        created_by=officer,
        status=Status.START_CONFIRMED,
        submitted_at=timezone.now(),
        start_on=cohort.starts_on,
    )
    services.application_set_up_placement(
        application=application, version=application.version, by=officer
    )
    return 1
