"""Panel pages: who may see and do what, decisions through the page, the pack's window, the
calendars, outcome notices, and query counts that do not grow with the agenda."""

import datetime as dt
import re

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from applications.models import Application
from applications.workflow import Status
from audit.models import Event
from lib.pdf import pdf_text
from panels import hooks, selectors, services
from panels.models import OutcomeNotice
from panels.tests.conftest import DAY, at_panel, decide, everyone_present, submitted
from programmes.models import Meeting

pytestmark = pytest.mark.django_db

EVERYONE = [
    "alice",
    "bob",
    "headteacher",
    "school_dsl",
    "officer",
    "monitoring",
    "manager",
    "safeguarding",
    "chair",
    "provider_staff",
    "academy_staff",
    "agency_worker",
    "outsider",
]


@pytest.fixture
def item(cast, panels, programmes):
    """A Flourish application from school A on today's Review and Authorisation Panel,
    with the pack published and everyone present."""
    application = at_panel(cast, programmes["flourish"])
    meeting = panels.rap.meetings.today
    everyone_present(meeting, cast.officer)
    services.pack_publish(meeting=meeting, by=cast.officer)
    return application.agenda_items.get()


def _urls(item):
    meeting = item.meeting.uuid
    return {
        "casework_meetings:meetings": [],
        "casework_meetings:meeting": [meeting],
        "casework_meetings:pack": [meeting],
        "casework_meetings:decide": [meeting, item.uuid],
        "casework_meetings:move": [meeting, item.uuid],
        "casework_meetings:waiting_lists": [],
        "casework_meetings:calendar": [],
        "panels:meeting": [meeting],
        "panels:pack": [meeting],
        "panels:decide": [meeting, item.uuid],
    }


# Who may open each page (GET); everyone else gets 403 (outside the area) or 404.
ALLOWED = {
    "casework_meetings:meetings": {"officer", "manager"},
    "casework_meetings:meeting": {"officer", "manager"},
    "casework_meetings:pack": {"officer", "manager"},
    "casework_meetings:decide": {"officer", "manager"},
    "casework_meetings:move": {"officer", "manager"},
    "casework_meetings:waiting_lists": {"officer", "manager"},
    "casework_meetings:calendar": {"officer", "manager"},
    "panels:meeting": {"chair"},
    "panels:pack": {"chair"},
    "panels:decide": {"chair"},
}


@pytest.mark.parametrize("who", EVERYONE)
def test_each_panel_page_opens_only_for_those_it_is_for(client, cast, item, who):
    client.force_login(getattr(cast, who))
    for name, args in _urls(item).items():
        response = client.get(reverse(name, args=args))
        if who in ALLOWED[name]:
            assert response.status_code == 200, name
        else:
            assert response.status_code in (403, 404), (name, response.status_code)


def test_a_member_of_another_panel_sees_nothing_of_this_one(client, cast, panels, item):
    panels.agency_member.panel_seats.filter(panel=panels.rap.panel).delete()
    client.force_login(panels.agency_member)
    meeting = item.meeting
    for name in ("panels:meeting", "panels:pack", "panels:pack_pdf"):
        assert client.get(reverse(name, args=[meeting.uuid])).status_code == 404
    assert client.get(reverse("dashboards:panels")).content.decode().count(str(meeting.uuid)) == 0


def test_members_read_the_pack_from_publication_until_the_window_closes(
    client, cast, panels, programmes
):
    at_panel(cast, programmes["flourish"])
    meeting = panels.rap.meetings.today
    client.force_login(panels.agency_member)
    url = reverse("panels:pack", args=[meeting.uuid])
    assert client.get(url).status_code == 404  # not published
    services.pack_publish(meeting=meeting, by=cast.officer)
    assert client.get(url).status_code == 200
    meeting.date = timezone.localdate() - dt.timedelta(days=meeting.panel.pack_access_days)
    meeting.save()
    assert meeting.date + dt.timedelta(days=meeting.panel.pack_access_days) == timezone.localdate()
    assert client.get(url).status_code == 200  # the last day
    meeting.date -= DAY
    meeting.save()
    assert client.get(url).status_code == 404  # a day later
    page = client.get(reverse("panels:meeting", args=[meeting.uuid])).content.decode()
    assert "was available until" in page


def test_reading_the_pack_is_audited(client, cast, panels, item):
    client.force_login(panels.agency_member)
    client.get(reverse("panels:pack", args=[item.meeting.uuid]))
    assert Event.objects.filter(
        action="meeting.pack_read", actor=panels.agency_member, object_id=str(item.meeting.uuid)
    ).exists()


def test_the_pack_holds_the_summary_evidence_and_the_panels_questions(client, cast, panels, item):
    client.force_login(cast.chair)
    page = client.get(reverse("panels:pack", args=[item.meeting.uuid])).content.decode()
    application = item.application
    assert application.student.legal_last_name in page
    flourish_question = application.programme.questions.filter(
        considered_by__key="review-and-authorisation"
    ).first()
    assert flourish_question.text.replace("'", "&#x27;") in page
    for document in application.documents.all():
        assert document.filename in page
    assert "Conflicted, taking no part in this decision: Hana Head" in page


def test_the_pack_pdf_is_rendered_and_downloaded(
    client, cast, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pack_publish(meeting=item.meeting, by=cast.officer)
    client.force_login(cast.chair)
    response = client.get(reverse("panels:pack_pdf", args=[item.meeting.uuid]))
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    assert item.application.reference in text
    assert item.application.student.legal_last_name in text


def test_a_pack_no_key_opens_answers_a_page_not_an_error(
    client, cast, item, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pack_publish(meeting=item.meeting, by=cast.officer)
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    client.force_login(cast.chair)
    response = client.get(reverse("panels:pack_pdf", args=[item.meeting.uuid]))
    assert response.status_code == 410
    assert "This file cannot be opened" in response.content.decode()
    assert Event.objects.filter(action="document.unreadable").exists()


def test_the_chair_records_a_decision_through_the_page(client, cast, item):
    client.force_login(cast.chair)
    url = reverse("panels:decide", args=[item.meeting.uuid, item.uuid])
    response = client.post(url, {"outcome": "approved", "rationale": "Meets the criteria"})
    assert response.status_code == 302
    item.application.refresh_from_db()
    assert item.application.status == Status.PANEL_APPROVED
    assert OutcomeNotice.objects.filter(application=item.application).count() == 1
    # A second decision on the same item is refused, with the reason.
    again = client.get(url, follow=True).content.decode()
    assert "has been decided" in again


def test_a_decision_without_a_rationale_keeps_what_was_typed(client, cast, item):
    client.force_login(cast.chair)
    url = reverse("panels:decide", args=[item.meeting.uuid, item.uuid])
    page = client.post(
        url, {"outcome": "approved_with_conditions", "rationale": "", "conditions": ""}
    ).content.decode()
    assert "Enter the panel&#x27;s rationale" in page
    assert "Enter the conditions of the approval" in page
    checked = re.findall(r'value="([a-z_]+)"[^>]*\bchecked\b', page)
    assert checked == ["approved_with_conditions"]
    item.application.refresh_from_db()
    assert item.application.status == Status.AT_PANEL


def test_a_conflicted_chair_is_told_and_cannot_decide(client, cast, panels, item):
    panels.school_member.panel_seats.filter(panel=panels.rap.panel).update(position="chair")
    client.force_login(panels.school_member)
    url = reverse("panels:decide", args=[item.meeting.uuid, item.uuid])
    response = client.post(url, {"outcome": "approved", "rationale": "x"}, follow=True)
    assert "You are conflicted on this item" in response.content.decode()
    item.application.refresh_from_db()
    assert item.application.status == Status.AT_PANEL


def test_a_member_who_is_not_chair_cannot_decide(client, cast, panels, item):
    client.force_login(panels.agency_member)
    url = reverse("panels:decide", args=[item.meeting.uuid, item.uuid])
    assert client.post(url, {"outcome": "approved", "rationale": "x"}).status_code == 404
    item.application.refresh_from_db()
    assert item.application.status == Status.AT_PANEL


def test_deciding_needs_a_post_with_csrf(cast, item):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.chair)
    url = reverse("panels:decide", args=[item.meeting.uuid, item.uuid])
    assert client.post(url, {"outcome": "approved", "rationale": "x"}).status_code == 403
    item.application.refresh_from_db()
    assert item.application.status == Status.AT_PANEL


def test_state_changes_refuse_get(client, cast, item):
    client.force_login(cast.officer)
    for name in ("publish", "attendance", "close"):
        url = reverse(f"casework_meetings:{name}", args=[item.meeting.uuid])
        assert client.get(url).status_code == 405


def test_the_officer_moves_an_item_and_a_bad_choice_is_reported(client, cast, panels, item):
    client.force_login(cast.officer)
    url = reverse("casework_meetings:move", args=[item.meeting.uuid, item.uuid])
    page = client.post(url, {"to": "not-a-meeting", "reason": "Typed"}).content.decode()
    assert "Choose a meeting from the list" in page and "Typed" in page
    response = client.post(url, {"to": panels.rap.meetings.next.uuid, "reason": "Evidence due"})
    assert response.status_code == 302
    assert item.application.agenda_items.get(state="waiting").meeting == panels.rap.meetings.next


def test_closing_a_meeting_still_to_come_is_refused_with_the_reason(client, cast, panels):
    client.force_login(cast.officer)
    meeting = panels.rap.meetings.next
    response = client.post(reverse("casework_meetings:close", args=[meeting.uuid]), follow=True)
    assert "closed only on or after its day" in response.content.decode()


# --- Outcome notices and the queue --------------------------------------------------------


def test_overdue_notices_head_the_casework_queue(client, cast, panels, item):
    decide(item.application, cast.chair)
    notice = OutcomeNotice.objects.get()
    client.force_login(cast.officer)
    page = client.get(reverse("casework:queue")).content.decode()
    assert 'id="overdue-notices-title"' not in page  # due in 3 working days
    OutcomeNotice.objects.filter(pk=notice.pk).update(due_on=timezone.localdate() - DAY)
    page = client.get(reverse("casework:queue")).content.decode()
    banner = page.split('id="overdue-notices-title"')[1].split("</table>")[0]
    assert "1 outcome notice past its 3 working days" in page
    assert item.application.reference in banner


def test_the_queue_lists_the_earliest_overdue_notices_and_counts_them_all(
    client, cast, panels, programmes, item, monkeypatch
):
    monkeypatch.setattr(hooks, "OVERDUE_SHOWN", 1)
    later = at_panel(cast, programmes["flourish"])
    decide(item.application, cast.chair)
    decide(later, cast.chair)
    today = timezone.localdate()
    OutcomeNotice.objects.filter(application=item.application).update(due_on=today - 2 * DAY)
    OutcomeNotice.objects.filter(application=later).update(due_on=today - DAY)
    client.force_login(cast.officer)
    page = client.get(reverse("casework:queue")).content.decode()
    banner = page.split('id="overdue-notices-title"')[1].split("</div>\n</div>")[0]
    assert "2 outcome notices past their 3 working days" in banner
    assert item.application.reference in banner and later.reference not in banner
    assert reverse("casework_meetings:meetings") in banner
    assert "See all 2 outcome notices to send" in banner


def test_the_school_reads_the_letter_once_it_is_sent_and_other_schools_never(
    client, cast, item, django_capture_on_commit_callbacks, each_store
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(item.application, cast.chair)
    notice = OutcomeNotice.objects.get()
    url = reverse("school_panels:letter", args=[notice.uuid])
    client.force_login(cast.alice)
    assert client.get(url).status_code == 404  # not sent yet
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_send(notice=notice, by=cast.officer)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    notice.refresh_from_db()
    assert b"%PDF" not in each_store.objects()[notice.letter_file]
    detail = client.get(reverse("applications:detail", args=[item.application.uuid]))
    assert "Outcome notice sent" in detail.content.decode()
    assert "Download the outcome letter" in detail.content.decode()
    client.force_login(cast.bob)
    assert client.get(url).status_code == 404


def test_a_panel_s_name_reads_as_written_on_the_notice_its_letter_and_its_e_mail(
    client, cast, item, mailoutbox, django_capture_on_commit_callbacks
):
    panel = item.meeting.panel
    panel.name = "Headteachers' Supported Transfer Panel"
    panel.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        decide(item.application, cast.chair)
    notice = OutcomeNotice.objects.get()
    assert "The Headteachers' Supported Transfer Panel met on" in notice.body
    client.force_login(cast.officer)
    page = client.get(reverse("casework_meetings:notice", args=[notice.uuid])).content.decode()
    assert "Headteachers&#x27; Supported Transfer Panel met on" in page  # escaped once only
    assert "&amp;#x27;" not in page
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_send(notice=notice, by=cast.officer)
    notice.refresh_from_db()
    letter = pdf_text(services.letter_download(notice=notice, by=cast.alice))
    assert "Headteachers' Supported Transfer Panel" in " ".join(letter.split())
    assert "The Headteachers' Supported Transfer Panel has decided" in mailoutbox[-1].body


def test_the_officer_sends_the_notice_from_its_page(client, cast, item, mailoutbox):
    decide(item.application, cast.chair)
    notice = OutcomeNotice.objects.get()
    client.force_login(cast.officer)
    page = client.get(reverse("casework_meetings:notice", args=[notice.uuid])).content.decode()
    assert "Send the outcome notice" in page and notice.subject in page
    response = client.post(reverse("casework_meetings:send_notice", args=[notice.uuid]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.sent_to == [cast.alice.email]


# --- The panel routes' CAP steps on the application page -----------------------------------


def test_cap_refers_a_panel_route_application_from_its_page(client, cast, panels, programmes):
    from panels.tests.conftest import submitted

    application = submitted(cast, programmes["flourish"])
    client.force_login(cast.officer)
    page = client.get(reverse("casework:application", args=[application.uuid])).content.decode()
    assert "Accept and put it on the panel" in page
    assert "Accept the application</button>" not in page
    response = client.post(
        reverse("casework:act", args=[application.uuid, "refer_to_panel"]),
        {"version": application.version},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.AT_PANEL
    page = client.get(reverse("casework:application", args=[application.uuid])).content.decode()
    assert "On the agenda of the CAP Review and Authorisation Panel" in page


def test_cap_records_the_alternatives_after_a_panel_declines(client, cast, item):
    decide(item.application, cast.chair, outcome="declined", rationale="Tier 1 first")
    application = item.application
    client.force_login(cast.officer)
    url = reverse("casework:act", args=[application.uuid, "record_alternatives"])
    page = client.post(url, {"version": application.version, "alternatives": ""}).content.decode()
    assert "Enter the alternatives explored with the school" in page
    client.post(url, {"version": application.version, "alternatives": "A mentor"})
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    assert application.alternatives_explored == "A mentor"


# --- Calendars ----------------------------------------------------------------------------


def test_schools_download_every_meeting_and_deadline_as_icalendar(client, cast, panels):
    client.force_login(cast.alice)
    response = client.get(reverse("school_panels:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    meeting = panels.rap.meetings.next
    assert str(meeting.panel) in summaries
    assert f"Referral deadline: {meeting}" in summaries
    starts = {e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert meeting.date in starts and meeting.referral_deadline in starts


def test_calendars_leave_out_meetings_more_than_a_year_past(client, cast, panels):
    today = timezone.localdate()
    old = Meeting.objects.create(
        panel=panels.rap.panel,
        date=today - dt.timedelta(days=400),
        referral_deadline=today - dt.timedelta(days=410),
    )
    recent = Meeting.objects.create(
        panel=panels.rap.panel,
        date=today - dt.timedelta(days=300),
        referral_deadline=today - dt.timedelta(days=310),
    )
    for user, name in [
        (cast.alice, "school_panels:calendar"),
        (cast.manager, "casework_meetings:calendar"),
    ]:
        client.force_login(user)
        calendar = Calendar.from_ical(client.get(reverse(name)).content)
        uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
        assert f"meeting-{recent.uuid}@cap" in uids
        assert f"meeting-{old.uuid}@cap" not in uids


def test_a_member_calendar_holds_only_their_panels(client, cast, panels):
    panels.agency_member.panel_seats.exclude(panel=panels.map.panel).delete()
    client.force_login(panels.agency_member)
    calendar = Calendar.from_ical(client.get(reverse("panels:calendar")).content)
    summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert summaries & {str(panels.map.panel)}
    assert str(panels.rap.panel) not in summaries


# --- Query counts -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["casework_meetings:meeting", "casework_meetings:pack"])
def test_meeting_pages_make_the_same_queries_for_two_items_as_for_six(
    client, cast, panels, programmes, name
):
    meeting = panels.rap.meetings.today
    client.force_login(cast.officer)
    url = reverse(name, args=[meeting.uuid])
    for _ in range(2):
        at_panel(cast, programmes["flourish"])
    few = _queries(client, url)
    for _ in range(4):
        at_panel(cast, programmes["refocus"])
    assert _queries(client, url) == few


@pytest.mark.parametrize(
    "who,name",
    [
        ("manager", "casework_meetings:calendar"),
        ("alice", "school_panels:calendar"),
        ("agency_member", "panels:calendar"),
    ],
)
def test_calendar_feeds_make_the_same_queries_for_more_meetings(client, cast, panels, who, name):
    user = panels.agency_member if who == "agency_member" else getattr(cast, who)
    client.force_login(user)
    url = reverse(name)
    few = _queries(client, url)
    today = timezone.localdate()
    for weeks in (3, 5, 7):
        Meeting.objects.create(
            panel=panels.rap.panel,
            date=today + dt.timedelta(weeks=weeks),
            referral_deadline=today + dt.timedelta(weeks=weeks - 1),
        )
    assert _queries(client, url) == few


def test_a_page_of_the_agenda_reads_its_items_in_the_agendas_order(cast, panels, programmes):
    meeting = panels.rap.meetings.today
    for key in ("flourish", "refocus", "flourish", "refocus", "flourish"):
        at_panel(cast, programmes[key])
    everything = list(selectors.agenda_items(meeting))
    assert len(everything) >= 5
    order = selectors.agenda_order(meeting)
    assert selectors.agenda_rows(meeting, order) == everything
    page = selectors.agenda_rows(meeting, order[2:4])
    assert page == everything[2:4]
    assert all(hasattr(item, "sla_priority") for item in page)


def test_only_the_cap_manager_keeps_panel_members_in_the_admin(client, cast, panels):
    url = reverse("admin:panels_panelmember_changelist")
    for who in ("officer", "chair", "alice"):
        client.force_login(getattr(cast, who))
        assert client.get(url).status_code in (302, 403, 404)
    client.force_login(cast.manager)
    page = client.get(url).content.decode()
    assert "Hana Head" in page


def test_the_admin_refuses_a_member_without_the_panel_member_role(client, cast, panels):
    client.force_login(cast.manager)
    response = client.post(
        reverse("admin:panels_panelmember_add"),
        {
            "panel": panels.rap.panel.pk,
            "user": cast.alice.pk,
            "position": "member",
            "is_active": "on",
        },
    )
    assert "Give this person the panel member role" in response.content.decode()
    assert not cast.alice.panel_seats.exists()


def test_the_decision_page_offers_the_cohort_the_calendar_links_to_the_meeting_first(
    client, cast, panels, programmes
):
    refocus = programmes["refocus"]
    application = at_panel(cast, refocus)
    everyone_present(panels.rap.meetings.today, cast.officer)
    decide(application, cast.chair)
    item = application.agenda_items.get(state="waiting")
    services.item_move(item=item, to=panels.map.meetings.today, reason="x", by=cast.officer)
    cohort = refocus.cohorts.order_by("starts_on").last()
    cohort.decided_at = panels.map.meetings.today
    cohort.save()
    item = application.agenda_items.get(state="waiting")
    services.pack_publish(meeting=item.meeting, by=cast.officer)
    client.force_login(cast.chair)
    page = client.get(reverse("panels:decide", args=[item.meeting.uuid, item.uuid]))
    selected = re.findall(r'<option value="([^"]+)"[^>]*selected', page.content.decode())
    assert selected == [str(cohort.uuid)]


def test_only_cap_officers_send_a_notice(client, cast, item):
    decide(item.application, cast.chair)
    notice = OutcomeNotice.objects.get()
    client.force_login(cast.monitoring)
    page = client.get(reverse("casework_meetings:notice", args=[notice.uuid])).content.decode()
    assert "Send the outcome notice" not in page
    client.post(reverse("casework_meetings:send_notice", args=[notice.uuid]))
    notice.refresh_from_db()
    assert notice.sent_at is None


def test_schools_see_the_coming_panel_dates_and_others_are_refused(client, cast, panels):
    url = reverse("school_panels:dates")
    client.force_login(cast.alice)
    page = client.get(url).content.decode()
    assert panels.rap.meetings.next.date.strftime("%A %-d %B %Y") in page
    assert panels.rap.meetings.past.date.strftime("%A %-d %B %Y") not in page
    for who in ("officer", "chair", "provider_staff", "outsider"):
        client.force_login(getattr(cast, who))
        assert client.get(url).status_code == 403


# --- Offering a place from the waiting list (a step panels registers) ----------------------


def _on_the_waiting_list(cast, refocus):
    application = submitted(cast, refocus)
    Application.objects.filter(pk=application.pk).update(status=Status.WAITING_LIST)
    application.refresh_from_db()
    return application


def test_cap_offers_a_waiting_student_a_place_from_the_application_s_page(
    client, cast, panels, programmes
):
    refocus = programmes["refocus"]
    cohort = refocus.cohorts.order_by("starts_on").last()
    application = _on_the_waiting_list(cast, refocus)
    client.force_login(cast.officer)
    page = client.get(reverse("casework:application", args=[application.uuid])).content.decode()
    assert "Offer a place in a cohort" in page
    response = client.post(
        reverse("casework:act", args=[application.uuid, "offer_place"]),
        {"version": application.version, "cohort": str(cohort.uuid)},
        follow=True,
    )
    assert f"Application {application.reference}: offered a place" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.PANEL_APPROVED and application.cohort == cohort


def test_a_place_in_a_full_cohort_is_refused_with_the_count(client, cast, panels, programmes):
    refocus = programmes["refocus"]
    cohort = refocus.cohorts.order_by("starts_on").last()
    cohort.capacity = 0
    cohort.save()
    application = _on_the_waiting_list(cast, refocus)
    client.force_login(cast.officer)
    response = client.post(
        reverse("casework:act", args=[application.uuid, "offer_place"]),
        {"version": application.version, "cohort": str(cohort.uuid)},
        follow=True,
    )
    assert "is full: 0 of 0 places are taken" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.WAITING_LIST


def test_a_school_cannot_offer_a_place(client, cast, panels, programmes):
    refocus = programmes["refocus"]
    application = _on_the_waiting_list(cast, refocus)
    client.force_login(cast.alice)
    response = client.post(
        reverse("casework:act", args=[application.uuid, "offer_place"]),
        {"version": application.version},
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.WAITING_LIST


def test_a_monitoring_officer_is_told_only_a_cap_officer_offers_a_place(
    client, cast, panels, programmes
):
    refocus = programmes["refocus"]
    cohort = refocus.cohorts.order_by("starts_on").last()
    application = _on_the_waiting_list(cast, refocus)
    client.force_login(cast.monitoring)
    response = client.post(
        reverse("casework:act", args=[application.uuid, "offer_place"]),
        {"version": application.version, "cohort": str(cohort.uuid)},
        follow=True,
    )
    assert "Only a CAP officer can offer a place in a cohort" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.WAITING_LIST and application.cohort is None


# --- Long lists come a page at a time -----------------------------------------------------


def _decided(cast, programme, how_many: int) -> list[Application]:
    applications = [at_panel(cast, programme) for _ in range(how_many)]
    for application in applications:
        decide(application, cast.chair)
    return applications


def test_the_meetings_list_shows_the_unsent_notices_a_page_at_a_time(
    client, cast, panels, programmes, monkeypatch
):
    from panels import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    meeting = panels.rap.meetings.today
    everyone_present(meeting, cast.officer)
    applications = _decided(cast, programmes["flourish"], 3)
    first, second, third = sorted(OutcomeNotice.objects.all(), key=lambda n: (n.due_on, n.id))
    client.force_login(cast.officer)
    url = reverse("casework_meetings:meetings")
    page = client.get(url).content.decode()
    assert "3 notices to send, the earliest due first." in page
    assert first.application.reference in page and second.application.reference in page
    assert third.application.reference not in page
    assert "Page 1 of 2" in page
    page = client.get(url, {"page": 2}).content.decode()
    assert third.application.reference in page
    assert first.application.reference not in page
    assert {a.pk for a in applications} == {n.application_id for n in (first, second, third)}
    # A page past the end, or not a number, shows the last or the first page.
    assert client.get(url, {"page": 99}).status_code == 200
    assert client.get(url, {"page": "x"}).status_code == 200


def test_the_meetings_list_makes_the_same_queries_for_one_notice_as_for_three(
    client, cast, panels, programmes
):
    meeting = panels.rap.meetings.today
    everyone_present(meeting, cast.officer)
    client.force_login(cast.officer)
    url = reverse("casework_meetings:meetings")
    _decided(cast, programmes["flourish"], 1)
    at_panel(cast, programmes["flourish"])
    few = _queries(client, url)
    _decided(cast, programmes["refocus"], 2)
    for _ in range(3):
        at_panel(cast, programmes["refocus"])
    assert _queries(client, url) == few


def test_the_meetings_list_counts_each_meetings_waiting_items(client, cast, panels, programmes):
    meeting = panels.rap.meetings.today
    for _ in range(2):
        at_panel(cast, programmes["flourish"])
    client.force_login(cast.officer)
    page = client.get(reverse("casework_meetings:meetings")).content.decode()
    row = page.split(reverse("casework_meetings:meeting", args=[meeting.uuid]))[1].split("</tr>")[0]
    assert re.search(r'govuk-table__cell--numeric">2<', row)


@pytest.mark.parametrize(
    ("name", "size", "what"),
    [
        ("casework_meetings:meeting", "PAGE_SIZE", "agenda"),
        ("casework_meetings:pack", "PACK_PAGE_SIZE", "pack"),
    ],
)
def test_the_agenda_and_the_pack_come_a_page_at_a_time(
    client, cast, panels, programmes, monkeypatch, name, size, what
):
    from panels import views

    monkeypatch.setattr(views, size, 2)
    meeting = panels.rap.meetings.today
    applications = [at_panel(cast, programmes["flourish"]) for _ in range(3)]
    client.force_login(cast.officer)
    url = reverse(name, args=[meeting.uuid])
    page = client.get(url).content.decode()
    assert "3 items" in page and "1 to 2 below" in page
    assert applications[0].reference in page and applications[1].reference in page
    assert applications[2].reference not in page
    page = client.get(url, {"page": 2}).content.decode()
    assert applications[2].reference in page
    assert applications[0].reference not in page
    assert f'aria-label="Pages of the {what}"' in page
    if what == "pack":
        assert f"3. Application {applications[2].reference}" in page


def test_the_waiting_lists_page_shows_each_lists_head_and_how_many_wait(
    client, cast, panels, programmes, monkeypatch
):
    from panels import selectors

    monkeypatch.setattr(selectors, "WAITING_SHOWN", 2)
    refocus = programmes["refocus"]
    waiting = [submitted(cast, refocus) for _ in range(3)]
    now = timezone.now()
    for days_ago, application in zip((9, 5, 1), waiting, strict=True):
        Application.objects.filter(pk=application.pk).update(
            status=Status.WAITING_LIST, submitted_at=now - days_ago * DAY
        )
    client.force_login(cast.officer)
    url = reverse("casework_meetings:waiting_lists")
    page = client.get(url).content.decode()
    assert "3 applications on the waiting list: the first 2 below." in page
    assert waiting[0].reference in page and waiting[1].reference in page
    assert waiting[2].reference not in page
    few = _queries(client, url)
    for _ in range(2):
        extra = submitted(cast, refocus)
        Application.objects.filter(pk=extra.pk).update(status=Status.WAITING_LIST)
    assert _queries(client, url) == few
