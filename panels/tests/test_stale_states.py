"""Pages say what is true now: a meeting already held says so, with its decisions, instead
of "not published"; an empty agenda offers no pack to publish, and the service refuses one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.models import MeetingRecord
from panels.tests.conftest import at_panel, decide, everyone_present
from programmes.models import Meeting


@pytest.fixture
def held(cast, panels, programmes):
    """Yesterday's Review and Authorisation Panel: one Flourish application decided, the
    pack never published."""
    application = at_panel(cast, programmes["flourish"])
    meeting = panels.rap.meetings.today
    everyone_present(meeting, cast.officer)
    decide(application, cast.chair)
    Meeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate() - dt.timedelta(days=1))
    meeting.refresh_from_db()
    return meeting


def _row_of(page: str, meeting: Meeting) -> str:
    start = page.index(str(meeting.uuid))
    return page[start : page.index("</tr>", start)]


def test_the_chair_s_home_says_a_held_meeting_was_held_with_its_decisions(
    client, cast, panels, held
):
    client.force_login(cast.chair)
    page = client.get(reverse("dashboards:panels")).content.decode()
    row = _row_of(page, held)
    assert "Held" in row and "1 decision recorded" in row
    assert "Not published yet" not in row
    # A meeting to come with nothing on its agenda has no pack to wait for either.
    assert "Nothing on the agenda yet" in _row_of(page, panels.rap.meetings.next)


def test_a_held_meeting_s_page_tells_the_chair_it_was_held_not_that_its_pack_waits(
    client, cast, panels, held
):
    client.force_login(cast.chair)
    page = client.get(reverse("panels:meeting", args=[held.uuid])).content.decode()
    assert (
        f"This meeting was held on {held.date.day} {held.date:%B %Y}: 1 decision recorded." in page
    )
    assert "has not published the pack" not in page
    assert "You will get an e-mail" not in page


def test_the_officer_is_not_offered_to_publish_an_empty_agenda_and_is_told_why(
    client, cast, panels
):
    meeting = panels.rap.meetings.next
    client.force_login(cast.officer)
    page = client.get(reverse("casework_meetings:meeting", args=[meeting.uuid])).content.decode()
    assert "Publish the pack" not in page
    assert "There is no pack to publish: no application is waiting to be heard" in page
    assert "Nothing to publish: the agenda is empty" in page
    # Sent anyway, the request is refused, saying why, and nothing is published.
    response = client.post(reverse("casework_meetings:publish", args=[meeting.uuid]), follow=True)
    assert "The agenda is empty: there is nothing to publish." in response.content.decode()
    assert not MeetingRecord.objects.filter(
        meeting=meeting, pack_published_at__isnull=False
    ).exists()
    with pytest.raises(services.Refused):
        services.pack_publish(meeting=meeting, by=cast.officer)


def test_the_officer_is_offered_to_publish_an_agenda_with_items(client, cast, panels, programmes):
    at_panel(cast, programmes["flourish"])
    meeting = panels.rap.meetings.today
    client.force_login(cast.officer)
    page = client.get(reverse("casework_meetings:meeting", args=[meeting.uuid])).content.decode()
    assert "Publish the pack to the panel" in page
    assert "There is no pack to publish" not in page


def test_a_meeting_date_the_authority_has_not_confirmed_shows_its_flag(client, cast, panels):
    meeting = panels.rap.meetings.next
    Meeting.objects.filter(pk=meeting.pk).update(flags=["calendar row 5: outside the year."])
    client.force_login(cast.officer)
    for url in (
        reverse("casework_meetings:meeting", args=[meeting.uuid]),
        reverse("casework_meetings:meetings"),
    ):
        assert "Not confirmed" in client.get(url).content.decode()


def test_a_meeting_without_a_date_yet_opens_as_one_still_to_come(client, cast, panels):
    """The model file may leave a meeting's date unset: its page opens all the same."""
    meeting = panels.rap.meetings.next
    Meeting.objects.filter(pk=meeting.pk).update(date=None)
    client.force_login(cast.officer)
    response = client.get(reverse("casework_meetings:meeting", args=[meeting.uuid]))
    assert response.status_code == 200
    assert "This meeting was held" not in response.content.decode()
