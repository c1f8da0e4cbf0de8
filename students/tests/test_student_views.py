import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import Event
from students.models import Student
from students.tests.conftest import OUTSIDE_THE_SCHOOLS_AREA, SCHOOL_STAFF
from students.tests.factories import StudentFactory, student_form_data

LIST = reverse("students:list")
CREATE = reverse("students:create")


def detail(student) -> str:
    return reverse("students:detail", args=[student.uuid])


def change(student) -> str:
    return reverse("students:change", args=[student.uuid])


# List ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", SCHOOL_STAFF)
def test_school_staff_see_their_own_students_listed(client, cast, student, who):
    StudentFactory(home_school=cast.school_b, legal_last_name="Elsewhere")
    client.force_login(getattr(cast, who))
    page = client.get(LIST).content.decode()
    assert "Sammy Smith</a>" in page and "Legal name Samuel Smith" in page
    assert "Elsewhere" not in page
    assert detail(student) in page


@pytest.mark.parametrize("who", OUTSIDE_THE_SCHOOLS_AREA)
def test_everyone_outside_the_school_area_is_refused_the_list(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(LIST).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(client, cast):
    response = client.get(LIST)
    assert response.status_code == 302 and "next=" in response.url


def test_the_list_answers_only_get(client, cast):
    client.force_login(cast.alice)
    assert client.post(LIST).status_code == 405


def test_the_list_is_searched_without_javascript(client, cast, student):
    StudentFactory(home_school=cast.school_a, legal_last_name="Jones")
    client.force_login(cast.alice)
    page = client.get(LIST, {"q": "smith"}).content.decode()
    assert "Sammy Smith" in page and "Jones" not in page
    assert 'value="smith"' in page and "1 student matching ‘smith’" in page


def test_a_search_that_finds_nobody_says_so(client, cast, student):
    client.force_login(cast.alice)
    page = client.get(LIST, {"q": "Nobody"}).content.decode()
    assert "No students match ‘Nobody’" in page


def test_a_school_without_students_is_told_so(client, cast):
    client.force_login(cast.alice)
    page = client.get(LIST).content.decode()
    assert "Your school has no students on CAP’s records yet" in page


def test_a_search_too_long_is_refused_and_kept(client, cast):
    client.force_login(cast.alice)
    page = client.get(LIST, {"q": "x" * 101}).content.decode()
    assert "There is a problem" in page and "x" * 101 in page


def test_a_long_list_is_split_into_pages(client, cast):
    StudentFactory.create_batch(51, home_school=cast.school_a)
    client.force_login(cast.alice)
    page = client.get(LIST).content.decode()
    assert "Showing 1 to 50 of 51 students" in page and "page=2" in page
    assert "Showing 51 to 51 of 51" in client.get(LIST, {"page": "2"}).content.decode()
    assert client.get(LIST, {"page": "nonsense"}).status_code == 200


def test_the_lists_query_count_does_not_grow_with_the_students(client, cast):
    client.force_login(cast.alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    StudentFactory.create_batch(3, home_school=cast.school_a)
    few = queries()
    StudentFactory.create_batch(30, home_school=cast.school_a)
    assert queries() == few


# Create -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", SCHOOL_STAFF)
def test_school_staff_add_a_student_to_their_school(client, cast, who):
    client.force_login(getattr(cast, who))
    assert "Add a student" in client.get(CREATE).content.decode()
    response = client.post(CREATE, student_form_data())
    student = Student.objects.get()
    assert response.status_code == 302 and response.url == detail(student)
    assert student.home_school == cast.school_a
    assert student.upn == "H801200001001" and student.preferred_name == "Sammy"
    assert student.care_plan == "child_in_need" and student.sen_provision == "K"
    assert student.free_school_meals and student.youth_justice and not student.looked_after
    assert student.early_help_offer_made and not student.early_help_recorded_on_ehm
    event = Event.objects.get(action="student.created")
    assert event.actor == getattr(cast, who) and event.object_id == str(student.uuid)


@pytest.mark.parametrize("who", OUTSIDE_THE_SCHOOLS_AREA)
def test_everyone_outside_the_school_area_is_refused_adding_a_student(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, student_form_data()).status_code == 403
    assert not Student.objects.exists()


def test_adding_a_student_answers_only_get_and_post(client, cast):
    client.force_login(cast.alice)
    assert client.put(CREATE).status_code == 405


def test_a_upn_typed_in_lower_case_with_spaces_is_stored_in_capitals(client, cast):
    client.force_login(cast.alice)
    client.post(CREATE, student_form_data(upn="h801 2000 0100 1"))
    assert Student.objects.get().upn == "H801200001001"


def test_a_temporary_upn_is_accepted_and_flagged_on_the_record(client, cast):
    client.force_login(cast.alice)
    response = client.post(CREATE, student_form_data(upn="G80120000101A"), follow=True)
    assert "Temporary UPN" in response.content.decode()


def test_bad_input_is_shown_beside_each_field_and_nothing_typed_is_lost(client, cast):
    client.force_login(cast.alice)
    data = student_form_data(
        upn="R900400001001", legal_last_name="", date_of_birth_month="14", sex=""
    )
    response = client.post(CREATE, data)
    page = response.content.decode()
    assert response.status_code == 200 and not Student.objects.exists()
    assert "<title>Error: Add a student" in page
    assert "There is a problem" in page
    assert page.count("Characters 2 to 4 of the UPN are not a local authority number") == 2
    assert page.count("Enter the student&#x27;s legal last name") == 2
    assert page.count("Date of birth must be a real date: the month must be a number") == 2
    assert page.count("Select the student&#x27;s sex") == 2
    assert 'href="#id_upn"' in page and 'href="#id_date_of_birth_0"' in page
    for kept in (
        'value="R900400001001"',
        'value="Sam"',
        'value="Sammy"',
        'value="14"',
        'value="2012"',
    ):
        assert kept in page
    assert 'value="BCRB" selected' in page
    assert 'id="id_care_plan_1" checked' in page
    assert 'id="id_circumstances_2" checked' in page
    assert 'id="id_early_help_1" checked' in page


def test_an_empty_form_asks_for_each_answer(client, cast):
    client.force_login(cast.alice)
    page = client.post(CREATE, {}).content.decode()
    for message in (
        "Enter the student&#x27;s UPN",
        "Enter the student&#x27;s legal first name",
        "Enter the student&#x27;s date of birth",
        "Select the student&#x27;s ethnicity",
        "Select the student&#x27;s SEN provision",
    ):
        assert message in page


def test_a_upn_held_by_another_school_is_refused_without_revealing_the_student(client, cast):
    StudentFactory(upn="H801200001001", home_school=cast.school_b, legal_first_name="Bea")
    client.force_login(cast.alice)
    page = client.post(CREATE, student_form_data()).content.decode()
    assert "A student with this UPN is already on CAP&#x27;s records" in page
    assert "Bea" not in page and "School B" not in page
    assert Student.objects.count() == 1


def test_a_likely_duplicate_is_shown_before_a_new_record_is_made(client, cast, student):
    client.force_login(cast.alice)
    data = student_form_data(
        upn="G80120000101A", legal_first_name="samuel", legal_last_name="SMITH"
    )
    page = client.post(CREATE, data).content.decode()
    assert Student.objects.count() == 1
    assert "There is a problem" in page
    assert detail(student) in page
    assert "This is a different student" in page
    assert 'value="samuel"' in page

    response = client.post(CREATE, {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302 and Student.objects.count() == 2


def test_someone_at_two_schools_picks_one_of_their_own(client, cast):
    Membership.objects.create(user=cast.alice, organisation=cast.school_b, role=Role.REFERRER)
    client.force_login(cast.alice)
    page = client.get(CREATE).content.decode()
    assert "School A" in page and "School B" in page
    assert "Which school is the student on roll at?" in page

    page = client.post(CREATE, student_form_data()).content.decode()
    assert "Select the student&#x27;s school" in page and not Student.objects.exists()

    client.post(CREATE, student_form_data(school=str(cast.school_b.uuid)))
    assert Student.objects.get().home_school == cast.school_b


def test_a_school_that_is_not_theirs_cannot_be_picked(client, cast):
    Membership.objects.create(user=cast.alice, organisation=cast.school_b, role=Role.REFERRER)
    client.force_login(cast.alice)
    other = type(cast.school_a).objects.create(name="School C", kind="school", urn="999999")
    page = client.post(CREATE, student_form_data(school=str(other.uuid))).content.decode()
    assert "Select the student&#x27;s school" in page and not Student.objects.exists()
    assert "School C" not in page


# Detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", SCHOOL_STAFF)
def test_school_staff_see_their_students_record(client, cast, student, who):
    client.force_login(getattr(cast, who))
    page = client.get(detail(student)).content.decode()
    assert "Sammy Smith" in page and "H801200001001" in page
    assert f"Year {student.year_group()}" in page
    assert "Early Help" in page and "No parents or carers are recorded" in page
    assert "Temporary UPN" not in page
    start = reverse("applications:start", args=[student.uuid])
    assert f'<form method="post" action="{start}">' in page
    assert "Start an application" in page


def test_another_school_gets_not_found_for_a_student(client, cast, student):
    client.force_login(cast.bob)
    for url in (detail(student), change(student)):
        assert client.get(url).status_code == 404
    assert client.post(change(student), student_form_data()).status_code == 404


@pytest.mark.parametrize("who", OUTSIDE_THE_SCHOOLS_AREA)
def test_everyone_outside_the_school_area_is_refused_a_student(client, cast, student, who):
    client.force_login(getattr(cast, who))
    assert client.get(detail(student)).status_code == 403
    assert client.get(change(student)).status_code == 403
    assert client.post(change(student), student_form_data()).status_code == 403


def test_a_student_that_does_not_exist_is_not_found(client, cast):
    client.force_login(cast.alice)
    url = reverse("students:detail", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


def test_the_record_answers_only_get(client, cast, student):
    client.force_login(cast.alice)
    assert client.post(detail(student)).status_code == 405


# Change -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", SCHOOL_STAFF)
def test_school_staff_change_a_students_details(client, cast, student, who):
    client.force_login(getattr(cast, who))
    page = client.get(change(student)).content.decode()
    assert 'value="Samuel"' in page and 'value="H801200001001"' in page
    assert 'name="date_of_birth_year" type="text" inputmode="numeric" value="2012"' in page
    assert "This is a different student" not in page

    data = student_form_data(upn="H801200001001", circumstances=["looked_after"])
    response = client.post(change(student), data)
    assert response.status_code == 302 and response.url == detail(student)
    student.refresh_from_db()
    assert student.looked_after and not student.free_school_meals
    assert student.legal_first_name == "Sam"
    event = Event.objects.get(action="student.changed")
    assert "looked_after" in event.detail["fields"]


def test_bad_changes_are_shown_and_nothing_typed_is_lost(client, cast, student):
    client.force_login(cast.alice)
    data = student_form_data(upn="H8012000A1001", legal_first_name="Changed")
    page = client.post(change(student), data).content.decode()
    assert "Character 9 of the UPN must be a number" in page
    assert 'value="H8012000A1001"' in page and 'value="Changed"' in page
    student.refresh_from_db()
    assert student.legal_first_name == "Samuel"
    assert not Event.objects.filter(action="student.changed").exists()


def test_a_upn_cannot_be_changed_to_another_students(client, cast, student):
    StudentFactory(upn="G80120000101A", home_school=cast.school_b)
    client.force_login(cast.alice)
    page = client.post(change(student), student_form_data(upn="G80120000101A")).content.decode()
    assert "A student with this UPN is already on CAP&#x27;s records" in page
    student.refresh_from_db()
    assert student.upn == "H801200001001"


def test_changing_a_student_answers_only_get_and_post(client, cast, student):
    client.force_login(cast.alice)
    assert client.delete(change(student)).status_code == 405
