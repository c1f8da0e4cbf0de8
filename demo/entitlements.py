"""Demo entitlements: at Finham Park this year, the SEMHL practitioner each Wednesday for the
last six weeks (one week cancelled, one missed), a Youth Justice mentor for one student,
and the headteacher's collaborative leadership one-to-ones with one meeting, so that the CAP
team's page, an allocation's page and the school's page all have something to show. Demo
only; safe to run again."""

import datetime as dt

from django.utils import timezone

from demo.people import SCHOOL_A, demo_user
from entitlements import services
from entitlements.models import Allocation
from programmes.calendar import Calendar
from programmes.models import Benefit, Subscription
from programmes.selectors import year_current
from students.models import Student

WEDNESDAY = 2


def load_demo_entitlements() -> int:
    """Returns how many allocations were made (none on a second run)."""
    year = year_current()
    if year is None:
        return 0
    subscription = (
        Subscription.objects.filter(year=year, school__urn=SCHOOL_A)
        .select_related("school")
        .first()
    )
    benefits = {b.key: b for b in Benefit.objects.filter(year=year)}
    wanted = ("semhl-practitioner", "yjs-mentor", "collaborative-leadership")
    if (
        subscription is None
        or any(key not in benefits for key in wanted)
        or Allocation.objects.filter(subscription=subscription).exists()
    ):
        return 0
    school = subscription.school
    officer, manager = demo_user("officer"), demo_user("manager")
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=6)
    starts_on = min(max(monday, year.starts_on), year.ends_on)

    semhl = services.allocation_make(
        benefit=benefits["semhl-practitioner"],
        school=school,
        given_by="Amira Khan, SEMHL practitioner",
        weekday=WEDNESDAY,
        starts_on=starts_on,
        by=officer,
    )
    student = Student.objects.filter(home_school=school).order_by("upn").first()
    made = 1
    if student is not None:
        services.allocation_make(
            benefit=benefits["yjs-mentor"],
            school=school,
            given_by="Dean Walters, Youth Justice Service mentor",
            student=student,
            starts_on=starts_on,
            note="Weekly check-ins agreed with the family.",
            by=officer,
        )
        made += 1
    one_to_ones = services.allocation_make(
        benefit=benefits["collaborative-leadership"],
        school=school,
        given_by="Margaret Lowe, educational leader",
        starts_on=starts_on,
        by=manager,
    )
    made += 1

    # Wednesdays: delivered, delivered, cancelled, delivered, missed (nothing logged),
    # delivered; only the days that have passed and were school days.
    calendar = Calendar(year.terms.all())
    for week, what in enumerate(
        [
            "Worked with a Year 9 group on managing conflict",
            "One-to-one sessions with two Year 10 students",
            None,
            "Advised the pastoral team on a student's support plan",
            "",
            "Friendship group with Year 8 students",
        ]
    ):
        day = starts_on + dt.timedelta(weeks=week, days=WEDNESDAY - starts_on.weekday())
        if not (starts_on <= day < today and calendar.is_school_day(day)):
            continue
        if what is None:
            services.delivery_cancel(
                allocation=semhl, on=day, reason="The practitioner was ill.", by=officer
            )
        elif what:
            services.delivery_log(
                allocation=semhl,
                on=day,
                delivered_by=semhl.given_by,
                what=what,
                by=officer,
            )
    met_on = starts_on + dt.timedelta(days=8)
    if met_on < today and year.contains(met_on):
        services.delivery_log(
            allocation=one_to_ones,
            on=met_on,
            delivered_by=one_to_ones.given_by,
            what="Talked through the school's approach to suspensions.",
            by=manager,
        )
    return made
