"""Demo placements: students of one school at the demo provider and at the AP academy, with weekly
patterns, three weeks of registers (a correction, a late entry, absences) with their weekly
tallies counted, a session whose mark never came (so the sweep has raised its alert), and
monitoring records. Demo only.

The demo's placements start in the past, which the application route cannot do (a start
date is today or later), so their applications are written here already "placed"."""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from applications.models import Application
from applications.workflow import Status
from demo.people import demo_user
from placements import schedule, selectors, services
from placements.attendance_codes import attendance_codes_ensure
from placements.models import Mark, MarkChange, Placement
from programmes.models import Course, Programme
from programmes.selectors import year_current
from students.models import Student

PRESENT = {"am": "/", "pm": "\\"}
ABSENCES = ["I", "I", "M", "N", "U", "L"]


def _school_days_before(today: dt.date, calendar, count: int) -> list[dt.date]:
    days, day = [], today - dt.timedelta(days=1)
    while len(days) < count and day > today - dt.timedelta(days=120):
        if calendar.is_school_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def load_demo_placements(*, school_urn: str, provider_ukprn: str) -> int:
    if Placement.objects.exists():
        return 0
    attendance_codes_ensure()
    year = year_current()
    officer = demo_user("officer")
    monitoring = demo_user("monitoring")
    provider_user = demo_user("provider")
    academy_user = demo_user("academy")
    provider = Organisation.objects.get(ukprn=provider_ukprn)
    academy = Organisation.objects.filter(kind=OrganisationKind.AP_ACADEMY).first()
    course = Course.objects.filter(programme__year=year, provider=provider).first()
    refocus = Programme.objects.filter(year=year, key="refocus").first()
    today = timezone.localdate()
    calendar = selectors.calendar_for(today - dt.timedelta(days=120), today)
    days = _school_days_before(today, calendar, 15)
    if course is None or refocus is None or len(days) < 10:
        return 0
    start = days[0] - dt.timedelta(days=days[0].weekday())
    free = (
        Student.objects.filter(
            ~Q(applications__status__in=[s for s in Status.values if s != Status.DRAFT])
        )
        .order_by("-upn")
        .distinct()
    )
    # The school's students without an application: the other demo journeys start
    # applications for the first demo school's, so these are at another school.
    students = list(free.filter(home_school__urn=school_urn)[:6])
    author = (
        User.objects.filter(
            memberships__organisation__urn=school_urn,
            memberships__role=Role.REFERRER,
            is_active=True,
        ).first()
        or officer
    )
    rng = random.Random(6)  # noqa: S311 - demo data, not security
    made = []
    for index, student in enumerate(students):
        on_refocus = index >= 4
        programme = refocus if on_refocus else course.programme
        application = Application.objects.create(
            student=student,
            school=student.home_school,
            programme=programme,
            course=None if on_refocus else course,
            created_by=author,
            status=Status.PLACED,
            submitted_at=timezone.now() - dt.timedelta(days=40),
            start_on=start,
        )
        placement = services.placement_create(
            application=application,
            provider=academy if on_refocus else provider,
            course=None if on_refocus else course,
            starts_on=start,
            planned_end_on=start + dt.timedelta(weeks=10 if on_refocus else course.weeks, days=-3),
            days_per_week=Decimal("4") if on_refocus else course.days_per_week,
            by=officer,
            pattern=None if on_refocus else ["mon_am", "mon_pm", "wed_am", "wed_pm"],
            monitoring_officer=monitoring if index != 3 else None,
        )
        if index % 2 == 0:
            Placement.objects.filter(pk=placement.pk).update(
                safeguarding_confirmed_on=start - dt.timedelta(days=14),
                safeguarding_confirmed_by="Course leader and designated safeguarding lead",
            )
        made.append(placement)

    # Registers for every past session, but the last school day's afternoon at the
    # provider for the first student, which never came: the sweep raises its alert.
    missing = next(
        (day, "pm")
        for day in reversed(days)
        if schedule.expected_at(made[0], day, "pm", calendar) == schedule.SETTING
    )
    for placement in made:
        recorder = academy_user if placement.provider == academy else provider_user
        for day in days:
            for session in schedule.SESSIONS:
                if schedule.expected_at(placement, day, session, calendar) != schedule.SETTING:
                    continue
                if placement == made[0] and (day, session) == missing:
                    continue
                code = rng.choice(ABSENCES) if rng.random() < 0.12 else PRESENT[session]
                when = schedule.session_starts(day, session) + dt.timedelta(minutes=10)
                mark = Mark.objects.create(
                    placement=placement,
                    date=day,
                    session=session,
                    code_id=code,
                    recorded_by=recorder,
                    recorded_at=when,
                )
                MarkChange.objects.create(
                    mark=mark, code=code, changed_by=recorder, changed_at=when, late=False
                )
    # A correction: an unexplained absence later explained as a medical appointment.
    first = Mark.objects.filter(placement=made[1]).order_by("date").first()
    if first is not None:
        was = first.code_id
        later = first.recorded_at + dt.timedelta(hours=26)
        Mark.objects.filter(pk=first.pk).update(code_id="M", recorded_at=later)
        MarkChange.objects.create(
            mark=first,
            previous_code=was,
            code="M",
            changed_by=provider_user,
            changed_at=later,
            late=True,
        )
    # The marks above were written directly, not through a register: count their weeks.
    services.tallies_rebuild(first=days[0], last=days[-1])
    # The sweep, as the scheduler ran it each afternoon of the last week.
    for day in days[-5:]:
        services.alerts_raise(now=schedule.session_starts(day, "pm") + dt.timedelta(hours=1))

    # Monitoring records for the first placement.
    placement = made[0]
    for kind, data, by in [
        (
            "target",
            {"text": "Attend every Monday and Wednesday session", "set_on": start},
            monitoring,
        ),
        (
            "target",
            {"text": "Complete the Level 1 health and safety unit", "set_on": start},
            provider_user,
        ),
        (
            "behaviour",
            {
                "happened_on": days[2],
                "kind": "positive",
                "category": "engagement",
                "note": "Helped a new student find their way around the workshop.",
            },
            provider_user,
        ),
        (
            "behaviour",
            {
                "happened_on": days[5],
                "kind": "negative",
                "category": "disruption",
                "note": "Left the workshop without permission for ten minutes.",
            },
            provider_user,
        ),
        (
            "plan",
            {
                "kind": "attendance",
                "starts_on": start,
                "review_on": start + dt.timedelta(weeks=4),
                "summary": "Text reminder the evening before; a named adult meets the student.",
            },
            monitoring,
        ),
        (
            "review",
            {
                "held_on": days[7],
                "attendees": (
                    "Student, parent, course leader, monitoring officer, school CAP coordinator"
                ),
                "notes": "A good start. Attendance is strong on Mondays; Wednesdays less so.",
                "actions": [
                    {
                        "action": "Share the Wednesday timetable with home",
                        "owner": "Course leader",
                        "due_on": (days[7] + dt.timedelta(days=7)).isoformat(),
                    }
                ],
            },
            monitoring,
        ),
        (
            "student-view",
            {"given_on": days[7], "view": "I like the practical work. Wednesdays are long."},
            monitoring,
        ),
    ]:
        services.record_add(placement=placement, kind=kind, data=data, by=by)
    return len(made)
