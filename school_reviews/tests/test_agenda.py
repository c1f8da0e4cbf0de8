"""The agenda: drawn from the school's students in AP during the term, a snapshot when the
meeting is prepared, taken again on request up to the day of the meeting, capped with a
count, in a fixed number of queries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import Event
from lib.errors import Refused
from placements.models import Review, SupportPlan, Target, TermlyReport
from school_reviews import selectors, services
from school_reviews.models import ReviewMeeting
from school_reviews.rules import can_record_school_review
from school_reviews.tests.factories import (
    MEETING_DAY,
    TODAY,
    end,
    placement_with_marks,
    prepare,
    spring,
)

PRESENT_8 = ["/", "\\", "/", "\\", "/", "\\", "N", "N", "/", "\\"]


@pytest.fixture
def students(cast, programme):
    """School A: one open with a week of marks, one ended this term, one ended last term,
    one starting next term; school B: one open."""
    return {
        "open": placement_with_marks(cast, programme, school=cast.school_a, codes=PRESENT_8),
        "ended": end(
            placement_with_marks(cast, programme, school=cast.school_a),
            on=dt.date(2026, 1, 16),
            outcome="managed_move",
        ),
        "earlier": end(
            placement_with_marks(
                cast, programme, school=cast.school_a, starts_on=dt.date(2025, 11, 3)
            ),
            on=dt.date(2025, 12, 12),
        ),
        "later": placement_with_marks(
            cast, programme, school=cast.school_a, starts_on=dt.date(2026, 4, 20)
        ),
        "other_school": placement_with_marks(
            cast, programme, school=cast.school_b, codes=PRESENT_8
        ),
    }


def placements_on(meeting):
    return {item.placement_id for item in meeting.items.all()}


def test_the_agenda_holds_the_schools_students_in_ap_this_term(cast, students):
    meeting = prepare(cast, cast.school_a)

    assert placements_on(meeting) == {students["open"].pk, students["ended"].pk}
    assert meeting.agenda_total == 2
    event = Event.objects.get(action="school_review.prepared")
    assert event.object_id == str(meeting.uuid)
    assert event.actor == cast.officer


def test_each_item_keeps_attendance_progress_reviews_and_exit(cast, students):
    placement = students["open"]
    Review.objects.create(
        placement=placement,
        held_on=dt.date(2026, 1, 15),
        attendees="x",
        notes="y",
        recorded_by=cast.officer,
    )
    SupportPlan.objects.create(
        placement=placement,
        kind="isp",
        starts_on=MEETING_DAY - dt.timedelta(days=20),
        review_on=dt.date(2026, 2, 10),
        summary="s",
        recorded_by=cast.officer,
    )
    Target.objects.create(
        placement=placement,
        text="t",
        set_on=dt.date(2026, 1, 12),
        review_by=dt.date(2026, 3, 2),
        recorded_by=cast.officer,
    )
    # A target reviewed by a date in the summer is not due this term.
    Target.objects.create(
        placement=placement,
        text="later",
        set_on=dt.date(2026, 1, 12),
        review_by=dt.date(2026, 5, 2),
        recorded_by=cast.officer,
    )
    TermlyReport.objects.create(
        placement=placement,
        term=spring(),
        stored_name="r",
        sha256="0" * 64,
        size=1,
        issued_at=timezone.now(),
    )

    meeting = prepare(cast, cast.school_a)

    item = meeting.items.get(placement=placement)
    assert (item.attended, item.possible, item.unauthorised) == (8, 10, 2)
    assert item.rate == 80.0
    assert item.review_held_on == dt.date(2026, 1, 15)
    assert item.reviews_due == 2
    assert item.next_review_on == dt.date(2026, 2, 10)
    assert item.report_term == "Spring 2025-26"
    ended = meeting.items.get(placement=students["ended"])
    assert ended.ended_on == dt.date(2026, 1, 16)
    assert ended.get_exit_outcome_display() == "Managed move"
    assert ended.possible == 0 and ended.rate is None


def test_the_agenda_stays_as_taken_until_taken_again(cast, programme, students):
    meeting = prepare(cast, cast.school_a)
    item = meeting.items.get(placement=students["open"])
    services.item_notes_record(
        item=item, notes="Doing well", version=meeting.version, by=cast.officer
    )
    meeting.refresh_from_db()
    newcomer = placement_with_marks(cast, programme, school=cast.school_a)

    assert newcomer.pk not in placements_on(meeting)

    meeting = services.agenda_refresh(meeting=meeting, version=meeting.version, by=cast.officer)

    assert placements_on(meeting) == {students["open"].pk, students["ended"].pk, newcomer.pk}
    assert meeting.agenda_total == 3
    assert meeting.items.get(placement=students["open"]).notes == "Doing well"
    assert Event.objects.filter(action="school_review.agenda_refreshed").count() == 1


def test_the_agenda_is_not_taken_again_after_the_meeting(cast, students, monkeypatch):
    meeting = prepare(cast, cast.school_a, held_on=TODAY)
    later = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    with pytest.raises(Refused, match="has been held"):
        services.agenda_refresh(meeting=meeting, version=meeting.version, by=cast.officer)
    assert meeting.items.count() == 2


def test_the_agenda_is_capped_and_counts_every_student(cast, programme, students, monkeypatch):
    monkeypatch.setattr(selectors, "AGENDA_LIMIT", 1)

    meeting = prepare(cast, cast.school_a)

    assert meeting.items.count() == 1
    assert meeting.agenda_total == 2


def test_a_school_has_one_meeting_a_term(cast, students):
    prepare(cast, cast.school_a)

    with pytest.raises(Refused, match="already has a review meeting"):
        prepare(cast, cast.school_a)
    assert ReviewMeeting.objects.count() == 1


def test_the_meeting_is_in_its_term(cast, students):
    with pytest.raises(Refused, match="must be in the term") as refused:
        prepare(cast, cast.school_a, held_on=dt.date(2026, 4, 1))
    assert refused.value.field == "held_on"


def test_only_the_cap_team_prepares(cast, students):
    for person in (cast.alice, cast.headteacher, cast.provider_staff, cast.safeguarding):
        with pytest.raises(PermissionDenied):
            services.meeting_prepare(
                school=cast.school_a,
                term=spring(),
                held_on=MEETING_DAY,
                starts_at=dt.time(10),
                place="p",
                attendees="a",
                by=person,
            )
    assert not ReviewMeeting.objects.exists()


def _queries_to_prepare(cast, programme, school, how_many: int) -> int:
    for _ in range(how_many):
        placement_with_marks(cast, programme, school=school, codes=PRESENT_8)
    with CaptureQueriesContext(connection) as context:
        prepare(cast, school)
    return len(context)


def test_preparing_takes_the_same_queries_for_few_or_many_students(cast, programme):
    can_record_school_review(cast.officer)  # the officer's roles, read once and kept
    assert _queries_to_prepare(cast, programme, cast.school_a, 2) == _queries_to_prepare(
        cast, programme, cast.school_b, 6
    )
