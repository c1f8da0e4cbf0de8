"""A demo Supported Transfer: a student of another school, with no case yet, eight weeks
into twelve at school A (Finham Park), dual registered (main at their school, subsidiary at
Finham Park), so that Finham Park's headteacher or CAP coordinator sees it on their home
page and can confirm a managed move, dated after the transfer's last day (the move follows
the transfer: placements.services.managed_move_confirm). Demo only; written already
"placed", as the demo's other placements are (a route cannot start a placement in the
past)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from applications.models import Application
from applications.workflow import Status
from demo.people import demo_user
from placements import services
from placements.models import Placement
from programmes.models import Programme
from programmes.selectors import year_current
from students.models import Student


def load_demo_supported_transfer(*, receiving_urn: str) -> Placement | None:
    year = year_current()
    programme = Programme.objects.filter(year=year, key="supported-transfer").first()
    receiving = Organisation.objects.get(urn=receiving_urn)
    if programme is None or Placement.objects.filter(programme=programme).exists():
        return None
    student = (
        Student.objects.exclude(home_school=receiving)
        .filter(~Q(applications__status__in=[s for s in Status.values if s != Status.DRAFT]))
        .order_by("upn")
        .first()
    )
    if student is None:
        return None
    today = timezone.localdate()
    monday = today - dt.timedelta(weeks=8, days=today.weekday())
    application = Application.objects.create(
        student=student,
        school=student.home_school,
        programme=programme,
        created_by=demo_user("officer"),
        status=Status.PLACED,
        submitted_at=timezone.now() - dt.timedelta(weeks=14),
        start_on=monday,
    )
    return services.placement_create(
        application=application,
        provider=receiving,
        starts_on=monday,
        planned_end_on=monday + dt.timedelta(weeks=12, days=-3),
        days_per_week=Decimal("5"),
        by=demo_user("officer"),
        monitoring_officer=demo_user("monitoring"),
    )
