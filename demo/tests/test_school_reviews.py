import io

from django.core.management import call_command

from accounts.models import User
from applications.tests.factories import REFERENCE
from demo.people import DEMO_USERS, SCHOOL_B, demo_email
from school_reviews.models import ReviewMeeting
from school_reviews.rules import can_mark_school_review_action, can_view_school_review


def test_the_demo_meeting_is_shared_with_its_school_only(db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(REFERENCE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # safe to run again
    meeting = ReviewMeeting.objects.get()
    assert meeting.school.urn == SCHOOL_B
    assert meeting.is_shared and meeting.minutes
    assert meeting.items.count() == meeting.agenda_total > 0
    seen_by = {
        name
        for name, *_ in DEMO_USERS
        if can_view_school_review(User.objects.get(email=demo_email(name)), meeting)
    }
    assert seen_by == {"coordinator.b", "officer", "monitoring", "manager"}
    coordinator = User.objects.get(email=demo_email("coordinator.b"))
    assert [a.owner_id == coordinator.pk for a in meeting.actions.all()] == [True, False]
    assert [can_mark_school_review_action(coordinator, a) for a in meeting.actions.all()] == [
        True,
        False,
    ]
