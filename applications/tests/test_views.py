import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import checks, journey, services
from applications.models import Application
from applications.tests.factories import PDF, complete_application
from applications.workflow import Status
from students.tests.factories import StudentFactory


def url(name, application, *args):
    return reverse(f"applications:{name}", args=[application.uuid, *args])


def date_parts(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def page_data(slug: str, application: Application, programme) -> dict:
    """Valid answers for each page, as a browser would send them."""
    today = timezone.localdate()
    data = {"version": application.version}
    if slug == "programme":
        data["programme"] = programme.pk
    elif slug == "course":
        data["course"] = programme.courses.first().pk
    elif slug == "reasons":
        data |= {"referral_reason": "semh", "reasons_detail": "Struggling since Year 9."}
    elif slug == "questions":
        data |= {f"q_{q.key}": "Yes, since September." for q in programme.questions.all()}
    elif slug == "needs":
        data |= {"needs_summary": "SEN support.", "risks_summary": "Low."}
    elif slug == "history":
        data |= {
            "attendance_percent": "87.5",
            "suspensions_this_year": "0",
            "behaviour_summary": "Withdrawn in class.",
        }
    elif slug == "interventions":
        data |= {"interventions": "Mentor for a term."}
    elif slug == "agencies":
        data |= {"agencies": ["early_help", "camhs"], "agencies_detail": "Weekly sessions."}
    elif slug == "voice":
        data |= {"student_voice": "I want to try something practical."}
    elif slug == "parents":
        data |= {
            "parent_views": "Keen.",
            "parental_consent": "yes",
            **date_parts("parental_consent_date", today - dt.timedelta(days=2)),
        }
    elif slug == "plan":
        data |= {
            "plan_objectives": "Return to full time.",
            "plan_success": "Full attendance.",
            "plan_readiness": "Four good weeks.",
            "plan_review_frequency_weeks": "4",
            **date_parts("plan_starts_on", today + dt.timedelta(days=7)),
            **date_parts("plan_ends_on", today + dt.timedelta(days=90)),
            **date_parts("plan_first_review_on", today + dt.timedelta(days=35)),
        }
    return data


def start(client, student) -> Application:
    response = client.post(reverse("applications:start", args=[student.uuid]))
    application = Application.objects.get()
    assert response.url == url("page", application, "programme")
    return application


PROGRAMMES = [
    "work-based-learning",
    "curriculum-support",
    "employability",
    "insight",
    "flourish",
    "supported-transfer",
    "refocus",
    "focus-11",
    "year-11-post-16",
]


@pytest.mark.parametrize("key", PROGRAMMES)
def test_a_school_completes_and_submits_an_application_for_every_programme(
    client, cast, programmes, subscribed, student, key
):
    programme = programmes[key]
    if programme.year_groups == [11]:
        student.date_of_birth = dt.date(2011, 1, 15)
        student.save()
    client.force_login(cast.alice)
    application = start(client, student)
    slug = "programme"
    while slug != "evidence":
        response = client.post(
            url("page", application, slug), page_data(slug, application, programme)
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        application.refresh_from_db()
        slug = response.url.rstrip("/").split("/")[-1]
        if slug == "check":
            break
    visited = [p.slug for p in journey.pages_for(application)]
    assert ("course" in visited) is programme.offers_courses
    assert ("agencies" in visited) is (programme.tier.number >= 2)
    for item in checks.required_evidence(application):
        response = client.post(
            url("page", application, "evidence"),
            {
                "checklist_item": item.pk,
                "file": SimpleUploadedFile(f"{item.key}.pdf", PDF, "application/pdf"),
                **date_parts("dated_on", timezone.localdate()),
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    response = client.post(url("check", application), {"version": application.version})
    assert response.url == url("detail", application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    page = client.get(response.url).content.decode()
    assert "Submitted" in page and "moj-timeline" in page


def test_start_needs_a_post_and_the_student_s_own_school(client, cast, student):
    client.force_login(cast.alice)
    assert client.get(reverse("applications:start", args=[student.uuid])).status_code == 405
    client.force_login(cast.bob)
    assert client.post(reverse("applications:start", args=[student.uuid])).status_code == 404
    client.force_login(cast.provider_staff)
    assert client.post(reverse("applications:start", args=[student.uuid])).status_code == 403
    assert not Application.objects.exists()


def test_an_error_is_shown_beside_its_field_and_nothing_typed_is_lost(
    client, cast, programmes, student
):
    client.force_login(cast.alice)
    application = start(client, student)
    services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=1,
        by=cast.alice,
    )
    application.refresh_from_db()
    response = client.post(
        url("page", application, "history"),
        {
            "version": application.version,
            "attendance_percent": "104",
            "suspensions_this_year": "two",
            "behaviour_summary": "Typed at length.",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Attendance must be between 0 and 100" in page
    assert "The number of suspensions must be a whole number from 0 to 50, like 2" in page
    assert "<title>Error: Attendance and behaviour" in page
    assert "Typed at length." in page and 'value="104"' in page and 'value="two"' in page
    application.refresh_from_db()
    assert application.behaviour_summary == ""


def test_a_date_error_says_which_part_is_wrong(client, cast, programmes, student):
    client.force_login(cast.alice)
    application = start(client, student)
    services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=1,
        by=cast.alice,
    )
    application.refresh_from_db()
    data = page_data("plan", application, programmes["insight"])
    data["plan_ends_on_month"] = ""
    data["plan_first_review_on_day"] = "31"
    data["plan_first_review_on_month"] = "2"
    page = client.post(url("page", application, "plan"), data).content.decode()
    assert "Planned end date must include a month" in page
    assert "Date of the first review must be a real date: February" in page


def test_a_draft_survives_signing_out(client, cast, programmes, student):
    client.force_login(cast.alice)
    application = start(client, student)
    client.post(
        url("page", application, "programme"),
        page_data("programme", application, programmes["insight"]),
    )
    application.refresh_from_db()
    client.post(
        url("page", application, "voice"),
        {"version": application.version, "student_voice": "My own words."},
    )
    client.post(reverse("accounts:sign_out"))
    client.force_login(cast.headteacher)  # a colleague at the same school, later
    page = client.get(url("page", application, "voice")).content.decode()
    assert "My own words." in page
    assert "My own words." in client.get(url("check", application)).content.decode()


def test_a_page_the_programme_does_not_need_is_not_found(client, cast, programmes, student):
    client.force_login(cast.alice)
    application = start(client, student)
    client.post(
        url("page", application, "programme"),
        page_data("programme", application, programmes["insight"]),
    )
    assert client.get(url("page", application, "agencies")).status_code == 200
    assert client.get(url("page", application, "nonsense")).status_code == 404
    client.post(
        url("page", application, "programme"),
        page_data("programme", Application.objects.get(), programmes["employability"]),
    )
    assert client.get(url("page", application, "agencies")).status_code == 404


@pytest.mark.parametrize("who", ["bob"])
def test_another_school_cannot_see_or_change_an_application(client, cast, programmes, student, who):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    client.force_login(getattr(cast, who))
    for name, args in [
        ("detail", []),
        ("check", []),
        ("page", ["voice"]),
        ("withdraw", []),
        ("discard", []),
    ]:
        assert client.get(url(name, application, *args)).status_code == 404
    assert client.post(url("check", application), {"version": 1}).status_code == 404
    assert application.uuid.hex not in client.get(reverse("applications:list")).content.decode()


@pytest.mark.parametrize("who", ["officer", "provider_staff", "chair", "agency_worker", "outsider"])
def test_people_outside_schools_are_refused_the_school_pages(
    client, cast, programmes, student, who
):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    client.force_login(getattr(cast, who))
    assert client.get(url("detail", application)).status_code == 403
    assert client.get(reverse("applications:list")).status_code == 403


def test_submitting_an_incomplete_application_lists_what_to_do(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"], upload=False
    )
    client.force_login(cast.alice)
    response = client.post(url("check", application), {"version": application.version})
    page = response.content.decode()
    assert "This application cannot be submitted yet" in page
    assert url("page", application, "evidence") in page
    assert "Upload the document for “Up-to-date risk assessment”" in page
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_a_change_link_returns_to_check_your_answers(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    client.force_login(cast.alice)
    page = client.get(url("check", application)).content.decode()
    assert url("page", application, "voice") + "?change=1" in page
    response = client.post(
        url("page", application, "voice") + "?change=1",
        {"version": application.version, "student_voice": "Changed."},
    )
    assert response.url == url("check", application)


def test_a_stale_page_is_not_saved_and_the_typing_is_kept(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    client.force_login(cast.alice)
    stale = application.version
    services.application_save_page(
        application=application, answers={"student_voice": "A"}, version=stale, by=cast.headteacher
    )
    response = client.post(
        url("page", application, "voice"),
        {"version": stale, "student_voice": "B, typed meanwhile."},
    )
    page = response.content.decode()
    assert "Someone else changed this application" in page
    assert "B, typed meanwhile." in page
    assert "<title>Error: " in page
    application.refresh_from_db()
    assert application.student_voice == "A"


def test_a_school_withdraws_a_submitted_application(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    application = services.application_submit(
        application=application, version=application.version, by=cast.alice
    )
    client.force_login(cast.alice)
    response = client.post(url("withdraw", application), {"version": application.version})
    assert "Enter why you are withdrawing this application" in response.content.decode()
    response = client.post(
        url("withdraw", application), {"version": application.version, "reason": "Moved school."}
    )
    assert response.url == url("detail", application)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    page = client.get(url("detail", application)).content.decode()
    assert "Moved school." in page and "Withdrawn" in page


def test_a_school_discards_a_draft(client, cast, student):
    client.force_login(cast.alice)
    application = start(client, student)
    assert client.get(url("discard", application)).status_code == 200
    response = client.post(url("discard", application), {"version": application.version})
    assert response.url == reverse("applications:list")
    application.refresh_from_db()
    assert application.status == Status.DISCARDED


def test_the_list_shows_drafts_and_sent_applications(client, cast, programmes, student):
    draft = complete_application(student=student, by=cast.alice, programme=programmes["insight"])
    sent = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    sent = services.application_submit(application=sent, version=sent.version, by=cast.alice)
    client.force_login(cast.alice)
    page = client.get(reverse("applications:list")).content.decode()
    assert url("check", draft) in page
    assert sent.reference in page


def test_the_list_costs_the_same_queries_however_many_applications(client, cast, programmes):
    client.force_login(cast.alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("applications:list")).status_code == 200
        return len(context)

    def add(count):
        for _ in range(count):
            Application.objects.create(
                student=StudentFactory(home_school=cast.school_a),
                school=cast.school_a,
                created_by=cast.alice,
                programme=programmes["insight"],
                status=Status.SUBMITTED,
            )

    add(2)
    before = queries()
    add(20)
    assert queries() == before


def test_the_student_s_page_lists_their_applications(client, cast, programmes, student):
    draft = complete_application(student=student, by=cast.alice, programme=programmes["insight"])
    client.force_login(cast.alice)
    page = client.get(reverse("students:detail", args=[student.uuid])).content.decode()
    assert url("check", draft) in page and "Insight" in page


def test_a_withdrawal_that_meets_a_change_keeps_the_reason(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    application = services.application_submit(
        application=application, version=application.version, by=cast.alice
    )
    client.force_login(cast.alice)
    response = client.post(
        url("withdraw", application),
        {"version": application.version - 1, "reason": "Typed reason."},
    )
    page = response.content.decode()
    assert "Someone else changed this application" in page
    assert "Typed reason." in page
    assert "<title>Error: " in page
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_forged_version_is_explained_not_an_error(client, cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    client.force_login(cast.alice)
    response = client.post(url("check", application), {"version": "abc"})
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    response = client.post(
        url("page", application, "voice"), {"version": "abc", "student_voice": "Kept."}
    )
    assert "This page is out of date" in response.content.decode()
    assert "Kept." in response.content.decode()


def test_documents_a_new_programme_does_not_need_are_listed_for_removal(
    client, cast, programmes, subscribed, student
):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["refocus"]
    )
    application = services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=application.version,
        by=cast.alice,
    )
    client.force_login(cast.alice)
    page = client.get(url("page", application, "evidence")).content.decode()
    assert "Documents this programme does not need" in page
    statement = application.documents.get(checklist_item__key="headteacher-statement")
    remove = reverse(
        "applications:remove_document", args=[application.uuid, statement.document.uuid]
    )
    assert remove in page
    client.post(remove)
    assert not application.documents.filter(pk=statement.pk).exists()
    assert (
        "Documents this programme does not need"
        not in client.get(url("page", application, "evidence")).content.decode()
    )
