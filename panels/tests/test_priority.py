"""Priority where places are short, on the panels' pages: the agenda in the order the rule
gives, with each item's reason, which items the meeting can hear and which carry over; the
waiting list's order, reasons and free places; who may see the order."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.workflow import Status
from lib.dates import long_date
from panels import services
from panels.models import ItemState
from panels.tests.conftest import DAY, at_panel, everyone_present, submitted
from programmes.models import Panel, Programme, Subscription

pytestmark = pytest.mark.django_db


def _referred(application: Application, days_ago: int) -> None:
    moment = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - days_ago * DAY, dt.time(12))
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=moment)


def _year_words(programme: Programme) -> str:
    return f"{programme.year.starts_on.year} to {programme.year.ends_on.year}"


@pytest.fixture
def agenda(cast, panels, programmes):
    """Today's Review and Authorisation Panel: a Flourish item from school B (no agreement)
    referred 20 days ago, a Refocus item from school A referred 18 days ago, and a Flourish
    item from school A (with the agreement) referred 15 days ago."""
    flourish, refocus = programmes["flourish"], programmes["refocus"]
    b_flourish = at_panel(cast, flourish, school=cast.school_b, by=cast.bob)
    a_refocus = at_panel(cast, refocus)
    a_flourish = at_panel(cast, flourish)
    Subscription.objects.filter(school=cast.school_b).delete()
    for application, days_ago in ((b_flourish, 20), (a_refocus, 18), (a_flourish, 15)):
        _referred(application, days_ago)
    return [a_flourish, b_flourish, a_refocus]


def _heard(page: str, applications) -> dict[str, bool]:
    """Each application's agenda row: whether it is to be heard (or else carries over)."""
    rows = page.split('<tr class="govuk-table__row">')
    result = {}
    for application in applications:
        (row,) = [r for r in rows if application.reference in r]
        assert ("To be heard" in row) != ("Carries to the next meeting" in row)
        result[application.reference] = "To be heard" in row
    return result


def test_the_agenda_puts_the_subscribing_school_first_for_flourish_and_says_why(
    client, cast, panels, programmes, agenda
):
    a_flourish, b_flourish, a_refocus = agenda
    client.force_login(cast.officer)
    url = reverse("casework_meetings:meeting", args=[panels.rap.meetings.today.uuid])
    page = client.get(url).content.decode()
    # School A's Flourish item first though referred last; then by date: B's Flourish, then
    # A's Refocus, which gives no priority.
    assert page.index(a_flourish.reference) < page.index(b_flourish.reference)
    assert page.index(b_flourish.reference) < page.index(a_refocus.reference)
    words = _year_words(programmes["flourish"])
    assert page.count(f"Priority: School A has the service level agreement for {words}") == 1
    fifteen = long_date(timezone.localdate() - 15 * DAY, weekday=False)
    assert f"Referred {fifteen}" in page
    assert "Carries to the next meeting" not in page
    assert page.count("To be heard") == 3


def test_members_read_the_agenda_and_the_pack_in_the_same_order_with_the_reasons(
    client, cast, panels, programmes, agenda
):
    a_flourish, b_flourish, a_refocus = agenda
    meeting = panels.rap.meetings.today
    services.pack_publish(meeting=meeting, by=cast.officer)
    client.force_login(cast.chair)
    for name in ("panels:meeting", "panels:pack"):
        page = client.get(reverse(name, args=[meeting.uuid])).content.decode()
        assert page.index(a_flourish.reference) < page.index(b_flourish.reference)
        assert page.index(b_flourish.reference) < page.index(a_refocus.reference)
        assert "Priority: School A has the service level agreement" in page, name


def test_items_past_the_meetings_limit_carry_to_the_next_meeting(
    client, cast, panels, programmes, agenda
):
    _, b_flourish, a_refocus = agenda
    Panel.objects.filter(pk=panels.rap.panel.pk).update(items_per_meeting=2)
    meeting = panels.rap.meetings.today
    client.force_login(cast.officer)
    page = client.get(reverse("casework_meetings:meeting", args=[meeting.uuid])).content.decode()
    assert "2: the rest carry to the panel's next meeting" in page
    assert _heard(page, agenda) == {a.reference: a is not a_refocus for a in agenda}

    # Closing the meeting carries the item past the limit, saying why, and rolls the one
    # not heard within it.
    meeting.panel.refresh_from_db()
    everyone_present(meeting, cast.officer)
    services.meeting_close(meeting=meeting, by=cast.officer)
    carried = a_refocus.agenda_items.get(state=ItemState.WAITING)
    assert carried.meeting == panels.rap.meetings.next
    assert carried.move_reason == (
        f"Carried from {long_date(meeting.date)}: the meeting could hear 2 items"
    )
    rolled = b_flourish.agenda_items.get(state=ItemState.WAITING)
    assert rolled.move_reason == f"Not heard on {long_date(meeting.date)}"


def test_a_later_subscribing_schools_item_takes_a_place_ahead_of_the_others(
    client, cast, panels, programmes, agenda
):
    """Priority is behaviour: with a limit of one, the item heard is the subscribing
    school's, however late it came."""
    a_flourish = agenda[0]
    Panel.objects.filter(pk=panels.rap.panel.pk).update(items_per_meeting=1)
    client.force_login(cast.officer)
    url = reverse("casework_meetings:meeting", args=[panels.rap.meetings.today.uuid])
    page = client.get(url).content.decode()
    assert _heard(page, agenda) == {a.reference: a is a_flourish for a in agenda}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name",
    ["casework_meetings:meeting", "casework_meetings:pack", "casework_meetings:waiting_lists"],
)
def test_the_ordered_pages_make_the_same_queries_at_two_sizes(
    client, cast, panels, programmes, name
):
    meeting = panels.rap.meetings.today
    Panel.objects.filter(pk=panels.rap.panel.pk).update(items_per_meeting=3)
    Programme.objects.filter(pk=programmes["refocus"].pk).update(
        subscriber_priority=True, subscription_required=False
    )
    args = [] if name.endswith("waiting_lists") else [meeting.uuid]
    url = reverse(name, args=args)
    client.force_login(cast.officer)

    def more(n: int) -> None:
        for i in range(n):
            school, by = (cast.school_a, cast.alice) if i % 2 else (cast.school_b, cast.bob)
            application = at_panel(cast, programmes["flourish"], school=school, by=by)
            waiting = submitted(cast, programmes["refocus"], school=school, by=by)
            Application.objects.filter(pk=waiting.pk).update(status=Status.WAITING_LIST)
            _referred(application, i + 1)
        Subscription.objects.filter(school=cast.school_b).delete()

    more(2)
    few = _queries(client, url)
    more(5)
    assert _queries(client, url) == few


def test_the_waiting_list_shows_the_order_the_reasons_and_the_free_places(
    client, cast, panels, programmes
):
    refocus = programmes["refocus"]
    Programme.objects.filter(pk=refocus.pk).update(
        subscriber_priority=True, subscription_required=False
    )
    b_early = submitted(cast, refocus, school=cast.school_b, by=cast.bob)
    a_late = submitted(cast, refocus)
    Subscription.objects.filter(school=cast.school_b).delete()
    for application, days_ago in ((b_early, 10), (a_late, 2)):
        Application.objects.filter(pk=application.pk).update(status=Status.WAITING_LIST)
        _referred(application, days_ago)
    # One place left in the cohorts to come.
    cohorts = list(refocus.cohorts.filter(starts_on__gt=timezone.localdate()))
    for cohort in cohorts:
        cohort.capacity = 0
        cohort.save()
    cohorts[-1].capacity = 1
    cohorts[-1].save()
    client.force_login(cast.officer)
    page = client.get(reverse("casework_meetings:waiting_lists")).content.decode()
    assert page.index(a_late.reference) < page.index(b_early.reference)
    assert "Priority: School A has the service level agreement" in page
    assert f"Referred {long_date(timezone.localdate() - 10 * DAY, weekday=False)}" in page
    assert "1 place free in the cohorts to come goes to the first on the list." in page
    assert page.count("A place is free") == 1
    assert page.index("A place is free") < page.index(b_early.reference)


@pytest.mark.parametrize("who", ["alice", "bob", "headteacher", "provider_staff", "outsider"])
def test_schools_and_others_never_see_the_order(client, cast, panels, programmes, agenda, who):
    client.force_login(getattr(cast, who))
    meeting = panels.rap.meetings.today
    for name, args in (
        ("casework_meetings:meeting", [meeting.uuid]),
        ("casework_meetings:waiting_lists", []),
        ("panels:meeting", [meeting.uuid]),
        ("panels:pack", [meeting.uuid]),
    ):
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name


def test_a_school_sees_its_own_application_but_no_order_and_no_other_school(
    client, cast, panels, programmes, agenda
):
    a_flourish, b_flourish, _ = agenda
    client.force_login(cast.alice)
    page = client.get(reverse("applications:detail", args=[a_flourish.uuid])).content.decode()
    assert "Priority:" not in page
    assert "School B" not in page and b_flourish.reference not in page
    assert client.get(reverse("applications:detail", args=[b_flourish.uuid])).status_code == 404
