"""Agendas, decisions, capacity and outcome notices, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from applications import services as application_services
from applications.models import Application
from applications.services import start_date_problem
from applications.workflow import Status
from lib.dates import add_working_days
from panels import selectors, services
from panels.models import ItemState, OutcomeNotice
from panels.tests.conftest import DAY, at_panel, decide, everyone_present, submitted
from placements.models import Placement
from programmes.models import Programme, Subscription
from programmes.selectors import school_calendar

pytestmark = pytest.mark.django_db


# --- Agendas -----------------------------------------------------------------------------


def test_an_application_reaching_the_panel_on_the_deadline_day_goes_to_that_meeting(
    panels, programmes
):
    meeting = panels.rap.meetings.next
    found = selectors.next_meeting(
        panel=panels.rap.panel,
        programme=programmes["flourish"],
        reached_on=meeting.referral_deadline,
    )
    assert found == meeting


def test_a_minute_after_the_deadline_it_goes_to_the_following_meeting(cast, panels, programmes):
    deadline = panels.rap.meetings.next.referral_deadline
    on_time, late = (
        submitted(cast, programmes["flourish"]),
        submitted(cast, programmes["flourish"]),
    )
    for application, moment in [
        (on_time, dt.datetime.combine(deadline, dt.time(23, 59))),
        (late, dt.datetime.combine(deadline + DAY, dt.time(0, 1))),
    ]:
        application.submitted_at = timezone.make_aware(moment)
        application.save(update_fields=["submitted_at"])
        application_services.application_refer_to_panel(
            application=application, version=application.version, by=cast.officer
        )
    assert on_time.agenda_items.get().meeting == panels.rap.meetings.next
    assert late.agenda_items.get().meeting == panels.rap.meetings.later


def test_a_programme_no_meeting_considers_goes_to_the_panels_next_meeting(cast, panels, programmes):
    focus = programmes["focus-11"]
    for meeting in panels.rap.panel.meetings.all():
        meeting.programmes.remove(focus)
    found = selectors.next_meeting(
        panel=panels.rap.panel, programme=focus, reached_on=timezone.localdate()
    )
    assert found == panels.rap.meetings.next


def test_the_officer_moves_an_item_with_a_reason_and_keeps_the_history(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    item = application.agenda_items.get()
    moved = services.item_move(
        item=item, to=panels.rap.meetings.next, reason="Evidence still to come", by=cast.officer
    )
    item.refresh_from_db()
    assert item.state == ItemState.MOVED
    assert moved.meeting == panels.rap.meetings.next
    assert moved.moved_from == item and moved.move_reason == "Evidence still to come"


def test_only_cap_officers_move_items(cast, panels, programmes):
    item = at_panel(cast, programmes["flourish"]).agenda_items.get()
    with pytest.raises(PermissionDenied):
        services.item_move(item=item, to=panels.rap.meetings.next, reason="x", by=cast.chair)


def test_closing_a_meeting_rolls_items_not_heard_to_the_next(cast, panels, programmes):
    heard, not_heard = (at_panel(cast, programmes["flourish"]) for _ in range(2))
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(heard, cast.chair)
    rolled = services.meeting_close(meeting=panels.rap.meetings.today, by=cast.officer)
    assert [r.application for r in rolled] == [not_heard]
    assert rolled[0].meeting == panels.rap.meetings.next
    assert not_heard.agenda_items.get(state=ItemState.ROLLED).meeting == panels.rap.meetings.today


# --- Decisions ----------------------------------------------------------------------------


def test_deciding_twice_is_refused(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    item = application.agenda_items.get()
    decide(application, cast.chair)
    with pytest.raises(services.Refused, match="decided already"):
        services.decision_record(item=item, outcome="declined", rationale="No", by=cast.officer)


def test_a_conflicted_member_cannot_decide(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    panels.school_member.panel_seats.filter(panel=panels.rap.panel).update(position="chair")
    with pytest.raises(services.Refused, match="conflicted"):
        decide(application, panels.school_member)
    assert application.status == Status.AT_PANEL


def test_a_conflicted_member_does_not_count_towards_the_quorum(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    meeting = panels.rap.meetings.today
    services.attendance_record(
        meeting=meeting,
        members=list(meeting.panel.members.exclude(user=panels.agency_member)),
        by=cast.officer,
    )
    with pytest.raises(services.Refused, match="not quorate for this item: 2 of the members"):
        decide(application, cast.chair)


def test_deciding_after_the_meeting_has_closed_is_refused(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    meeting = panels.rap.meetings.today
    everyone_present(meeting, cast.officer)
    item = application.agenda_items.get()
    services.item_move(item=item, to=panels.rap.meetings.next, reason="later", by=cast.officer)
    services.meeting_close(meeting=meeting, by=cast.officer)
    item.state = ItemState.WAITING  # as if it had stayed on the agenda
    with pytest.raises(services.Refused):
        services.decision_record(item=item, outcome="approved", rationale="x", by=cast.chair)


def test_a_meeting_still_to_come_takes_no_decisions(cast, panels, programmes):
    application = submitted(
        cast, programmes["flourish"], submitted_on=panels.rap.meetings.next.referral_deadline
    )
    application = application_services.application_refer_to_panel(
        application=application, version=application.version, by=cast.officer
    )
    with pytest.raises(services.Refused, match="on or after the day"):
        decide(application, cast.chair)


def test_a_deferral_puts_the_item_on_the_later_meeting(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(
        application,
        cast.chair,
        outcome="deferred",
        deferred_to=panels.rap.meetings.later,
        information_needed="The Early Help assessment",
    )
    assert application.status == Status.AT_PANEL
    assert application.agenda_items.get(state="waiting").meeting == panels.rap.meetings.later


def test_more_information_goes_to_the_school_and_its_answer_back_on_the_agenda(
    cast, panels, programmes
):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(
        application, cast.chair, outcome="more_information", information_needed="Attendance data"
    )
    assert application.status == Status.PANEL_RETURNED
    assert application.cap_question == "Attendance data"
    application = application_services.application_answer_panel(
        application=application, answer="92% this term", version=application.version, by=cast.alice
    )
    assert application.status == Status.AT_PANEL
    assert application.agenda_items.get(state="waiting").meeting == panels.rap.meetings.next


# --- The routes, end to end ------------------------------------------------------------------


def test_flourish_approved_goes_on_to_the_provider_route(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(application, cast.chair)
    assert application.status == Status.PANEL_APPROVED
    application = application_services.application_send_pack(
        application=application,
        sections=["reasons"],
        documents=[],
        note="",
        version=application.version,
        by=cast.officer,
    )
    assert application.status == Status.PACK_SENT


def test_flourish_declined_ends_with_the_alternatives_recorded(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(application, cast.chair, outcome="declined", rationale="Tier 1 first")
    assert application.status == Status.PANEL_DECLINED
    application = application_services.application_record_alternatives(
        application=application,
        alternatives="A Tier 1 course and a mentor",
        version=application.version,
        by=cast.officer,
    )
    assert application.status == Status.DECLINED
    assert application.alternatives_explored == "A Tier 1 course and a mentor"


def test_a_supported_transfer_goes_to_the_headteachers_then_a_dual_placement(
    cast, panels, programmes
):
    application = at_panel(cast, programmes["supported-transfer"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(application, cast.chair)
    assert application.status == Status.AT_PANEL
    assert application.panel_step == "allocation"
    item = application.agenda_items.get(state="waiting")
    assert item.meeting.panel == panels.ht.panel
    # The Headteachers' panel meets today too in this test: move it there.
    services.item_move(item=item, to=panels.ht.meetings.today, reason="Urgent", by=cast.officer)
    everyone_present(panels.ht.meetings.today, cast.officer)
    with pytest.raises(services.Refused, match="receiving school"):
        decide(application, cast.chair)
    decide(application, cast.chair, receiving_school=cast.school_b)
    assert application.status == Status.PANEL_APPROVED
    assert application.receiving_school == cast.school_b
    start = _a_school_day()
    application = application_services.application_confirm_panel_start(
        application=application,
        start_on=start,
        days_per_week=5,
        version=application.version,
        by=cast.officer,
    )
    application = application_services.application_set_up_placement(
        application=application, version=application.version, by=cast.officer
    )
    placement = Placement.objects.get(application=application)
    assert placement.provider == cast.school_b
    assert placement.home_school == cast.school_a
    assert application.programme.registration == "dual"
    # Twelve school weeks: half terms and holidays are not counted.
    assert placement.planned_end_on == school_calendar().last_school_day_of_week(start, 12)
    assert school_calendar().teaching_weeks_between(start, placement.planned_end_on) == 12


def test_refocus_is_approved_into_a_cohort_until_it_is_full_then_the_waiting_list(
    cast, panels, programmes
):
    refocus = programmes["refocus"]
    cohort = refocus.cohorts.order_by("starts_on").last()
    cohort.capacity = 1
    cohort.save()
    first, second = (at_panel(cast, refocus) for _ in range(2))
    everyone_present(panels.rap.meetings.today, cast.officer)
    everyone_present(panels.map.meetings.today, cast.officer)
    for application in (first, second):
        decide(application, cast.chair)
        item = application.agenda_items.get(state="waiting")
        assert item.meeting.panel == panels.map.panel
        services.item_move(item=item, to=panels.map.meetings.today, reason="x", by=cast.officer)
    decide(first, cast.chair, cohort=cohort)
    assert first.status == Status.PANEL_APPROVED and first.cohort == cohort
    with pytest.raises(services.Refused, match="full: 1 of 1 places"):
        decide(second, cast.chair, cohort=cohort)
    decide(second, cast.chair, outcome="waiting_list")
    assert second.status == Status.WAITING_LIST
    # A place comes free when the first is withdrawn; CAP offers it to the second.
    application_services.application_withdraw(
        application=first, reason="Moved away", version=first.version, by=cast.alice
    )
    second = services.application_offer_place(
        application=second, cohort=cohort, version=second.version, by=cast.officer
    )
    assert second.status == Status.PANEL_APPROVED
    second = application_services.application_confirm_panel_start(
        application=second,
        start_on=_a_school_day(),
        days_per_week=4,
        version=second.version,
        by=cast.officer,
    )
    second = application_services.application_set_up_placement(
        application=second, version=second.version, by=cast.officer
    )
    assert Placement.objects.get(application=second).provider == refocus.delivered_by


def _waiting(cast, programme):
    """Four on the programme's waiting list: three from school A, which has no agreement,
    and one from school B, which has it; submitted 9, 8, 1 and 5 days ago."""
    a_early, b_late, a_late = (submitted(cast, programme) for _ in range(3))
    b_school = submitted(cast, programme, school=cast.school_b, by=cast.bob)
    Subscription.objects.filter(school=cast.school_a).delete()
    now = timezone.now()
    for application, days_ago in [(a_early, 9), (b_late, 8), (a_late, 1), (b_school, 5)]:
        Application.objects.filter(pk=application.pk).update(
            status=Status.WAITING_LIST, submitted_at=now - days_ago * DAY
        )
    return a_early, b_late, a_late, b_school


def test_the_waiting_list_puts_subscribing_schools_first_where_the_programme_gives_priority(
    cast, panels, programmes
):
    programme = programmes["refocus"]
    Programme.objects.filter(pk=programme.pk).update(
        subscriber_priority=True, subscription_required=False
    )
    a_early, b_late, a_late, b_school = _waiting(cast, programme)
    assert list(selectors.waiting_list(programme)) == [b_school, a_early, b_late, a_late]


def test_the_waiting_list_is_by_date_alone_where_the_programme_gives_no_priority(
    cast, panels, programmes
):
    refocus = programmes["refocus"]
    assert not refocus.subscriber_priority
    a_early, b_late, a_late, b_school = _waiting(cast, refocus)
    assert list(selectors.waiting_list(refocus)) == [a_early, b_late, b_school, a_late]


# --- Outcome notices -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting_on", "due_on"),
    [
        (dt.date(2026, 11, 26), dt.date(2026, 12, 1)),  # Thursday: over the weekend
        (dt.date(2026, 12, 22), dt.date(2026, 12, 29)),  # Christmas, and Boxing Day on Monday
        (dt.date(2027, 3, 24), dt.date(2027, 3, 31)),  # Good Friday and Easter Monday
    ],
)
def test_a_notice_is_due_three_working_days_after_the_meeting(meeting_on, due_on):
    assert add_working_days(meeting_on, services.NOTICE_WORKING_DAYS) == due_on


def test_each_decision_writes_a_notice_due_three_working_days_after_the_meeting(
    cast, panels, programmes, mailoutbox, django_capture_on_commit_callbacks
):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(application, cast.chair, outcome="declined", rationale="Tier 1 first")
    notice = OutcomeNotice.objects.get(application=application)
    assert notice.due_on == add_working_days(timezone.localdate(), 3)
    assert "Tier 1 first" in notice.body and application.student.legal_last_name in notice.body
    assert notice.letter_file and notice.letter_rendered_at
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_send(notice=notice, by=cast.officer)
    [message] = [m for m in mailoutbox if "outcome" in m.subject.lower()]
    assert message.to == [cast.alice.email]
    assert application.reference in message.subject
    assert application.student.legal_last_name not in message.body
    with pytest.raises(services.Refused, match="was sent"):
        services.notice_send(notice=notice, by=cast.officer)


def test_the_sweep_marks_unsent_notices_past_their_due_date_once(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(application, cast.chair)
    notice = OutcomeNotice.objects.get(application=application)
    assert services.notices_mark_overdue(today=notice.due_on) == 0
    assert services.notices_mark_overdue(today=notice.due_on + DAY) == 1
    assert services.notices_mark_overdue(today=notice.due_on + 2 * DAY) == 0
    notice.refresh_from_db()
    assert notice.overdue_at is not None
    assert list(selectors.overdue_notices(today=notice.due_on + DAY)) == [notice]


def _a_school_day() -> dt.date:

    today = timezone.localdate()
    for n in range(1, 200):
        day = today + n * DAY
        if start_date_problem(_Nobody(), day, today=today) is None:
            return day
    raise AssertionError("No school day in the loaded terms")


class _Nobody:
    interview_on = None


def test_the_sweep_runs_as_a_command_for_the_scheduler(cast, panels, programmes):
    from io import StringIO

    from django.core.management import call_command

    application = at_panel(cast, programmes["flourish"])
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(application, cast.chair)
    OutcomeNotice.objects.update(due_on=timezone.localdate() - DAY)
    out = StringIO()
    call_command("mark_overdue_notices", stdout=out)
    assert out.getvalue().strip() == "1 outcome notice marked overdue."
    assert OutcomeNotice.objects.get().overdue_at is not None


def test_a_withdrawn_application_leaves_the_agenda(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    application_services.application_withdraw(
        application=application, reason="Moved school", version=application.version, by=cast.alice
    )
    assert application.agenda_items.get().state == ItemState.WITHDRAWN
    assert selectors.agenda(panels.rap.meetings.today) == []
