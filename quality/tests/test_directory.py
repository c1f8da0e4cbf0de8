"""The course directory: who may search it, what each filter does, bad filter values shown
beside the field, only approved providers' courses, and an application started from a
course."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import PROVIDER_KINDS, Organisation, Role
from accounts.tests.factories import member
from applications.models import Application
from applications.tests.factories import load_model
from programmes.models import Course
from quality.tests.factories import approved_provider, set_expiry
from students.tests.factories import StudentFactory

DIRECTORY = reverse("quality:directory")
LAPSED = "19990002"  # Sherbourne Valley Motor Skills


@pytest.fixture
def year(db):
    return load_model()


@pytest.fixture
def approved(cast, year, areas):
    """Every provider in the model file approved."""
    return {
        o.ukprn or o.name: approved_provider(o)
        for o in Organisation.objects.filter(kind__in=PROVIDER_KINDS, provider_record=None)
    }


def courses_on(page: str) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', page
    )


def count_on(page: str) -> int:
    return int(re.search(r'id="results">(\d+) course', page).group(1))


def search(client, user, **params):
    client.force_login(user)
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    return response.content.decode()


def test_school_staff_see_every_course_of_approved_providers(client, cast, year, approved):
    page = search(client, cast.alice)
    expected = Course.objects.filter(programme__year=year, programme__offers_courses=True).count()
    assert count_on(page) == expected > 30


def test_cap_staff_may_search_too(client, cast, approved):
    assert count_on(search(client, cast.officer)) > 0


@pytest.mark.parametrize("who", ["provider_staff", "agency_worker", "outsider", "chair"])
def test_others_are_refused(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(DIRECTORY).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get(DIRECTORY)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_suspended_providers_courses_leave_the_directory(client, cast, year, approved):
    set_expiry(
        approved[LAPSED], "public-liability-insurance", timezone.localdate() - dt.timedelta(days=1)
    )
    page = search(client, cast.alice, q="motor vehicle")
    assert count_on(page) == 0
    course = Course.objects.get(programme__year=year, title="Motor vehicle maintenance")
    assert client.get(reverse("quality:course", args=[course.uuid])).status_code == 404


def test_a_provider_without_a_record_is_not_listed(client, cast, year, areas):
    approved_provider(Organisation.objects.get(ukprn="19990001"))
    page = search(client, cast.alice)
    assert set(courses_on(page)) == set(
        Course.objects.filter(programme__year=year, provider__ukprn="19990001").values_list(
            "title", flat=True
        )
    )


def test_search_matches_every_word_across_title_qualification_and_provider(client, cast, approved):
    page = search(client, cast.alice, q="construction canalside")
    assert sorted(courses_on(page)) == [
        "Construction multi-skills taster",
        "Construction skills (bricklaying, carpentry and painting)",
    ]
    assert count_on(search(client, cast.alice, q="construction zebra")) == 0


def test_filters_narrow_by_category_key_stage_fee_days_length_and_location(
    client, cast, year, approved
):
    courses = list(Course.objects.filter(programme__year=year, programme__offers_courses=True))

    def expect(predicate, **params):
        page = search(client, cast.alice, **params)
        assert count_on(page) == sum(1 for c in courses if predicate(c)), params

    expect(lambda c: c.programme.key == "employability", category="employability")
    expect(lambda c: set(c.year_groups) & {7, 8, 9}, key_stage="ks3")
    expect(lambda c: 10 in c.year_groups, year_group="10")
    expect(
        lambda c: set(c.year_groups) & {7, 8, 9} and 9 in c.year_groups,
        key_stage="ks3",
        year_group="9",
    )
    expect(lambda c: c.fee is None or c.fee <= 500, max_fee="500")
    expect(lambda c: c.days_per_week <= 1, days="1")
    expect(lambda c: c.weeks <= 12, weeks="12")
    expect(lambda c: c.level == "Level 1", level="Level 1")
    expect(
        lambda c: "CV1 4LY" in c.venue or c.provider.postcode.startswith("CV1 4LY"),
        location="CV1 4LY",
    )
    provider = Organisation.objects.get(ukprn="19990001")
    expect(lambda c: c.provider_id == provider.pk, provider=str(provider.uuid))


def test_a_key_stage_and_a_year_outside_it_match_nothing(client, cast, approved):
    assert count_on(search(client, cast.alice, key_stage="ks3", year_group="11")) == 0


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"category": "underwater-basket-weaving"}, "category", "Select a category from the list"),
        ({"max_fee": "lots"}, "max_fee", "Enter the highest fee as a number of pounds, like 500"),
        ({"max_fee": "-5"}, "max_fee", "The highest fee must be 0 or more"),
        ({"year_group": "14"}, "year_group", "Select a year group from the list"),
        ({"provider": "not-a-uuid"}, "provider", "Select a provider from the list"),
    ],
)
def test_a_bad_filter_is_shown_beside_its_field_and_the_rest_still_apply(
    client, cast, approved, params, field, message
):
    page = search(client, cast.alice, q="construction", **params)
    error = re.search(rf'<p class="govuk-error-message" id="id_{field}-error">(.*?)</p>', page)
    assert error and error.group(1).endswith(f"</span> {message}")
    assert "There is a problem" in page
    assert count_on(page) == 2  # the search still applies
    if field == "max_fee":
        assert f'value="{params["max_fee"]}"' in page  # what was typed is kept


def test_the_directory_takes_the_same_queries_at_any_size(client, cast, year, areas):
    providers = list(Organisation.objects.filter(kind__in=PROVIDER_KINDS).order_by("name"))
    client.force_login(cast.alice)
    client.get(DIRECTORY)  # settings and sessions warmed

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DIRECTORY).status_code == 200
        return len(captured)

    for organisation in providers[:3]:
        approved_provider(organisation)
    few = queries()
    for organisation in providers[3:15]:
        approved_provider(organisation)
    assert queries() == few


def test_the_course_page_links_to_a_new_application(client, cast, year, approved):
    course = Course.objects.get(programme__year=year, title="Motor vehicle maintenance")
    client.force_login(cast.alice)
    page = client.get(reverse("quality:course", args=[course.uuid])).content.decode()
    assert "Sherbourne Valley Motor Skills" in page
    assert "Written confirmation of safeguarding checks" in page and "Confirmed." in page
    assert reverse("quality:apply", args=[course.uuid]) in page
    # CAP staff see the course but do not apply for it.
    client.force_login(cast.officer)
    page = client.get(reverse("quality:course", args=[course.uuid])).content.decode()
    assert reverse("quality:apply", args=[course.uuid]) not in page


def test_applying_from_a_course_starts_a_draft_with_the_course_chosen(client, cast, year, approved):
    course = Course.objects.get(programme__year=year, title="Motor vehicle maintenance")
    student = StudentFactory(home_school=cast.school_a)
    client.force_login(cast.alice)
    url = reverse("quality:apply", args=[course.uuid])
    assert student.legal_last_name in client.get(url).content.decode()
    response = client.post(url, {"student": str(student.uuid)})
    application = Application.objects.get(student=student)
    assert (application.programme, application.course) == (course.programme, course)
    assert application.status == "draft"
    assert response["Location"] == reverse("applications:page", args=[application.uuid, "reasons"])


def test_a_school_cannot_apply_for_another_schools_student(client, cast, year, approved):
    course = Course.objects.filter(programme__year=year).first()
    theirs = StudentFactory(home_school=cast.school_b)
    client.force_login(cast.alice)
    response = client.post(
        reverse("quality:apply", args=[course.uuid]), {"student": str(theirs.uuid)}
    )
    assert response.status_code == 200
    assert "Select the student from the list" in response.content.decode()
    assert not Application.objects.exists()


def test_choosing_no_student_says_so(client, cast, year, approved):
    course = Course.objects.filter(programme__year=year).first()
    client.force_login(cast.alice)
    response = client.post(reverse("quality:apply", args=[course.uuid]), {})
    assert "Select the student" in response.content.decode()


@pytest.mark.parametrize("who", ["officer", "provider_staff"])
def test_only_school_staff_apply(client, cast, year, approved, who):
    course = Course.objects.filter(programme__year=year).first()
    client.force_login(getattr(cast, who))
    assert client.get(reverse("quality:apply", args=[course.uuid])).status_code == 403


def test_an_unknown_course_is_not_found(client, cast, approved):
    client.force_login(cast.alice)
    assert (
        client.get(
            reverse("quality:course", args=["6f1c8e21-2d4f-4b8a-9a41-0b6b3c4e5f0e"])
        ).status_code
        == 404
    )


def test_a_headteacher_at_a_school_sees_the_directory(client, cast, approved):
    head = member(cast.school_b, Role.HEADTEACHER)
    assert count_on(search(client, head)) > 0
