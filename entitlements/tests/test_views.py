"""The entitlements pages: who opens them, who is refused, bad input beside its field, and
a fixed number of queries whatever the amount of data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import SchoolFactory
from entitlements.models import Allocation, Delivery
from entitlements.tests.factories import AllocationFactory, DeliveryFactory, subscribe
from students.tests.factories import StudentFactory

D = dt.date


def casework_url(world):
    return reverse("entitlements:casework") + f"?year={world.year.uuid}"


def allocate_url(world):
    return reverse("entitlements:allocate", args=[world.year.uuid])


def as_(client, user):
    client.force_login(user)
    return client


# --- The CAP team's list -------------------------------------------------------------------


def test_the_officer_sees_allocations_by_school_with_missed_weeks_flagged(client, cast, world):
    page = as_(client, cast.officer).get(casework_url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert "SEMHL practitioner in school" in text
    assert "Sam Practitioner, each Tuesday" in text
    # Tuesdays since 8 September 2026 with nothing logged.
    assert "missed</strong>" in text
    # The confidential one-to-ones are not the officer's to know of.
    assert "Collaborative leadership" not in text
    assert "Pat Leader" not in text


def test_the_manager_sees_the_one_to_ones_too(client, cast, world):
    text = as_(client, cast.manager).get(casework_url(world)).content.decode()
    assert "Collaborative leadership support" in text


@pytest.mark.parametrize(("who", "status"), [("monitoring", 404), ("safeguarding", 404)])
def test_casework_without_the_cap_team_s_role_finds_nothing(client, cast, world, who, status):
    assert as_(client, getattr(cast, who)).get(casework_url(world)).status_code == status


@pytest.mark.parametrize("who", ["alice", "headteacher", "provider_staff", "finance"])
def test_other_areas_are_refused_the_casework_pages(client, cast, world, who):
    assert as_(client, getattr(cast, who)).get(casework_url(world)).status_code == 403


def test_an_unknown_year_is_not_found(client, cast, world):
    url = reverse("entitlements:casework") + "?year=not-a-uuid"
    assert as_(client, cast.officer).get(url).status_code == 404


# --- Allocating ----------------------------------------------------------------------------


def allocation_post(world, school, **changes):
    return {
        "school": str(school.uuid),
        "benefit": str(world.benefits["semhl-practitioner"].uuid),
        "given_by": "Robin Practitioner",
        "weekday": "3",
        "student": "",
        "starts_on_day": "2",
        "starts_on_month": "11",
        "starts_on_year": "2026",
        "note": "",
    } | changes


def test_the_officer_allocates_the_practitioner_to_a_subscribing_school(client, cast, world):
    client = as_(client, cast.officer)
    form = client.get(allocate_url(world)).content.decode()
    assert "School A" in form and "School B" not in form
    # Only what the officer may allocate: no one-to-ones, no event places.
    assert "Collaborative leadership" not in form.split("<form")[1]
    assert "Network and training events" not in form.split("<form")[1]
    response = client.post(allocate_url(world), allocation_post(world, cast.school_a))
    allocation = Allocation.objects.get(given_by="Robin Practitioner")
    assert response.status_code == 302
    assert response.url == reverse("entitlements:allocation", args=[allocation.uuid])
    assert (allocation.weekday, allocation.starts_on) == (3, D(2026, 11, 2))


def test_a_school_that_does_not_subscribe_is_refused_beside_the_field(client, cast, world):
    response = as_(client, cast.officer).post(
        allocate_url(world), allocation_post(world, cast.school_b)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in text
    assert 'id="id_school-error"' in text
    assert "Select a school that subscribes for the year" in text
    assert not Allocation.objects.filter(given_by="Robin Practitioner").exists()


def test_the_service_s_refusal_is_shown_beside_its_field_and_nothing_typed_is_lost(
    client, cast, world
):
    response = as_(client, cast.officer).post(
        allocate_url(world), allocation_post(world, cast.school_a, weekday="")
    )
    text = response.content.decode()
    assert "<title>Error: " in text
    assert 'class="govuk-error-summary"' in text
    assert 'href="#id_weekday_0">Select the day each week</a>' in text
    assert 'id="id_weekday-error"' in text
    assert 'value="Robin Practitioner"' in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"given_by": ""}, "given_by", "Enter who gives it"),
        ({"starts_on_month": "13"}, "starts_on", "the month must be a number from 1 to 12"),
        ({"student": "A123"}, "student", "No student with the UPN A123"),
        ({"benefit": "nonsense"}, "benefit", "Select a benefit from the list"),
    ],
)
def test_bad_input_is_shown_beside_its_field(client, cast, world, changes, field, message):
    response = as_(client, cast.officer).post(
        allocate_url(world), allocation_post(world, cast.school_a, **changes)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in text
    assert message in text
    assert Allocation.objects.count() == 2  # the world's two


def test_a_student_on_another_school_s_roll_is_refused(client, cast, world):
    response = as_(client, cast.officer).post(
        allocate_url(world),
        allocation_post(
            world,
            cast.school_a,
            benefit=str(world.benefits["yjs-mentor"].uuid),
            student=world.student_b.upn,
        ),
    )
    assert "The student is not on School A&#x27;s roll" in response.content.decode()


def test_allocating_is_get_or_post_only(client, cast, world):
    assert as_(client, cast.officer).put(allocate_url(world)).status_code == 405


# --- An allocation and its deliveries ------------------------------------------------------


def test_the_officer_logs_a_delivery(client, cast, world):
    client = as_(client, cast.officer)
    url = reverse("entitlements:delivery_log", args=[world.semhl.uuid])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "on_day": "8",
            "on_month": "9",
            "on_year": "2026",
            "delivered_by": "Sam Practitioner",
            "what": "Group work on friendships",
            "students": f"{world.student_a.upn}\n",
        },
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert (delivery.on, delivery.what) == (D(2026, 9, 8), "Group work on friendships")
    assert list(delivery.students.all()) == [world.student_a]
    page = client.get(reverse("entitlements:allocation", args=[world.semhl.uuid]))
    assert "Group work on friendships" in page.content.decode()


def test_a_delivery_with_bad_input_keeps_what_was_typed(client, cast, world):
    response = as_(client, cast.officer).post(
        reverse("entitlements:delivery_log", args=[world.semhl.uuid]),
        {
            "on_day": "8",
            "on_month": "9",
            "on_year": "2026",
            "delivered_by": "",
            "what": "Kept text",
            "students": "NOT-A-UPN",
        },
    )
    text = response.content.decode()
    assert "<title>Error: " in text
    assert 'id="id_delivered_by-error"' in text and "Enter who delivered it" in text
    assert 'id="id_students-error"' in text
    assert "Kept text" in text and "NOT-A-UPN" in text
    assert not Delivery.objects.exists()


def test_the_officer_records_a_cancellation_with_its_reason(client, cast, world):
    url = reverse("entitlements:delivery_cancel", args=[world.semhl.uuid])
    client = as_(client, cast.officer)
    response = client.post(url, {"on_day": "15", "on_month": "9", "on_year": "2026", "reason": ""})
    assert "Enter why it was cancelled" in response.content.decode()
    response = client.post(
        url, {"on_day": "15", "on_month": "9", "on_year": "2026", "reason": "Practitioner ill"}
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.cancelled and delivery.cancelled_because == "Practitioner ill"
    page = client.get(reverse("entitlements:allocation", args=[world.semhl.uuid]))
    assert "Practitioner ill" in page.content.decode()


# --- The one-to-ones: the headteacher and the CAP manager only -----------------------------


def test_the_one_to_ones_open_for_the_cap_manager_and_the_headteacher(client, cast, world):
    DeliveryFactory(
        allocation=world.one_to_ones,
        on=D(2026, 10, 1),
        delivered_by="Pat Leader",
        what="Talked through a managed move",
        recorded_by=cast.manager,
    )
    casework = reverse("entitlements:allocation", args=[world.one_to_ones.uuid])
    school = reverse("entitlements:school_allocation", args=[world.one_to_ones.uuid])
    page = as_(client, cast.manager).get(casework)
    assert page.status_code == 200
    assert "Talked through a managed move" in page.content.decode()
    page = as_(client, cast.headteacher).get(school)
    assert page.status_code == 200
    assert "Talked through a managed move" in page.content.decode()
    assert "Log a delivery" not in page.content.decode()


@pytest.mark.parametrize("who", ["officer"])
def test_the_one_to_ones_are_not_found_for_cap_officers(client, cast, world, who):
    client = as_(client, getattr(cast, who))
    for name in ("allocation", "delivery_log", "delivery_cancel"):
        url = reverse(f"entitlements:{name}", args=[world.one_to_ones.uuid])
        assert client.get(url).status_code == 404, name
    response = client.post(
        reverse("entitlements:delivery_log", args=[world.one_to_ones.uuid]),
        {"on_day": "1", "on_month": "10", "on_year": "2026", "delivered_by": "X", "what": "Y"},
    )
    assert response.status_code == 404
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("who", ["alice", "school_dsl", "headteacher_b", "bob"])
def test_the_one_to_ones_are_not_found_for_other_school_staff(client, cast, world, who):
    user = getattr(world, who, None) or getattr(cast, who)
    url = reverse("entitlements:school_allocation", args=[world.one_to_ones.uuid])
    assert as_(client, user).get(url).status_code == 404


def test_the_one_to_ones_are_refused_to_a_provider(client, cast, world):
    # A provider enters neither area: the area refuses before the allocation is looked up.
    client = as_(client, cast.provider_staff)
    for url in (
        reverse("entitlements:school_allocation", args=[world.one_to_ones.uuid]),
        reverse("entitlements:allocation", args=[world.one_to_ones.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Pat Leader" not in response.content.decode()


def test_the_school_page_lists_the_one_to_ones_for_the_headteacher_only(client, cast, world):
    url = reverse("entitlements:school", args=[cast.school_a.uuid])
    assert (
        "Collaborative leadership support"
        in as_(client, cast.headteacher).get(url).content.decode()
    )
    for who in ("alice", "school_dsl"):
        text = as_(client, getattr(cast, who)).get(url).content.decode()
        assert "SEMHL practitioner in school" in text
        assert "Collaborative leadership" not in text and "Pat Leader" not in text


# --- The school's page --------------------------------------------------------------------


def test_the_school_sees_what_it_has_received(client, cast, world):
    DeliveryFactory(
        allocation=world.semhl, on=D(2026, 9, 8), what="Friendship group", recorded_by=cast.officer
    )
    page = as_(client, cast.alice).get(reverse("entitlements:school", args=[cast.school_a.uuid]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "delivered 1 time, last on 8 September 2026" in text
    assert "Friendship group" in text
    assert "Given as places at events." in text


@pytest.mark.parametrize("who", ["bob", "headteacher_b"])
def test_another_school_s_page_is_not_found(client, cast, world, who):
    user = getattr(world, who, None) or getattr(cast, who)
    url = reverse("entitlements:school", args=[cast.school_a.uuid])
    assert as_(client, user).get(url).status_code == 404


def test_a_school_that_does_not_subscribe_is_told_so(client, cast, world):
    page = as_(client, cast.bob).get(reverse("entitlements:school", args=[cast.school_b.uuid]))
    assert "School B has no service level agreement for 2026-27" in page.content.decode()


def test_the_home_pages_link_to_the_entitlements_pages(client, cast, world):
    home = as_(client, cast.officer).get(reverse("dashboards:casework")).content.decode()
    assert reverse("entitlements:casework") in home
    home = as_(client, cast.monitoring).get(reverse("dashboards:casework")).content.decode()
    assert reverse("entitlements:casework") not in home
    home = as_(client, cast.alice).get(reverse("dashboards:schools")).content.decode()
    assert reverse("entitlements:school", args=[cast.school_a.uuid]) in home
    assert "What School A has received in 2026-27" in home


# --- Queries do not grow with the data ----------------------------------------------------


def grow(cast, world, schools: int) -> None:
    """More subscribing schools, each with a weekly practitioner, a mentor and deliveries."""
    for _ in range(schools):
        school = SchoolFactory()
        subscription = subscribe(school, world.year)
        student = StudentFactory(home_school=school)
        for benefit, extra in (
            ("semhl-practitioner", {"weekday": 2}),
            ("yjs-mentor", {"student": student}),
        ):
            allocation = AllocationFactory(
                subscription=subscription,
                benefit=world.benefits[benefit],
                allocated_by=cast.officer,
                **extra,
            )
            for day in (D(2026, 9, 9), D(2026, 9, 16)):
                delivery = DeliveryFactory(allocation=allocation, on=day, recorded_by=cast.officer)
                delivery.students.set([student])
    for day in (D(2026, 9, 8), D(2026, 9, 15), D(2026, 9, 22)):
        delivery = DeliveryFactory(allocation=world.semhl, on=day, recorded_by=cast.officer)
        delivery.students.set([world.student_a])


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["manager", "alice"])
def test_the_pages_make_the_same_number_of_queries_at_two_sizes(client, cast, world, who):
    client = as_(client, getattr(cast, who))
    if who == "manager":
        urls = [casework_url(world), reverse("entitlements:allocation", args=[world.semhl.uuid])]
    else:
        urls = [
            reverse("entitlements:school", args=[cast.school_a.uuid]),
            reverse("entitlements:school_allocation", args=[world.semhl.uuid]),
        ]
    grow(cast, world, 2)
    small = [count_queries(client, url) for url in urls]
    grow(cast, world, 6)
    assert [count_queries(client, url) for url in urls] == small


def test_the_officer_ends_an_allocation(client, cast, world):
    client = as_(client, cast.officer)
    url = reverse("entitlements:allocation_end", args=[world.semhl.uuid])
    response = client.post(url, {"ends_on_day": "31", "ends_on_month": "8", "ends_on_year": "2026"})
    assert 'id="id_ends_on-error"' in response.content.decode()
    response = client.post(
        url, {"ends_on_day": "18", "ends_on_month": "12", "ends_on_year": "2026"}
    )
    assert response.status_code == 302
    world.semhl.refresh_from_db()
    assert world.semhl.ends_on == D(2026, 12, 18)
    page = client.get(reverse("entitlements:allocation", args=[world.semhl.uuid])).content.decode()
    assert "18 December 2026" in page and "End this allocation" not in page
    one_to_ones = reverse("entitlements:allocation_end", args=[world.one_to_ones.uuid])
    assert client.get(one_to_ones).status_code == 404
