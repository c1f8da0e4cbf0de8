"""A demo termly school review meeting: the current term's meeting with the school whose
students the demo placed, prepared by the CAP officer, with minutes, two actions (one for
the school's coordinator, one for the CAP team) and shared with the school. The other
schools' meetings are left to prepare. Demo only; safe to run again."""

import datetime as dt

from django.utils import timezone

from accounts.models import Organisation, Role
from demo.people import demo_user
from school_reviews import selectors, services
from school_reviews.models import ReviewMeeting


def load_demo_school_reviews(*, school_urn: str) -> int:
    today = timezone.localdate()
    term = selectors.term_on(today)
    school = Organisation.objects.filter(urn=school_urn).first()
    if term is None or school is None or ReviewMeeting.objects.filter(term=term).exists():
        return 0
    held_on = min(max(today, term.starts_on) + dt.timedelta(days=7), term.ends_on)
    officer = demo_user("officer")
    coordinator = demo_user("coordinator.b")
    meeting = services.meeting_prepare(
        school=school,
        term=term,
        held_on=held_on,
        starts_at=dt.time(13, 30),
        place=f"{school.name}, meeting room 2",
        attendees=(
            f"{officer.full_name}, CAP officer\n"
            f"{coordinator.full_name}, CAP coordinator\n"
            f"{demo_user('monitoring').full_name}, monitoring officer"
        ),
        by=officer,
    )
    meeting = services.minutes_record(
        meeting=meeting,
        minutes=(
            "We went through each student's attendance and progress this term. Attendance "
            "at the setting is good for most; absences are being followed up with families."
        ),
        version=meeting.version,
        by=officer,
    )
    services.action_add(
        meeting=meeting,
        text="Send the updated attendance plans to the CAP team",
        due_on=held_on + dt.timedelta(days=14),
        owner=coordinator,
        owner_organisation=school,
        by=officer,
    )
    services.action_add(
        meeting=meeting,
        text="Arrange a review with the provider for students below 90% attendance",
        due_on=held_on + dt.timedelta(days=21),
        owner=officer,
        owner_organisation=officer.memberships.get(role=Role.CAP_OFFICER).organisation,
        by=officer,
    )
    services.meeting_share(meeting=meeting, version=meeting.version, by=officer)
    return 1
