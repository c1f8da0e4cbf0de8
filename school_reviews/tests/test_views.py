"""The meetings' pages: the CAP team prepares, records and shares; the school sees its own
shared meetings and marks its own actions done; everyone else is answered 404."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import SchoolFactory
from audit.models import Event
from lib.errors import Refused
from school_reviews import selectors, services
from school_reviews.models import Action, ReviewMeeting
from school_reviews.tests.factories import MEETING_DAY, placement_with_marks, prepare, spring
from school_reviews.tests.test_agenda import PRESENT_8


@pytest.fixture
def meeting(cast, programme):
    placement_with_marks(cast, programme, school=cast.school_a, codes=PRESENT_8)
    placement_with_marks(cast, programme, school=cast.school_b, codes=PRESENT_8)
    return prepare(cast, cast.school_a)


def shared(meeting, cast):
    return services.meeting_share(meeting=meeting, version=meeting.version, by=cast.officer)


def detail(meeting):
    return reverse("school_reviews:casework_detail", args=[meeting.uuid])


def school_detail(meeting):
    return reverse("school_reviews:schools_detail", args=[meeting.uuid])


def prepare_url(cast):
    return reverse("school_reviews:prepare", args=[cast.school_a.uuid, spring().pk])


MEETING_FORM = {
    "held_on_day": "3",
    "held_on_month": "2",
    "held_on_year": "2026",
    "starts_at": "1:30pm",
    "place": "The school library",
    "attendees": "Olive Officer\nAlice Referrer",
}


# --- Preparing --------------------------------------------------------------------------------


def test_an_officer_prepares_a_meeting_for_a_school(client, cast, programme):
    placement = placement_with_marks(cast, programme, school=cast.school_a, codes=PRESENT_8)
    client.force_login(cast.officer)

    response = client.post(prepare_url(cast), MEETING_FORM)

    meeting = ReviewMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == detail(meeting)
    assert (meeting.school, meeting.term, meeting.held_on) == (cast.school_a, spring(), MEETING_DAY)
    assert meeting.starts_at == dt.time(13, 30)
    assert [i.placement for i in meeting.items.all()] == [placement]
    page = client.get(detail(meeting)).content.decode()
    assert "1:30pm" in page and "3 February 2026" in page
    assert "80.0% (8 of 10 possible sessions, 2 unauthorised absences)" in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"place": ""}, "place", "Enter where the meeting is held"),
        ({"starts_at": "25pm"}, "starts_at", "Enter the time like 9:30am or 2pm"),
        ({"held_on_day": "31", "held_on_month": "2"}, "held_on", "does not have 31 days"),
        ({"held_on_month": "5"}, "held_on", "The date of the meeting must be in the term"),
    ],
)
def test_bad_meeting_details_are_shown_beside_the_field(
    client, cast, year, changes, field, message
):
    client.force_login(cast.officer)

    response = client.post(prepare_url(cast), MEETING_FORM | changes)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert message in page
    assert message in str(response.context["form"].errors[field])
    assert "Olive Officer\nAlice Referrer" in page  # nothing typed is lost
    assert not ReviewMeeting.objects.exists()


def test_preparing_again_opens_the_meeting_already_there(client, cast, meeting):
    client.force_login(cast.officer)

    response = client.get(prepare_url(cast))

    assert response.status_code == 302
    assert response.url == detail(meeting)


# --- Minutes and actions ---------------------------------------------------------------------


def test_an_officer_records_the_minutes(client, cast, meeting):
    client.force_login(cast.monitoring)
    url = reverse("school_reviews:minutes", args=[meeting.uuid])

    response = client.post(url, {"minutes": "We talked.", "version": meeting.version})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "We talked."
    assert Event.objects.filter(action="school_review.minutes_recorded").count() == 1


def test_minutes_sent_on_an_old_page_are_not_lost_nor_saved(client, cast, meeting):
    client.force_login(cast.officer)
    url = reverse("school_reviews:minutes", args=[meeting.uuid])
    old = meeting.version
    client.post(url, {"minutes": "First.", "version": old})

    response = client.post(url, {"minutes": "Second.", "version": old})

    assert response.status_code == 200
    assert "Second." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "First."


def test_an_officer_records_minutes_about_one_student(client, cast, meeting):
    client.force_login(cast.officer)
    item = meeting.items.get()
    url = reverse("school_reviews:item_notes", args=[meeting.uuid, item.uuid])

    client.post(url, {"notes": "Settled well.", "version": meeting.version})

    item.refresh_from_db()
    assert item.notes == "Settled well."
    assert "Settled well." in client.get(detail(meeting)).content.decode()


def action_form(cast, **changes):
    return {
        "text": "Send the attendance plan",
        "owner": f"{cast.alice.pk}-{cast.school_a.pk}",
        "owner_name": "",
        "owner_organisation_name": "",
        "due_on_day": "10",
        "due_on_month": "2",
        "due_on_year": "2026",
    } | changes


def test_an_officer_adds_an_action_for_someone_at_the_school(client, cast, meeting):
    client.force_login(cast.officer)

    response = client.post(
        reverse("school_reviews:action_new", args=[meeting.uuid]), action_form(cast)
    )

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.owner_organisation) == (cast.alice, cast.school_a)
    assert action.due_on == dt.date(2026, 2, 10)
    assert action.owner_words == "Alice Referrer, School A"
    assert Event.objects.filter(action="school_review.action_added").count() == 1


def test_an_action_can_be_owned_by_someone_named_in_words(client, cast, meeting):
    client.force_login(cast.officer)

    client.post(
        reverse("school_reviews:action_new", args=[meeting.uuid]),
        action_form(
            cast, owner="else", owner_name="Sam Social", owner_organisation_name="Early Help"
        ),
    )

    action = Action.objects.get()
    assert action.owner is None and action.owner_organisation is None
    assert action.owner_words == "Sam Social, Early Help"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"due_on_day": "2"}, "due_on", "The due date must be on or after the meeting"),
        ({"owner": "else"}, "owner_name", "Enter the owner&#x27;s name"),
        ({"owner": f"{10**6}-1"}, "owner", "Choose the owner"),
        ({"text": ""}, "text", "Enter the action"),
    ],
)
def test_bad_actions_are_refused_beside_the_field(client, cast, meeting, changes, field, message):
    client.force_login(cast.officer)

    response = client.post(
        reverse("school_reviews:action_new", args=[meeting.uuid]), action_form(cast, **changes)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and message in page
    assert field in response.context["form"].errors
    assert not Action.objects.exists()


def test_someone_of_another_school_cannot_own_an_action(client, cast, meeting):
    client.force_login(cast.officer)

    response = client.post(
        reverse("school_reviews:action_new", args=[meeting.uuid]),
        action_form(cast, owner=f"{cast.bob.pk}-{cast.school_b.pk}"),
    )

    assert response.status_code == 200
    assert not Action.objects.exists()


def test_overdue_actions_are_flagged(client, cast, meeting):
    services.action_add(
        meeting=meeting,
        text="Late one",
        due_on=MEETING_DAY,
        owner=cast.alice,
        owner_organisation=cast.school_a,
        by=cast.officer,
    )
    client.force_login(cast.officer)
    assert "Overdue" not in client.get(detail(meeting)).content.decode()

    meeting.held_on = dt.date(2026, 1, 14)
    ReviewMeeting.objects.filter(pk=meeting.pk).update(held_on=meeting.held_on)
    Action.objects.update(due_on=dt.date(2026, 1, 19))

    page = client.get(detail(meeting)).content.decode()
    assert "Overdue" in page and "1 action overdue" in page


# --- Sharing and who sees what ---------------------------------------------------------------


def test_the_school_sees_nothing_before_sharing(client, cast, meeting):
    client.force_login(cast.alice)

    assert client.get(school_detail(meeting)).status_code == 404
    listing = client.get(reverse("school_reviews:schools_list"))
    assert listing.status_code == 200
    assert "has not shared a review meeting" in listing.content.decode()


def test_sharing_shows_the_meeting_to_its_school_only(client, cast, meeting):
    client.force_login(cast.officer)
    response = client.post(
        reverse("school_reviews:share", args=[meeting.uuid]), {"version": meeting.version}
    )
    assert response.status_code == 302
    assert Event.objects.filter(action="school_review.shared").count() == 1

    for person in (cast.alice, cast.headteacher, cast.school_dsl):
        client.force_login(person)
        page = client.get(school_detail(meeting))
        assert page.status_code == 200
        assert "Review meeting with School A" in page.content.decode()
        assert "Record the minutes" not in page.content.decode()
        assert (
            str(meeting.uuid) in client.get(reverse("school_reviews:schools_list")).content.decode()
        )
    client.force_login(cast.bob)
    assert client.get(school_detail(meeting)).status_code == 404
    assert (
        str(meeting.uuid) not in client.get(reverse("school_reviews:schools_list")).content.decode()
    )


REFUSED_CASEWORK = [
    "alice",
    "bob",
    "headteacher",
    "school_dsl",
    "provider_staff",
    "academy_staff",
    "agency_worker",
    "chair",
    "safeguarding",
    "finance",
    "outsider",
]


@pytest.mark.parametrize("name", REFUSED_CASEWORK)
def test_the_cap_teams_pages_answer_404_to_everyone_else(client, cast, meeting, name):
    client.force_login(getattr(cast, name))
    item = meeting.items.get()
    for url in (
        reverse("school_reviews:casework_list"),
        prepare_url(cast),
        detail(meeting),
        reverse("school_reviews:edit", args=[meeting.uuid]),
        reverse("school_reviews:minutes", args=[meeting.uuid]),
        reverse("school_reviews:action_new", args=[meeting.uuid]),
        reverse("school_reviews:item_notes", args=[meeting.uuid, item.uuid]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("school_reviews:share", args=[meeting.uuid]), {"version": meeting.version}
    )
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert not meeting.is_shared


@pytest.mark.parametrize(
    "name",
    ["bob", "provider_staff", "agency_worker", "chair", "safeguarding", "finance", "outsider"],
)
def test_a_shared_meeting_answers_404_to_all_but_its_school(client, cast, meeting, name):
    shared(meeting, cast)
    client.force_login(getattr(cast, name))

    assert client.get(school_detail(meeting)).status_code == 404


@pytest.mark.parametrize("name", ["officer", "monitoring", "manager"])
def test_the_cap_team_prepares_and_records(client, cast, meeting, name):
    client.force_login(getattr(cast, name))

    assert client.get(reverse("school_reviews:casework_list")).status_code == 200
    assert client.get(detail(meeting)).status_code == 200
    assert client.get(reverse("school_reviews:action_new", args=[meeting.uuid])).status_code == 200


def test_state_changes_are_post_only(client, cast, meeting):
    client.force_login(cast.officer)

    assert client.get(reverse("school_reviews:share", args=[meeting.uuid])).status_code == 405
    assert client.get(reverse("school_reviews:refresh", args=[meeting.uuid])).status_code == 405


# --- Marking actions done ----------------------------------------------------------------------


def _action(cast, meeting, *, owner, organisation):
    return services.action_add(
        meeting=meeting,
        text="Do it",
        due_on=MEETING_DAY,
        owner=owner,
        owner_organisation=organisation,
        by=cast.officer,
    )


def mark(client, action, done="yes"):
    return client.post(reverse("school_reviews:action_mark", args=[action.uuid]), {"done": done})


def test_the_school_marks_its_own_action_done(client, cast, meeting):
    action = _action(cast, meeting, owner=cast.alice, organisation=cast.school_a)
    shared(meeting, cast)
    client.force_login(cast.headteacher)

    response = mark(client, action)

    assert response.status_code == 302
    assert response.url == school_detail(meeting)
    action.refresh_from_db()
    assert action.is_done and action.done_by == cast.headteacher
    assert Event.objects.filter(action="school_review.action_done", actor=cast.headteacher).exists()
    mark(client, action, done="no")
    action.refresh_from_db()
    assert not action.is_done


def test_the_school_cannot_mark_the_cap_teams_action(client, cast, meeting):
    action = _action(cast, meeting, owner=cast.officer, organisation=cast.la)
    shared(meeting, cast)
    client.force_login(cast.alice)

    assert "Mark as done" not in client.get(school_detail(meeting)).content.decode()
    assert mark(client, action).status_code == 403
    action.refresh_from_db()
    assert not action.is_done


def test_the_school_cannot_mark_an_action_before_sharing(client, cast, meeting):
    action = _action(cast, meeting, owner=cast.alice, organisation=cast.school_a)
    client.force_login(cast.alice)

    assert mark(client, action).status_code == 404
    action.refresh_from_db()
    assert not action.is_done


@pytest.mark.parametrize("name", ["bob", "provider_staff", "agency_worker", "outsider"])
def test_nobody_else_marks_an_action(client, cast, meeting, name):
    action = _action(cast, meeting, owner=cast.alice, organisation=cast.school_a)
    shared(meeting, cast)
    client.force_login(getattr(cast, name))

    assert mark(client, action).status_code == 404
    action.refresh_from_db()
    assert not action.is_done


def test_the_cap_team_marks_any_action(client, cast, meeting):
    action = _action(cast, meeting, owner=cast.alice, organisation=cast.school_a)
    client.force_login(cast.officer)

    assert mark(client, action).url == detail(meeting)
    action.refresh_from_db()
    assert action.is_done


# --- Home pages ----------------------------------------------------------------------------------


def test_the_casework_home_shows_the_meetings_to_prepare(client, cast, meeting, programme):
    placement_with_marks(cast, programme, school=cast.school_b)
    client.force_login(cast.officer)

    page = client.get(reverse("dashboards:casework")).content.decode()

    assert "School review meetings" in page
    assert "1 meeting to prepare, 1 prepared" in page


def test_the_school_home_shows_the_next_shared_meeting_and_open_actions(client, cast, meeting):
    _action(cast, meeting, owner=cast.alice, organisation=cast.school_a)
    client.force_login(cast.alice)
    before = client.get(reverse("dashboards:schools")).content.decode()
    assert "No meeting coming up has been shared with you yet" in before
    assert "0 open actions" in before

    shared(meeting, cast)
    after = client.get(reverse("dashboards:schools")).content.decode()

    assert "Tuesday 3 February 2026 at 10am" in after
    assert "1 open action" in after
    client.force_login(cast.bob)
    assert "3 February 2026" not in client.get(reverse("dashboards:schools")).content.decode()


# --- Queries that do not grow -------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_meeting_page_takes_the_same_queries_for_few_or_many_students(client, cast, programme):
    for _ in range(2):
        placement_with_marks(cast, programme, school=cast.school_a, codes=PRESENT_8)
    for _ in range(6):
        placement_with_marks(cast, programme, school=cast.school_b, codes=PRESENT_8)
    small, big = prepare(cast, cast.school_a), prepare(cast, cast.school_b)
    for one in (small, big, small, big):
        _action(cast, one, owner=cast.officer, organisation=cast.la)
    client.force_login(cast.officer)
    _queries(client, detail(small))  # sessions and roles, read once

    assert _queries(client, detail(small)) == _queries(client, detail(big))


def test_the_meeting_page_takes_the_same_queries_for_one_action_or_ten(client, cast, programme):
    placement_with_marks(cast, programme, school=cast.school_a)
    placement_with_marks(cast, programme, school=cast.school_b)
    one, ten = prepare(cast, cast.school_a), prepare(cast, cast.school_b)
    _action(cast, one, owner=cast.officer, organisation=cast.la)
    for _ in range(10):
        _action(cast, ten, owner=cast.officer, organisation=cast.la)
    client.force_login(cast.officer)
    _queries(client, detail(one))  # sessions and roles, read once

    assert _queries(client, detail(one)) == _queries(client, detail(ten))


def test_a_meeting_holds_a_bounded_number_of_actions(cast, meeting, monkeypatch):
    monkeypatch.setattr(selectors, "ACTIONS_LIMIT", 2)
    _action(cast, meeting, owner=cast.officer, organisation=cast.la)
    _action(cast, meeting, owner=cast.officer, organisation=cast.la)
    with pytest.raises(Refused, match="the most one meeting can hold"):
        _action(cast, meeting, owner=cast.officer, organisation=cast.la)


def test_the_list_takes_the_same_queries_for_few_or_many_schools(client, cast, programme):
    placement_with_marks(cast, programme, school=cast.school_a)
    client.force_login(cast.officer)
    url = reverse("school_reviews:casework_list")
    _queries(client, url)
    few = _queries(client, url)
    for _ in range(4):
        school = SchoolFactory()
        placement_with_marks(cast, programme, school=school)
        prepare(cast, school)

    assert _queries(client, url) == few


# --- Changing the details -------------------------------------------------------------------------


def test_an_officer_changes_the_meetings_details(client, cast, meeting):
    client.force_login(cast.officer)
    url = reverse("school_reviews:edit", args=[meeting.uuid])

    response = client.post(
        url, MEETING_FORM | {"held_on_day": "5", "starts_at": "9:15am", "version": meeting.version}
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.starts_at) == (dt.date(2026, 2, 5), dt.time(9, 15))
    assert Event.objects.filter(action="school_review.updated").count() == 1


def test_the_meeting_cannot_move_past_an_actions_due_date(client, cast, meeting):
    _action(cast, meeting, owner=cast.alice, organisation=cast.school_a)  # due 3 February
    client.force_login(cast.officer)

    response = client.post(
        reverse("school_reviews:edit", args=[meeting.uuid]),
        MEETING_FORM | {"held_on_day": "10", "version": meeting.version},
    )

    assert response.status_code == 200
    assert "An action is due before this date" in str(response.context["form"].errors["held_on"])
    meeting.refresh_from_db()
    assert meeting.held_on == MEETING_DAY


def test_a_students_minutes_belong_to_their_meeting(client, cast, meeting, programme):
    other = prepare(cast, cast.school_b)
    client.force_login(cast.officer)
    url = reverse("school_reviews:item_notes", args=[meeting.uuid, other.items.get().uuid])

    assert client.get(url).status_code == 404


def test_the_list_shows_each_schools_students_and_meeting(client, cast, meeting):
    client.force_login(cast.officer)

    response = client.get(reverse("school_reviews:casework_list"))

    rows = {school.name: school for school in response.context["page"].object_list}
    assert rows["School A"].students_in_ap == 1
    assert rows["School A"].meeting_uuid == meeting.uuid
    assert rows["School B"].meeting_uuid is None
    assert "Prepare the meeting with School B" in response.content.decode().replace(
        '<span class="govuk-visually-hidden">', ""
    ).replace("</span>", "")


def test_an_officer_takes_the_agenda_again_from_the_meetings_page(client, cast, meeting, programme):
    newcomer = placement_with_marks(cast, programme, school=cast.school_a)
    client.force_login(cast.officer)
    url = reverse("school_reviews:refresh", args=[meeting.uuid])

    stale = client.post(url, {"version": meeting.version - 1}, follow=True)
    assert "Someone else changed this meeting" in stale.content.decode()
    assert newcomer.pk not in {i.placement_id for i in meeting.items.all()}

    response = client.post(url, {"version": meeting.version}, follow=True)

    assert "Agenda taken again" in response.content.decode()
    assert newcomer.pk in {i.placement_id for i in meeting.items.all()}
