"""The CAP manager's retention page: what goes in the next 30 days (counts by kind and the
students, 50 a page, in constant queries), students on hold shown as held, the last runs;
placing and lifting a legal hold with a reason, audited; everyone else refused."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from privacy.models import LegalHold
from privacy.retention import legal_hold_set, retention_run, years_before
from students.tests.factories import StudentFactory

URL = reverse("privacy:retention")


def _due_in(days: int, **fields):
    """A student whose 25th birthday is `days` from today."""
    born = years_before(timezone.localdate() + dt.timedelta(days=days), 25)
    return StudentFactory(date_of_birth=born, **fields)


@pytest.fixture
def due(cast):
    return _due_in(10, legal_first_name="Dana", legal_last_name="Due", home_school=cast.school_a)


def test_the_manager_sees_what_goes_in_the_next_30_days(client, cast, due):
    held = _due_in(20, legal_first_name="Harry", legal_last_name="Held")
    legal_hold_set(student=held, reason="Proceedings", by=cast.manager)
    _due_in(45, legal_first_name="Later", legal_last_name="Lee")
    client.force_login(cast.manager)
    page = client.get(URL).content.decode()
    goes_on = (timezone.localdate() + dt.timedelta(days=10)).strftime("%-d %B %Y")
    assert "Dana Due" in page and f"Record anonymised on {goes_on}" in page
    assert "Harry Held" in page and "Held</strong>" in page
    assert "Later" not in page
    # The count leaves out the held student.
    assert "Students’ records anonymised</th>" in page
    counts = page.split("What goes by")[1].split("</table>")[0]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in counts
    assert reverse("privacy:retention_hold", args=[due.uuid]) in page
    assert reverse("privacy:retention_hold", args=[held.uuid]) not in page
    hold = LegalHold.objects.get(student=held)
    assert reverse("privacy:retention_hold_lift", args=[hold.uuid]) in page
    assert "The retention job has not run yet." in page


def test_the_last_runs_say_what_they_removed(client, cast, due):
    retention_run(on=timezone.localdate() + dt.timedelta(days=30))
    client.force_login(cast.manager)
    page = client.get(URL).content.decode()
    assert "Students’ records anonymised: 1" in page
    assert "Dana" not in page  # anonymised by the run


@pytest.mark.parametrize("students", [3, 60])
def test_the_page_takes_the_same_queries_however_many_students(
    client, cast, django_assert_num_queries, students
):
    for n in range(students):
        student = _due_in(n % 30, home_school=cast.school_a)
        if n % 3 == 0:
            legal_hold_set(student=student, reason="Held", by=cast.manager)
    retention_run(on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(cast.manager)
    client.get(URL)  # the session and the site's settings, once
    # What goes with the ending records counted in one query, not one a kind; the same at
    # 3 and 60.
    with django_assert_num_queries(23):
        response = client.get(URL)
    assert response.content.decode().count("UPN ") == min(students, 50)


def test_the_students_are_paged_50_at_a_time(client, cast):
    for n in range(51):
        _due_in(5, legal_last_name=f"Pupil{n:02d}", home_school=cast.school_a)
    client.force_login(cast.manager)
    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and first.count("UPN ") == 50
    assert second.count("UPN ") == 1 and "Pupil50" in second


def test_the_manager_places_a_legal_hold_with_a_reason(client, cast, due):
    client.force_login(cast.manager)
    url = reverse("privacy:retention_hold", args=[due.uuid])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "<title>Error: " in refused.content.decode()
    assert "Enter why you are placing the legal hold" in refused.content.decode()
    assert not LegalHold.objects.exists()

    response = client.post(url, {"reason": "Subject access request SAR-17"})
    assert response.status_code == 302 and response.url == URL
    hold = LegalHold.objects.get(student=due, lifted_at=None)
    assert (hold.reason, hold.set_by) == ("Subject access request SAR-17", cast.manager)
    event = Event.objects.get(action="retention.hold_set")
    assert event.object_id == str(due.uuid) and event.detail == {"hold": str(hold.uuid)}
    assert "SAR-17" not in str(event.detail)
    # Asked again, the page is the lift page.
    again = client.get(url)
    assert again.url == reverse("privacy:retention_hold_lift", args=[hold.uuid])


def test_the_manager_lifts_a_hold_with_a_reason(client, cast, due):
    hold = legal_hold_set(student=due, reason="Proceedings", by=cast.manager)
    client.force_login(cast.manager)
    url = reverse("privacy:retention_hold_lift", args=[hold.uuid])
    assert "Enter why you are lifting" in client.post(url, {"reason": " "}).content.decode()
    assert client.post(url, {"reason": "Proceedings closed"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at and hold.lifted_reason == "Proceedings closed"
    assert Event.objects.filter(action="retention.hold_lifted", object_id=str(due.uuid)).exists()
    # A lifted hold cannot be lifted again.
    assert client.get(url).status_code == 404


def _urls(cast, student):
    hold = legal_hold_set(student=student, reason="Held", by=cast.manager)
    other = StudentFactory(home_school=cast.school_a)
    return [
        URL,
        reverse("privacy:retention_hold", args=[other.uuid]),
        reverse("privacy:retention_hold_lift", args=[hold.uuid]),
    ]


@pytest.mark.parametrize("who", ["officer", "monitoring", "safeguarding"])
def test_the_rest_of_the_authority_gets_not_found(client, cast, due, who):
    urls = _urls(cast, due)
    client.force_login(getattr(cast, who))
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "Mine"}).status_code in (404, 405)
    assert LegalHold.objects.count() == 1 and LegalHold.objects.get().lifted_at is None


@pytest.mark.parametrize(
    "who",
    ["alice", "headteacher", "school_dsl", "provider_staff", "finance", "agency_worker", "chair"],
)
def test_schools_providers_agencies_and_finance_are_refused(client, cast, due, who):
    urls = _urls(cast, due)
    client.force_login(getattr(cast, who))
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "Mine"}).status_code == 403
    assert LegalHold.objects.get().lifted_at is None


def test_it_asks_who_you_are_first(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "next=" in response.url


def test_the_page_only_shows(client, cast):
    client.force_login(cast.manager)
    assert client.post(URL).status_code == 405


def test_the_cap_managers_home_page_links_to_it(client, cast):
    client.force_login(cast.manager)
    assert URL in client.get(reverse("dashboards:casework")).content.decode()
    client.force_login(cast.officer)
    assert URL not in client.get(reverse("dashboards:casework")).content.decode()
