"""Demo of Tier 2 priority: the Review and Authorisation Panel can hear two items a meeting
(the demo's choice: the model file gives no limit), and a Flourish application from Lyng
Hall School, which has no service level agreement, joins the agenda that already holds
Caludon Castle's Flourish and a Refocus application (demo.panels). Lyng Hall's was referred
before Caludon Castle's, yet Caludon Castle's comes first by the agreement and Lyng Hall's
carries to the next meeting. Demo only."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.services import membership_create
from applications import services as application_services
from applications.models import Application
from demo.applications import demo_submit
from demo.people import demo_email, demo_user, load_demo_authenticator
from lib.dates import year_group
from panels import services
from panels.models import ItemState
from programmes.models import Panel, Subscription
from programmes.selectors import year_current
from students.models import Student

ITEMS_PER_MEETING = 2
UNSUBSCRIBED_SCHOOL = "142960"  # Lyng Hall School (demo.people.UNSUBSCRIBED)
REFERRER = ("coordinator.lyng", "Nadia Demo-Patel", "CAP coordinator")


def _referrer(school: Organisation) -> User:
    email_name, full_name, job_title = REFERRER
    user = User.objects.filter(email=demo_email(email_name)).first()
    if user is None:
        user = User.objects.create_user(
            demo_email(email_name),
            settings.CAP_DEMO_PASSWORD,
            full_name=full_name,
            job_title=job_title,
        )
        membership_create(user=user, organisation=school, role=Role.REFERRER, by=None)
        load_demo_authenticator(user)
    return user


def load_demo_priority() -> None:
    year = year_current()
    today = timezone.localdate()
    school = Organisation.objects.filter(urn=UNSUBSCRIBED_SCHOOL).first()
    if year is None or not year.contains(today) or school is None:
        return
    if Subscription.objects.filter(school=school, year=year).exists():
        return
    flourish = year.programmes.filter(key="flourish").first()
    if flourish is None or Application.objects.filter(school=school, programme=flourish).exists():
        return
    panel = flourish.panel_steps.get(step="review").panel
    Panel.objects.filter(pk=panel.pk, items_per_meeting__isnull=True).update(
        items_per_meeting=ITEMS_PER_MEETING
    )
    referrer, officer = _referrer(school), demo_user("officer")
    student = next(
        (
            s
            for s in Student.objects.filter(home_school=school, applications__isnull=True)
            if year_group(s.date_of_birth, year.starts_on.year) in flourish.year_groups
        ),
        None,
    )
    if student is None:
        return
    try:
        application = demo_submit(
            student=student, programme=flourish, course=flourish.courses.first(), by=referrer
        )
    except application_services.SubmitRefused:
        return
    application = application_services.application_refer_to_panel(
        application=application, version=application.version, by=officer
    )
    meeting = application.agenda_items.get(state=ItemState.WAITING).meeting
    # The referral dates that make the point: the Refocus item first referred, then Lyng
    # Hall's, then the subscribing school's Flourish, which still comes first.
    items = list(meeting.items.filter(state=ItemState.WAITING).select_related("application"))
    days_before = {"refocus": 12, "flourish": 5}
    for item in items:
        if item.application_id == application.pk:
            days = 8
        else:
            days = days_before.get(item.application.programme.key, 3)
        moment = timezone.make_aware(
            dt.datetime.combine(meeting.referral_deadline - dt.timedelta(days=days), dt.time(10))
        )
        Application.objects.filter(pk=item.application_id).update(submitted_at=moment)
    record = getattr(meeting, "record", None)
    if record is not None and record.pack_published_at:
        services.pack_publish(meeting=meeting, by=officer)
