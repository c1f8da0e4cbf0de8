"""The agency pages: the professional's view of a linked student (audited, 404 otherwise),
what they add to reviews, the concern they may raise; the school's and CAP officers'
pages that link and unlink; the agency home."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.tests.conftest import add_records, link, place
from audit.models import Event
from placements.models import ReviewEntry
from placements.services import placement_exit
from students.models import AgencyLink
from students.tests.factories import StudentFactory


def _student_url(student):
    return reverse("agencies:student", args=[student.uuid])


# --- The professional's page of a linked student ----------------------------------------


def test_a_linked_professional_reads_plans_reviews_and_placement(
    client, cast, student, placement, review, linked
):
    client.force_login(cast.agency_worker)
    response = client.get(_student_url(student))
    assert response.status_code == 200
    text = response.text
    assert "Jayden Walker" in text
    assert placement.provider.name in text
    assert "Plan summary 0" in text
    assert "Review notes 0" in text
    assert "Jane Smith, mother" in text
    # Audited, naming the link, with the student by identifier only.
    event = Event.objects.get(action="agency_link.student_read")
    assert (event.actor, event.object_id, event.detail) == (
        cast.agency_worker,
        str(linked.uuid),
        {"student": str(student.uuid)},
    )
    # Every read, not the first only.
    client.get(_student_url(student))
    assert Event.objects.filter(action="agency_link.student_read").count() == 2


def test_the_page_refuses_a_post(client, cast, student, linked):
    client.force_login(cast.agency_worker)
    assert client.post(_student_url(student)).status_code == 405


def test_an_unlinked_student_is_not_found(client, cast, student, placement, other_agency_worker):
    link(student, cast.agency_worker, by=cast.alice)
    other = StudentFactory(home_school=cast.school_a)
    client.force_login(cast.agency_worker)
    assert client.get(_student_url(other)).status_code == 404
    client.force_login(other_agency_worker)
    assert client.get(_student_url(student)).status_code == 404
    assert not Event.objects.filter(action="agency_link.student_read").exists()


@pytest.mark.parametrize("who", ["alice", "officer", "provider_staff", "outsider"])
def test_only_agency_professionals_enter_the_agency_pages(client, cast, student, linked, who):
    client.force_login(getattr(cast, who))
    assert client.get(_student_url(student)).status_code in (403, 404)


def test_a_removed_link_shows_nothing_more(client, cast, student, linked):
    client.force_login(cast.alice)
    client.post(reverse("agencies:link_end", args=[linked.uuid]), {"reason": "no_longer_involved"})
    client.force_login(cast.agency_worker)
    assert client.get(_student_url(student)).status_code == 404


def test_links_end_when_the_students_last_placement_ends(
    client, cast, student, placement, programme, linked
):
    second = place(student, provider=cast.academy, programme=programme, by=cast.officer)
    today = timezone.localdate()
    placement_exit(
        placement=placement,
        ended_on=today,
        outcome="returned",
        detail="",
        version=placement.version,
        by=cast.officer,
    )
    linked.refresh_from_db()
    assert linked.is_open  # the student is still placed
    placement_exit(
        placement=second,
        ended_on=today,
        outcome="returned",
        detail="",
        version=second.version,
        by=cast.officer,
    )
    linked.refresh_from_db()
    assert (linked.is_open, linked.end_reason) == (False, "placement_ended")
    client.force_login(cast.agency_worker)
    assert client.get(_student_url(student)).status_code == 404


# --- Notes and actions on reviews -------------------------------------------------------


def _note_url(student, review):
    return reverse("agencies:review_note_add", args=[student.uuid, review.uuid])


def _action_url(student, review):
    return reverse("agencies:review_action_add", args=[student.uuid, review.uuid])


def test_a_linked_professional_adds_a_note_to_a_review(client, cast, student, review, linked):
    client.force_login(cast.agency_worker)
    form = client.get(_note_url(student, review)).text
    assert "Add a note to the review on" in form and "Who will do it" not in form
    response = client.post(_note_url(student, review), {"text": "Mum says sleep is better."})
    assert response.status_code == 302
    entry = ReviewEntry.objects.get()
    assert (entry.kind, entry.recorded_by, entry.recorded_for, entry.text) == (
        "note",
        cast.agency_worker,
        cast.agency,
        "Mum says sleep is better.",
    )
    event = Event.objects.get(action="placement.review_note_added")
    assert event.detail == {"review": str(review.uuid), "entry": str(entry.uuid)}
    # The school reads it on the placement's page.
    client.force_login(cast.alice)
    page = client.get(reverse("placements:schools_detail", args=[review.placement.uuid]))
    assert "Mum says sleep is better." in page.text


def test_a_linked_professional_adds_an_action_to_a_review(client, cast, student, review, linked):
    client.force_login(cast.agency_worker)
    form = client.get(_action_url(student, review)).text
    assert "Add an action to the review on" in form and "Who will do it" in form
    due = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        _action_url(student, review),
        {
            "text": "Book a family session",
            "owner": "Sophie, Early Help",
            "due_on_day": due.day,
            "due_on_month": due.month,
            "due_on_year": due.year,
        },
    )
    assert response.status_code == 302
    entry = ReviewEntry.objects.get()
    assert (entry.kind, entry.owner, entry.due_on) == ("action", "Sophie, Early Help", due)
    assert "Book a family session" in client.get(_student_url(student)).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "owner": "Me"}, "Enter the action"),
        ({"text": "Call", "owner": ""}, "Enter who will do it"),
        ({"text": "Call", "owner": "Me", "past": True}, "today or in the future"),
    ],
)
def test_a_bad_action_is_refused_and_kept(client, cast, student, review, linked, data, message):
    day = timezone.localdate() + dt.timedelta(days=-1 if data.pop("past", False) else 3)
    client.force_login(cast.agency_worker)
    response = client.post(
        _action_url(student, review),
        {**data, "due_on_day": day.day, "due_on_month": day.month, "due_on_year": day.year},
    )
    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error:" in response.text
    assert not ReviewEntry.objects.exists()


def test_an_unlinked_professional_adds_nothing_to_a_review(
    client, cast, student, review, other_agency_worker, linked
):
    client.force_login(other_agency_worker)
    assert client.post(_note_url(student, review), {"text": "Hello"}).status_code == 404
    other = StudentFactory(home_school=cast.school_a)
    client.force_login(cast.agency_worker)
    # A review of another student, through the linked student's address.
    other_review = add_records(
        place(other, provider=cast.provider, programme=review.placement.programme, by=cast.officer),
        by=cast.officer,
    )[0]
    assert client.post(_note_url(student, other_review), {"text": "Hello"}).status_code == 404
    assert not ReviewEntry.objects.exists()


# --- The school's and CAP officers' pages -----------------------------------------------


def _link_data(**changes):
    today = timezone.localdate()
    return {
        "professional_email": "placeholder",
        "consent_given_by": "Jane Smith, mother",
        "consent_given_on_day": today.day,
        "consent_given_on_month": today.month,
        "consent_given_on_year": today.year,
        "consent_method": "email",
        **changes,
    }


@pytest.mark.parametrize("who", ["alice", "officer"])
def test_the_school_or_an_officer_links_a_professional(client, cast, student, placement, who):
    client.force_login(getattr(cast, who))
    # The way in: the student's page for the school, the placement's for CAP.
    if who == "alice":
        page = client.get(reverse("students:detail", args=[student.uuid]))
    else:
        page = client.get(reverse("placements:casework_detail", args=[placement.uuid]))
    assert reverse("agencies:links", args=[student.uuid]) in page.text
    url = reverse("agencies:link_add", args=[student.uuid])
    assert client.get(url).status_code == 200
    response = client.post(url, _link_data(professional_email=cast.agency_worker.email.upper()))
    assert response.status_code == 302
    link_ = AgencyLink.objects.get()
    assert (link_.professional, link_.consent_method) == (cast.agency_worker, "email")
    links_page = client.get(reverse("agencies:links", args=[student.uuid]))
    assert cast.agency_worker.full_name in links_page.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"professional_email": "nobody@example.com"}, "There is no agency professional"),
        ({"consent_given_by": ""}, "Enter who gave consent"),
        ({"consent_method": ""}, "Select how consent was given"),
        ({"consent_given_on_year": "2099"}, "today or in the past"),
    ],
)
def test_a_link_without_consent_is_refused(client, cast, student, placement, changes, message):
    client.force_login(cast.alice)
    data = _link_data(**{"professional_email": cast.agency_worker.email, **changes})
    response = client.post(reverse("agencies:link_add", args=[student.uuid]), data)
    assert response.status_code == 200
    assert message in response.text
    assert not AgencyLink.objects.exists()


def test_a_student_without_a_placement_is_not_linked(client, cast, student):
    """The link ends with the student's last placement: one made without a placement would
    never end by itself."""
    client.force_login(cast.alice)
    data = _link_data(professional_email=cast.agency_worker.email)
    response = client.post(reverse("agencies:link_add", args=[student.uuid]), data)
    assert response.status_code == 200
    assert "has no placement that has not ended" in response.text
    assert data["consent_given_by"] in response.text  # nothing typed is lost
    assert not AgencyLink.objects.exists()


def test_an_address_without_an_account_reads_like_one_that_is_not_a_professional(
    client, cast, student, placement
):
    """The form tells nobody which addresses have accounts."""
    client.force_login(cast.alice)
    url = reverse("agencies:link_add", args=[student.uuid])
    for email in ("nobody@example.com", cast.bob.email):
        response = client.post(url, _link_data(professional_email=email))
        assert "There is no agency professional on CAP with this address" in response.text
    assert not AgencyLink.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("bob", 404), ("provider_staff", 404), ("agency_worker", 404), ("monitoring", 403)],
)
def test_others_cannot_open_the_link_pages(client, cast, student, linked, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("agencies:links", args=[student.uuid])).status_code == status
    assert client.get(reverse("agencies:link_add", args=[student.uuid])).status_code == status
    end = reverse("agencies:link_end", args=[linked.uuid])
    assert client.post(end, {"reason": "made_in_error"}).status_code == status
    linked.refresh_from_db()
    assert linked.is_open


def test_the_school_removes_a_link_saying_why(client, cast, student, linked):
    client.force_login(cast.headteacher)
    url = reverse("agencies:link_end", args=[linked.uuid])
    refused = client.post(url, {})
    assert refused.status_code == 200 and "Select why the link ends" in refused.text
    response = client.post(url, {"reason": "consent_withdrawn"})
    assert response.status_code == 302
    linked.refresh_from_db()
    assert (linked.is_open, linked.ended_by) == (False, cast.headteacher)
    assert client.get(url).status_code == 404  # already ended


# --- The agency home ------------------------------------------------------------------


def test_the_home_lists_linked_students_with_what_is_new(client, cast, student, placement, linked):
    client.force_login(cast.agency_worker)
    home = client.get(reverse("dashboards:agencies")).text
    assert "Jayden Walker" in home and "Nothing new" in home
    assert "How to be linked to a student" in home
    add_records(placement, by=cast.provider_staff, reviews=2, plans=1)
    home = client.get(reverse("dashboards:agencies")).text
    assert "2 review meetings" in home and "1 support plan" in home
    assert "1 of your students has new plans, reviews or notes" in home
    client.get(_student_url(student))  # seen
    home = client.get(reverse("dashboards:agencies")).text
    assert "Nothing new since you last looked" in home and "2 review meetings" not in home


def test_the_home_says_how_to_be_linked_when_there_is_no_student(client, cast):
    client.force_login(cast.agency_worker)
    home = client.get(reverse("dashboards:agencies")).text
    assert "You are not linked to any student yet" in home
    assert "Nothing is waiting for you" not in home


def _students(cast, programme, n):
    for _ in range(n):
        student = StudentFactory(home_school=cast.school_a)
        placement = place(student, provider=cast.provider, programme=programme, by=cast.officer)
        add_records(placement, by=cast.provider_staff, reviews=2, plans=2)
        link(student, cast.agency_worker, by=cast.alice)
    return student


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_home_takes_the_same_queries_whatever_the_number_of_students(client, cast, programme):
    client.force_login(cast.agency_worker)
    url = reverse("dashboards:agencies")
    _students(cast, programme, 1)
    client.get(url)
    few = _queries(client, url)
    _students(cast, programme, 4)
    assert _queries(client, url) == few


def test_the_student_page_takes_the_same_queries_whatever_the_records(
    client, cast, student, programme, linked
):
    client.force_login(cast.agency_worker)
    first = place(student, provider=cast.provider, programme=programme, by=cast.officer)
    add_records(first, by=cast.provider_staff)
    url = _student_url(student)
    client.get(url)
    few = _queries(client, url)
    second = place(student, provider=cast.academy, programme=programme, by=cast.officer)
    for review in add_records(second, by=cast.provider_staff, reviews=3, plans=3):
        ReviewEntry.objects.create(
            review=review,
            kind="note",
            text="A note",
            recorded_by=cast.officer,
            recorded_for=cast.la,
        )
    assert _queries(client, url) == few
