import pytest
from django.urls import reverse

from audit.models import Event
from students.models import Carer
from students.tests.conftest import OUTSIDE_THE_SCHOOLS_AREA, SCHOOL_STAFF
from students.tests.factories import CarerFactory, StudentFactory, carer_form_data


@pytest.fixture
def carer(student):
    return CarerFactory(student=student, name="Chris Carer", relationship="Mother")


def add(student) -> str:
    return reverse("students:carer_add", args=[student.uuid])


def change(carer) -> str:
    return reverse("students:carer_change", args=[carer.student.uuid, carer.uuid])


def remove(carer) -> str:
    return reverse("students:carer_remove", args=[carer.student.uuid, carer.uuid])


@pytest.mark.parametrize("who", SCHOOL_STAFF)
def test_school_staff_add_a_parent_or_carer(client, cast, student, who):
    client.force_login(getattr(cast, who))
    assert "Add a parent or carer" in client.get(add(student)).content.decode()
    response = client.post(add(student), carer_form_data())
    assert response.url == reverse("students:detail", args=[student.uuid])
    carer = student.carers.get()
    assert (carer.name, carer.relationship) == ("Pat Parent", "Father")
    assert carer.phone == "07700 900 982"
    assert carer.has_parental_responsibility and carer.consent_to_contact
    assert not carer.lives_with_student
    event = Event.objects.get(action="student.carer_added")
    assert event.object_id == str(student.uuid) and event.detail == {"carer": str(carer.uuid)}
    page = client.get(response.url).content.decode()
    assert "Pat Parent" in page and "pat@example.org" in page


def test_bad_carer_details_are_shown_and_nothing_typed_is_lost(client, cast, student):
    client.force_login(cast.alice)
    data = carer_form_data(name="", email="not-an-address", phone="call me")
    page = client.post(add(student), data).content.decode()
    assert "There is a problem" in page and not Carer.objects.exists()
    assert "Enter the carer&#x27;s full name" in page
    assert "Enter an e-mail address in the correct format" in page
    assert "Enter a telephone number" in page
    assert 'value="not-an-address"' in page and 'value="call me"' in page
    assert 'value="Father"' in page and 'id="id_flags_2" checked' in page


@pytest.mark.parametrize("who", SCHOOL_STAFF)
def test_school_staff_change_a_carers_details(client, cast, carer, who):
    client.force_login(getattr(cast, who))
    page = client.get(change(carer)).content.decode()
    assert 'value="Chris Carer"' in page and "Remove Chris Carer" in page
    response = client.post(change(carer), carer_form_data(name="Chris Carer", flags=[]))
    assert response.status_code == 302
    carer.refresh_from_db()
    assert carer.relationship == "Father" and not carer.consent_to_contact
    event = Event.objects.get(action="student.carer_changed")
    assert "consent_to_contact" in event.detail["fields"]


def test_bad_changes_to_a_carer_are_shown_and_kept(client, cast, carer):
    client.force_login(cast.alice)
    page = client.post(change(carer), carer_form_data(relationship="")).content.decode()
    assert "Enter the carer&#x27;s relationship to the student" in page
    assert 'value="Pat Parent"' in page
    carer.refresh_from_db()
    assert carer.name == "Chris Carer"


@pytest.mark.parametrize("who", SCHOOL_STAFF)
def test_school_staff_remove_a_carer(client, cast, carer, who):
    client.force_login(getattr(cast, who))
    response = client.post(remove(carer), follow=True)
    assert not Carer.objects.exists()
    assert "Chris Carer has been removed" in response.content.decode()
    assert Event.objects.get(action="student.carer_removed").detail == {"carer": str(carer.uuid)}


def test_removing_a_carer_is_post_only(client, cast, carer):
    client.force_login(cast.alice)
    assert client.get(remove(carer)).status_code == 405
    assert Carer.objects.exists()


def test_adding_and_changing_a_carer_answer_only_get_and_post(client, cast, carer):
    client.force_login(cast.alice)
    assert client.put(add(carer.student)).status_code == 405
    assert client.delete(change(carer)).status_code == 405


def test_another_school_gets_not_found_for_a_students_carers(client, cast, carer):
    client.force_login(cast.bob)
    assert client.get(add(carer.student)).status_code == 404
    assert client.post(add(carer.student), carer_form_data()).status_code == 404
    assert client.get(change(carer)).status_code == 404
    assert client.post(change(carer), carer_form_data()).status_code == 404
    assert client.post(remove(carer)).status_code == 404
    assert Carer.objects.get().name == "Chris Carer"


@pytest.mark.parametrize("who", OUTSIDE_THE_SCHOOLS_AREA)
def test_everyone_outside_the_school_area_is_refused_carers(client, cast, carer, who):
    client.force_login(getattr(cast, who))
    assert client.get(add(carer.student)).status_code == 403
    assert client.post(change(carer), carer_form_data()).status_code == 403
    assert client.post(remove(carer)).status_code == 403
    assert Carer.objects.get().name == "Chris Carer"


def test_a_carer_is_found_only_under_their_own_student(client, cast, carer):
    other = StudentFactory(home_school=cast.school_a)
    client.force_login(cast.alice)
    url = reverse("students:carer_change", args=[other.uuid, carer.uuid])
    assert client.get(url).status_code == 404
    url = reverse("students:carer_remove", args=[other.uuid, carer.uuid])
    assert client.post(url).status_code == 404
    assert Carer.objects.exists()
