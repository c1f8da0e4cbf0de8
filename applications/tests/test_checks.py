"""Each submit rule refuses with its own message, and a complete application passes."""

import datetime as dt

import pytest
from django.utils import timezone

from applications import checks
from applications.models import Application, ApplicationDocument
from applications.tests.factories import complete_application
from applications.workflow import Status
from programmes.models import EarlyHelpStep, Programme
from students.services import student_school_move

TODAY = timezone.localdate


def problems(application) -> list[str]:
    return [p.message for p in checks.submit_problems(application, today=TODAY())]


@pytest.mark.parametrize(
    "key",
    [
        "work-based-learning",
        "curriculum-support",
        "employability",
        "insight",
        "flourish",
        "supported-transfer",
        "refocus",
        "year-11-post-16",
        "focus-11",
    ],
)
def test_a_complete_application_for_every_programme_can_be_submitted(
    cast, programmes, subscribed, student, key
):
    if 11 in programmes[key].year_groups and 10 not in programmes[key].year_groups:
        student.date_of_birth = dt.date(2011, 1, 15)  # Year 11 in 2026-27
        student.save()
    application = complete_application(student=student, by=cast.alice, programme=programmes[key])
    assert problems(application) == []


def test_an_unanswered_page_is_named(cast, programmes, subscribed, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    Application.objects.filter(pk=application.pk).update(student_voice="")
    application.refresh_from_db()
    assert problems(application) == ["Complete the page “The student's voice”"]


@pytest.mark.parametrize("key", ["focus-11", "year-11-post-16"])
def test_year_11_programmes_refuse_a_student_in_another_year(
    cast, programmes, subscribed, student, key
):
    application = complete_application(student=student, by=cast.alice, programme=programmes[key])
    name = programmes[key].name
    assert problems(application) == [
        f"{name} is for students in Year 11; {student.known_as} is in Year 10"
    ]


@pytest.mark.parametrize("key", ["supported-transfer", "refocus", "focus-11"])
def test_tier_3_needs_a_subscription(cast, programmes, student, key):
    application = complete_application(student=student, by=cast.alice, programme=programmes[key])
    messages = problems(application)
    assert (
        f"{programmes[key].name} is only for schools with a CAP subscription for 2026-27, and "
        "School A does not have one"
    ) in messages


def test_tier_1_and_2_need_no_subscription(cast, programmes, student):
    for key in ("work-based-learning", "insight", "flourish"):
        application = complete_application(
            student=student, by=cast.alice, programme=programmes[key]
        )
        assert problems(application) == []


class TestTheTier1Allowance:
    def fill(self, cast, programmes, student, count):
        for _ in range(count):
            Application.objects.create(
                student=student,
                school=cast.school_a,
                created_by=cast.alice,
                programme=programmes["curriculum-support"],
                status=Status.SUBMITTED,
            )

    def test_the_count_is_shown_and_warns_as_it_nears_the_limit(
        self, cast, programmes, subscribed, student
    ):
        self.fill(cast, programmes, student, 11)
        application = complete_application(
            student=student, by=cast.alice, programme=programmes["employability"]
        )
        allowance = checks.allowance_for(application)
        assert (allowance.used, allowance.total, allowance.left) == (12, 15, 3)
        assert allowance.nearly_gone and not allowance.exceeded
        assert problems(application) == []

    def test_past_the_limit_it_warns_when_the_manager_chose_to_warn(
        self, cast, programmes, subscribed, student, year
    ):
        self.fill(cast, programmes, student, 15)
        application = complete_application(
            student=student, by=cast.alice, programme=programmes["employability"]
        )
        assert checks.allowance_for(application).exceeded
        assert problems(application) == []

    def test_past_the_limit_it_refuses_when_the_manager_chose_to_refuse(
        self, cast, programmes, subscribed, student, year
    ):
        year.over_allowance = "refuse"
        year.save()
        self.fill(cast, programmes, student, 15)
        application = complete_application(
            student=student, by=cast.alice, programme=programmes["employability"]
        )
        assert problems(application) == [
            "School A has used all 15 of its paid-for Tier 1 placements for 2026-27"
        ]

    def test_withdrawn_applications_do_not_count(self, cast, programmes, subscribed, student):
        self.fill(cast, programmes, student, 3)
        Application.objects.update(status=Status.WITHDRAWN)
        application = complete_application(
            student=student, by=cast.alice, programme=programmes["employability"]
        )
        assert checks.allowance_for(application).used == 1

    def test_a_school_without_a_subscription_has_no_allowance(self, cast, programmes, student):
        application = complete_application(
            student=student, by=cast.alice, programme=programmes["employability"]
        )
        assert checks.allowance_for(application) is None


def test_tier_2_needs_the_early_help_steps(cast, programmes, student):
    student.early_help_recorded_on_ehm = False
    student.early_help_offer_made = False
    student.save()
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["flourish"]
    )
    assert problems(application) == [
        "Tier 2 needs the family's consent recorded on EHM and an Early Help offer made to the "
        f"family: record them on {student.known_as}'s details"
    ]


def test_tier_3_waives_the_early_help_offer_for_a_family_on_a_plan(
    cast, programmes, subscribed, student
):
    student.early_help_offer_made = False
    student.save()
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["refocus"]
    )
    assert problems(application) == [
        "Tier 3 needs an Early Help offer made to the family: record them on "
        f"{student.known_as}'s details"
    ]
    student.care_plan = "child_protection"
    student.save()
    application.refresh_from_db()
    assert problems(application) == []


def test_tier_1_asks_nothing_of_early_help(cast, programmes, student):
    for step in EarlyHelpStep.values:
        setattr(student, f"early_help_{step}", False)
    student.save()
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    assert problems(application) == []


def test_parental_consent_is_needed_where_the_programme_says(cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["insight"]
    )
    Application.objects.filter(pk=application.pk).update(
        parental_consent=False, parental_consent_date=None
    )
    application.refresh_from_db()
    assert problems(application) == ["Insight needs the parents' or carers' consent to apply"]


def test_a_student_cannot_have_two_open_applications_for_one_programme(cast, programmes, student):
    first = complete_application(student=student, by=cast.alice, programme=programmes["insight"])
    Application.objects.filter(pk=first.pk).update(status=Status.SUBMITTED)
    second = complete_application(student=student, by=cast.alice, programme=programmes["insight"])
    assert problems(second) == [
        f"{student.known_as} already has an open application for Insight "
        f"(reference {first.reference})"
    ]


def test_submit_lists_exactly_the_missing_evidence(cast, programmes, subscribed, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["refocus"], upload=False
    )
    assert problems(application) == [
        "Upload the document for “Up-to-date risk assessment”",
        "Upload the document for “Early Help outcome”",
        "Upload the document for “Headteacher's statement”",
        "Upload the document for “Commissioning agreement”",
    ]


def test_the_ehc_plan_is_needed_only_for_a_student_who_has_one(cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    assert problems(application) == []
    student.sen_provision = "E"
    student.save()
    application.refresh_from_db()
    assert problems(application) == ["Upload the document for “EHCP and supporting documentation”"]


def test_an_old_risk_assessment_is_not_enough(cast, programmes, student, year):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    ApplicationDocument.objects.filter(
        application=application, checklist_item__key="risk-assessment"
    ).update(dated_on=TODAY() - dt.timedelta(days=year.risk_assessment_valid_days + 1))
    assert problems(application) == ["Upload a risk assessment dated in the last 90 days"]


def test_another_school_s_open_application_is_not_described(cast, programmes, student):
    first = complete_application(student=student, by=cast.alice, programme=programmes["insight"])
    Application.objects.filter(pk=first.pk).update(status=Status.SUBMITTED)
    # The student moves to school B's roll (a managed move) before B applies.
    student_school_move(student=student, to=cast.school_b, on=timezone.localdate(), by=None)
    student.refresh_from_db()
    second = complete_application(student=student, by=cast.bob, programme=programmes["insight"])
    assert problems(second) == [
        f"{student.known_as} already has an open application for Insight: contact the CAP team"
    ]


def test_a_programme_from_a_year_that_has_ended_must_be_chosen_again(cast, year, student):

    old = Programme.objects.get(year__name="2025-26", key="insight")
    application = complete_application(student=student, by=cast.alice, programme=old)
    assert (
        "Insight for 2025-26 is no longer open: choose the programme again for 2026-27"
        in problems(application)
    )


def test_the_year_group_is_the_one_at_the_planned_start(cast, programmes, subscribed, student):
    # Year 10 now; Year 11 from next September, when this Focus 11 placement would start.
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["focus-11"]
    )
    assert any("is for students in Year 11" in m for m in problems(application))
    Application.objects.filter(pk=application.pk).update(
        plan_starts_on=application.programme.year.ends_on + dt.timedelta(days=7)
    )
    application.refresh_from_db()
    assert not any("Year 11" in m for m in problems(application))


def test_a_risk_assessment_dated_in_the_future_is_not_up_to_date(cast, programmes, student):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    ApplicationDocument.objects.filter(
        application=application, checklist_item__key="risk-assessment"
    ).update(dated_on=TODAY() + dt.timedelta(days=400))
    assert problems(application) == ["Upload a risk assessment dated in the last 90 days"]


def test_a_document_the_programme_does_not_need_must_be_removed(
    cast, programmes, subscribed, student
):
    from applications import services

    application = complete_application(
        student=student, by=cast.alice, programme=programmes["refocus"]
    )
    application = services.application_save_page(
        application=application,
        answers={"programme": programmes["insight"]},
        version=application.version,
        by=cast.alice,
    )
    messages = problems(application)
    assert "Remove “headteacher-statement.pdf”: Insight does not need it" in messages
    assert "Remove “early-help-outcome.pdf”: Insight does not need it" not in messages
