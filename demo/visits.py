"""Demo visits: the monitoring officer's visits to the placements they monitor — one at the
setting recorded last week with its next steps, a home visit whose day has passed and is
not yet recorded (so it shows as overdue on the officer's home page), and a visit at the
setting planned for next week. Demo only: the past ones are written as they would stand,
since a service plans only for today or later."""

import datetime as dt

from django.utils import timezone

from demo.people import demo_user
from placements.models import Placement, Visit, VisitKind, VisitStatus
from placements.services_visits import visit_plan


def load_demo_visits() -> int:
    if Visit.objects.exists():
        return 0
    monitoring = demo_user("monitoring")
    placements = list(
        Placement.objects.filter(monitoring_officer=monitoring, ended_on__isnull=True).order_by(
            "pk"
        )[:3]
    )
    if len(placements) < 2:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    last_week = today - dt.timedelta(days=7)
    Visit.objects.create(
        placement=placements[0],
        kind=VisitKind.SETTING,
        status=VisitStatus.HAPPENED,
        planned_on=last_week,
        planned_time=dt.time(10, 0),
        officer=monitoring,
        planned_by=monitoring,
        planned_at=now - dt.timedelta(days=14),
        happened_on=last_week,
        seen="The student, the course leader",
        findings="Settled on the course and on time most days. Finds the written work hard.",
        next_steps="Agree a literacy target with the course leader",
        next_steps_owner="Course leader",
        next_steps_due_on=today + dt.timedelta(days=14),
        recorded_by=monitoring,
        recorded_at=now - dt.timedelta(days=7),
    )
    Visit.objects.create(
        placement=placements[1],
        kind=VisitKind.HOME,
        planned_on=today - dt.timedelta(days=3),
        planned_time=dt.time(16, 30),
        officer=monitoring,
        planned_by=monitoring,
        planned_at=now - dt.timedelta(days=10),
    )
    made = 2
    next_week = today + dt.timedelta(days=7)
    for placement in placements[1:]:
        if next_week <= placement.last_day:
            visit_plan(
                placement=placement,
                kind=VisitKind.SETTING,
                planned_on=next_week,
                planned_time=dt.time(9, 30),
                officer=monitoring,
                by=monitoring,
            )
            made += 1
    return made
