"""Issue 17's form: the first choice (what each programme is, only what the student can have
at the planned start, tier order), validation with ranges and dates not in the future,
"Error: " in every refused page's title, check answers showing Submit only when nothing is
missing, and the school's application page showing its answers."""

import datetime as dt
import re

import pytest
from django import forms
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.forms import year_groups_words
from applications.models import Application
from applications.tests.factories import complete_application
from applications.tests.test_views import date_parts, page_data, start, url
from lib.dates import academic_year_start
from programmes.models import Programme


def year_10_birthday(today: dt.date) -> dt.date:
    """A birthday that puts a student in Year 10 in the academic year holding `today`."""
    return dt.date(academic_year_start(today) - 10 - 5 + 1, 3, 4)


@pytest.fixture
def year_10(student):
    student.date_of_birth = year_10_birthday(timezone.localdate())
    student.save()
    return student


def radio_values(page: str) -> set[str]:
    return set(re.findall(r'type="radio" value="(\d+)"', page))


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


# --- The first choice ---------------------------------------------------------------------


def test_the_first_choice_offers_only_what_a_year_10_student_can_have_in_tier_order(
    client, cast, programmes, year_10
):
    client.force_login(cast.alice)
    application = start(client, year_10)
    page = client.get(url("page", application, "programme")).content.decode()
    offered = {str(programmes[k].pk) for k in ("work-based-learning", "insight", "flourish")}
    assert offered <= radio_values(page)
    # Year 11 only, and Tier 3 needs a subscription school A does not have.
    for key in ("year-11-post-16", "focus-11", "supported-transfer", "refocus"):
        assert str(programmes[key].pk) not in radio_values(page)
    # Each choice says what it is, from the model file.
    assert programmes["insight"].summary.split()[0] in page
    assert "Who it is for: Students in Years 7 to 11" in page
    assert "Length: 6 to 12 weeks" in page and "Length: 12 weeks" in page
    assert "Days a week: 2 days a week" in page
    assert "Route: Provider route" in page and "Route: Panel then provider" in page
    assert 'class="govuk-hint govuk-radios__hint"' in page
    # The others are listed below, with the reason.
    cannot = page.split("cannot apply for</h2>")[1]
    assert "Tier 1: Year 11 Post-16 pathways" in cannot
    assert f"For students in Year 11: {year_10.known_as} is in Year 10" in cannot
    year_name = programmes["refocus"].year.name
    assert f"Only for schools with a CAP subscription for {year_name}" in cannot
    # Tier order, then the model's order: Year 11 Post-16 (Tier 1) is no longer last.
    labels = re.findall(r"Tier (\d): ", page.split("cannot apply for</h2>")[0])
    assert labels == sorted(labels)
    assert page.index("Tier 1: Employability") < page.index("Tier 2: Insight")


def test_a_planned_start_after_1_september_counts_the_year_the_student_will_be_in(
    client, cast, programmes, year_10
):
    client.force_login(cast.alice)
    application = start(client, year_10)
    next_year = academic_year_start(timezone.localdate()) + 1
    Application.objects.filter(pk=application.pk).update(plan_starts_on=dt.date(next_year, 9, 8))
    page = client.get(url("page", application, "programme")).content.decode()
    assert str(programmes["year-11-post-16"].pk) in radio_values(page)
    assert "Year 11 Post-16 pathways" in page


def test_a_programme_the_student_cannot_have_is_refused(client, cast, programmes, year_10):
    client.force_login(cast.alice)
    application = start(client, year_10)
    response = client.post(
        url("page", application, "programme"),
        page_data("programme", application, programmes["year-11-post-16"]),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a programme the student can apply for" in page
    assert title(page).startswith("Error: Programme")
    application.refresh_from_db()
    assert application.programme is None


def test_a_new_draft_s_first_page_has_no_back_to_your_answers(client, cast, programmes, student):
    client.force_login(cast.alice)
    application = start(client, student)
    page = client.get(url("page", application, "programme")).content.decode()
    assert "Back to your answers" not in page
    # Once they have been to check your answers, its Change links bring them back there.
    page = client.get(url("page", application, "programme") + "?change=1").content.decode()
    assert "Back to your answers" in page


def test_the_first_choice_costs_the_same_queries_however_many_programmes(
    client, cast, programmes, year, student
):
    client.force_login(cast.alice)
    application = start(client, student)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url("page", application, "programme")).status_code == 200
        return len(context)

    before = queries()
    model = programmes["insight"]
    for number in range(5):
        Programme.objects.create(
            year=year,
            tier=model.tier,
            key=f"extra-{number}",
            name=f"Extra {number}",
            route=model.route,
            min_weeks=6,
            max_weeks=6,
            year_groups=[7, 8] if number % 2 else [10],
            subscription_required=bool(number % 3),
            registration=model.registration,
            away_code=model.away_code,
            order=20 + number,
        )
    page = client.get(url("page", application, "programme")).content.decode()
    assert "Extra 4" in page
    assert queries() == before


@pytest.mark.parametrize("who", ["bob"])
def test_another_school_still_cannot_open_the_first_choice(client, cast, programmes, student, who):
    client.force_login(cast.alice)
    application = start(client, student)
    client.force_login(getattr(cast, who))
    assert client.get(url("page", application, "programme")).status_code == 404


def test_people_outside_schools_still_cannot_open_the_first_choice(
    client, cast, programmes, student
):
    client.force_login(cast.alice)
    application = start(client, student)
    client.force_login(cast.officer)
    assert client.get(url("page", application, "programme")).status_code == 403


# --- Validation ---------------------------------------------------------------------------


def _with_insight(client, cast, programmes, student) -> Application:
    client.force_login(cast.alice)
    application = start(client, student)
    return services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=application.version,
        by=cast.alice,
    )


def test_a_consent_date_in_the_future_is_refused_beside_its_field(
    client, cast, programmes, student
):
    application = _with_insight(client, cast, programmes, student)
    data = page_data("parents", application, programmes["insight"])
    data |= date_parts("parental_consent_date", timezone.localdate() + dt.timedelta(days=1))
    response = client.post(url("page", application, "parents"), data)
    page = response.content.decode()
    assert response.status_code == 200
    message = "The date consent was given must be today or in the past"
    hidden = '<span class="govuk-visually-hidden">Error:</span>'
    assert f'id="id_parental_consent_date-error">{hidden} {message}' in page
    assert 'href="#id_parental_consent_date' in page  # the error summary links to it
    assert title(page).startswith("Error: ")
    application.refresh_from_db()
    assert application.parental_consent_date is None
    # Today is fine.
    data |= date_parts("parental_consent_date", timezone.localdate())
    assert client.post(url("page", application, "parents"), data).status_code == 302


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter the number of suspensions, from 0 to 50"),
        ("51", "The number of suspensions must be between 0 and 50"),
        ("-1", "The number of suspensions must be between 0 and 50"),
        ("2.5", "The number of suspensions must be a whole number from 0 to 50, like 2"),
    ],
)
def test_a_number_out_of_range_says_the_range(client, cast, programmes, student, typed, message):
    application = _with_insight(client, cast, programmes, student)
    data = page_data("history", application, programmes["insight"])
    data["suspensions_this_year"] = typed
    page = client.post(url("page", application, "history"), data).content.decode()
    assert message in page
    assert title(page).startswith("Error: Attendance and behaviour")


def test_review_frequency_says_its_range(client, cast, programmes, student):
    application = _with_insight(client, cast, programmes, student)
    data = page_data("plan", application, programmes["insight"])
    data["plan_review_frequency_weeks"] = "27"
    page = client.post(url("page", application, "plan"), data).content.decode()
    assert "Reviews must be between 1 and 26 weeks apart" in page


# --- "Error: " in the title of every refused page -------------------------------------------


class _Form(forms.Form):
    name = forms.CharField()


@pytest.mark.parametrize(
    "context, prefix",
    [
        ({}, ""),
        ({"form": _Form()}, ""),  # unbound: nothing was sent
        ({"form": _Form({"name": "A"})}, ""),
        ({"form": _Form({})}, "Error: "),
        ({"filter_form": _Form({"name": "A"}), "other_name": _Form({})}, "Error: "),
        ({"steps": [{"step": "x", "form": _Form({})}]}, "Error: "),
        ({"pairs": [("x", _Form({}))]}, "Error: "),
        ({"has_errors": True}, "Error: "),
    ],
)
def test_the_title_says_error_whatever_the_form_is_called(context, prefix):
    rendered = Template("{% load refusals %}{% error_prefix %}").render(Context(context))
    assert rendered == prefix


def test_refused_pages_across_the_form_say_error_in_their_title(client, cast, programmes, student):
    """A few refused pages with their forms under different names: the page's form, the
    withdraw form, a step's form on the application page, and a submit the rules refuse."""
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"], upload=False
    )
    client.force_login(cast.alice)
    page = client.post(url("check", application), {"version": application.version})
    assert title(page.content.decode()).startswith("Error: Check your answers")
    assert "Error: " not in title(client.get(url("check", application)).content.decode())
    page = client.post(url("page", application, "voice"), {"version": application.version})
    assert title(page.content.decode()).startswith("Error: The student")

    submitted = complete_application(
        student=student, by=cast.alice, programme=programmes["flourish"]
    )
    submitted = services.application_submit(
        application=submitted, version=submitted.version, by=cast.alice
    )
    page = client.post(url("withdraw", submitted), {"version": submitted.version})
    assert title(page.content.decode()).startswith("Error: Withdraw")
    assert "Error: " not in title(client.get(url("withdraw", submitted)).content.decode())


# --- Check your answers -------------------------------------------------------------------


def test_check_answers_hides_submit_until_nothing_is_missing_and_says_what_is(
    client, cast, programmes, student
):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"], upload=False
    )
    client.force_login(cast.alice)
    page = client.get(url("check", application)).content.decode()
    assert "Submit application" not in page
    assert "Before you can submit" in page
    assert "things still stop this application being submitted" in page
    evidence = url("page", application, "evidence") + "?change=1"
    assert f'href="{evidence}">Upload the document for “Up-to-date risk assessment”' in page
    assert page.count(f'href="{evidence}">Upload the document') >= 4
    assert "Discard this draft" in page

    complete = complete_application(
        student=student, by=cast.alice, programme=programmes["flourish"]
    )
    page = client.get(url("check", complete)).content.decode()
    assert "Submit application" in page and "Before you can submit" not in page


# --- The school's application page ----------------------------------------------------------


def test_the_school_s_application_page_shows_its_answers(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    application = services.application_submit(
        application=application, version=application.version, by=cast.alice
    )
    client.force_login(cast.alice)
    page = client.get(url("detail", application)).content.decode()
    assert "Your answers" in page
    assert application.student_voice in page and application.needs_summary in page
    assert "The student&#x27;s voice" in page or "The student's voice" in page
    # Read-only: no Change links once it is sent.
    assert "?change=1" not in page


def test_the_application_page_costs_the_same_queries_with_its_answers(
    client, cast, programmes, student
):
    client.force_login(cast.alice)

    def queries(application) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url("detail", application)).status_code == 200
        return len(context)

    small = complete_application(
        student=student, by=cast.alice, programme=programmes["employability"]
    )
    large = complete_application(student=student, by=cast.alice, programme=programmes["refocus"])
    # Refocus has more pages and questions than a Tier 1 course: the same queries.
    assert queries(large) == queries(small)


def test_refused_roles_still_cannot_see_the_application_page(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    client.force_login(cast.bob)
    assert client.get(url("detail", application)).status_code == 404
    client.force_login(cast.officer)
    assert client.get(url("detail", application)).status_code == 403
    assert reverse("applications:detail", args=[application.uuid])


def test_the_chosen_programme_is_still_chosen_when_the_school_comes_back(
    client, cast, programmes, year_10
):
    application = _with_insight(client, cast, programmes, year_10)
    page = client.get(url("page", application, "programme") + "?change=1").content.decode()
    assert f'value="{programmes["insight"].pk}" checked' in page


@pytest.mark.parametrize(
    "groups, words",
    [
        ([11], "Year 11"),
        ([7, 8, 9, 10, 11], "Years 7 to 11"),
        ([11, 7, 9], "Years 7, 9 and 11"),
        ([], "No year group set"),
    ],
)
def test_year_groups_in_words(groups, words):
    assert year_groups_words(groups) == words
