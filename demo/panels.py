"""Demo panels: members on each panel, and applications on every panel route at different
steps, so the CAP team, the chair and the schools all have panel work to see. Driven through
the services, so timelines, decisions and notices are real. Demo only."""

from django.utils import timezone

from accounts.models import Organisation, Role, User
from applications import services as application_services
from applications.models import Application
from demo.applications import demo_submit
from demo.people import demo_user
from lib.dates import year_group
from panels import services
from panels.models import PanelMember
from programmes.models import Meeting, Programme, SeatPosition
from programmes.selectors import year_current
from students.models import Student


def load_demo_panels(*, schools: list[Organisation]) -> None:
    """Panel work from the first school's students, then the next school's when the first
    has no student left who may go on a programme."""
    today = timezone.localdate()
    year = year_current()
    # Panel work needs the year's meetings around today: a demo of a past year has none.
    if year is None or not year.contains(today):
        return
    if PanelMember.objects.filter(panel__year=year).exists():
        return
    chair, vice, officer = demo_user("panel.chair"), demo_user("panel.vice"), demo_user("officer")
    member, headteacher = demo_user("panel.member"), demo_user("panel.head")
    for panel in year.panels.all():
        PanelMember.objects.create(panel=panel, user=chair, position=SeatPosition.CHAIR)
        PanelMember.objects.create(panel=panel, user=vice, position=SeatPosition.VICE_CHAIR)
        PanelMember.objects.create(
            panel=panel, user=member, represents=member.memberships.first().organisation
        )
        # A secondary headteacher, conflicted on his own school's items.
        PanelMember.objects.create(panel=panel, user=headteacher, represents=schools[0])

    programmes = {p.key: p for p in Programme.objects.filter(year=year)}
    referrers = {
        school: User.objects.filter(
            memberships__organisation=school, memberships__role=Role.REFERRER
        ).first()
        for school in schools
    }

    def submitted(programme: Programme) -> Application | None:
        """The first student free of applications who may go on the programme, submitted."""
        course = programme.courses.first() if programme.offers_courses else None
        taken = Application.objects.values("student")
        for school, referrer in referrers.items():
            for student in Student.objects.filter(home_school=school).exclude(pk__in=taken):
                if year_group(student.date_of_birth, year.starts_on.year) not in (
                    programme.year_groups
                ):
                    continue
                try:
                    return demo_submit(
                        student=student, programme=programme, course=course, by=referrer
                    )
                except application_services.SubmitRefused:
                    continue
        return None

    def referred(application: Application) -> Application:
        return application_services.application_refer_to_panel(
            application=application, version=application.version, by=officer
        )

    # Focus 11, for Year 11 only, first while a Year 11 student is free: it waits for CAP's
    # check.
    if "focus-11" in programmes:
        submitted(programmes["focus-11"])

    # Supported Transfer heard at the last Review and Authorisation Panel: approved, now on
    # the Headteachers' panel's agenda, and its outcome notice not yet sent (overdue).
    transfer = programmes.get("supported-transfer")
    rap = transfer and transfer.panel_steps.get(step="review").panel
    heard = (
        rap
        and Meeting.objects.filter(panel=rap, date__lt=today, programmes=transfer)
        .order_by("-date")
        .first()
    )
    application = transfer and submitted(transfer)
    if heard and application:
        # Submitted in time for that meeting.
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.make_aware(
                timezone.datetime.combine(heard.referral_deadline, timezone.datetime.min.time())
            )
        )
        application.refresh_from_db()
        referred(application)
        services.attendance_record(meeting=heard, members=list(rap.members.all()), by=officer)
        item = application.agenda_items.get(meeting=heard)
        services.decision_record(
            item=item,
            outcome="approved",
            rationale="A fresh start at another school is right for the student; the school "
            "has tried Tier 1 and Tier 2 support.",
            by=chair,
        )
        services.notices_mark_overdue(today=today)

    # Flourish and Refocus waiting for the next Review and Authorisation Panel, whose pack
    # is published; Focus 11 waiting for CAP's check.
    for key in ("flourish", "refocus"):
        if key in programmes and (application := submitted(programmes[key])):
            referred(application)

    if rap:
        coming = (
            Meeting.objects.filter(panel=rap, date__gte=today, items__isnull=False)
            .order_by("date")
            .first()
        )
        if coming:
            services.pack_publish(meeting=coming, by=officer)
