"""Demo safeguarding: a student of the demo school placed with the demo provider, and a
concern the provider's course leader raised about them. It reaches the school's DSL
(school.dsl) and the CAP safeguarding lead (safeguarding), and nobody else. Driven through
the services, so the placement's application has a real timeline. Demo only; safe to run
again."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organisation
from applications import checks
from applications import services as applications
from applications.models import Application
from applications.services import application_document_upload
from demo.applications import ANSWERS, PDF
from demo.people import SCHOOLS, demo_user, synthetic_upn
from finance import services as finance
from finance.models import Fee
from lib.dates import academic_year_start
from placements.models import Placement
from programmes.models import Course, EarlyHelpStep
from programmes.selectors import year_current
from safeguarding import services
from safeguarding.categories import categories_ensure
from safeguarding.models import Category, Concern
from students.models import Carer, Student
from students.services import registration_first

ACCOUNT = (
    "At break {name} told me: “I don’t want to go home tonight, my mum’s boyfriend shouts "
    "and threw my phone at the wall.” {name} had a red mark on the left forearm about 3 cm "
    "long and pulled the sleeve down when I looked. {name} was quiet for the rest of the "
    "morning and did not eat lunch."
)


def _demo_student(school_urn: str) -> Student:
    """A Year 10 student of the demo school of their own, so that the other demo students
    stay as the applications demo left them."""
    index = [urn for urn, *_ in SCHOOLS].index(school_urn) + 1
    born_in = academic_year_start(timezone.localdate()) - 15
    student, created = Student.objects.get_or_create(
        upn=synthetic_upn(index, 99),  # beyond the serials load_demo gives
        defaults={
            "legal_first_name": "Jordan",
            "legal_last_name": "Demo-Morris",
            "date_of_birth": dt.date(born_in, 10, 12),
            "home_school": Organisation.objects.get(urn=school_urn),
            **{f"early_help_{step}": True for step in EarlyHelpStep.values},
        },
    )
    registration_first(student=student, starts_on=dt.date(born_in + 12, 9, 1))
    if created:
        Carer.objects.create(
            student=student,
            name="Gemma Demo-Morris",
            relationship="Mother",
            phone="07700 900123",
            email="gemma.demo-morris@example.com",
            has_parental_responsibility=True,
            lives_with_student=True,
            consent_to_contact=True,
        )
    return student


def _placed_student(*, school_urn: str, provider_ukprn: str) -> Placement | None:
    """A placement of a school A student at the demo provider, made along the provider
    route by the demo users."""
    student = _demo_student(school_urn)
    if Application.objects.filter(student=student).exists():
        # Made on an earlier run: its placement, if the route got that far.
        return Placement.objects.filter(student=student).first()
    course = (
        Course.objects.filter(
            programme__year=year_current(), provider__ukprn=provider_ukprn, weeks__gte=1
        )
        .order_by("id")
        .first()
    )
    today = timezone.localdate()
    interviewed = Application(interview_on=today)
    start = next(
        (
            day
            for day in (today + dt.timedelta(days=n) for n in range(1, 120))
            if not applications.start_date_problem(interviewed, day, today=today)
        ),
        None,
    )
    if course is None or start is None:
        return None  # no current year, or no school day in the term dates loaded
    referrer, officer, provider = (
        demo_user("coordinator"),
        demo_user("officer"),
        demo_user("provider"),
    )
    a = applications.application_start(student=student, by=referrer)
    Application.objects.filter(pk=a.pk).update(
        programme=course.programme,
        course=course,
        **ANSWERS,
        question_answers={
            q.key: "Yes: set out in the school's plan." for q in course.programme.questions.all()
        },
        parental_consent_date=today - dt.timedelta(days=5),
        plan_starts_on=today + dt.timedelta(days=21),
        plan_ends_on=today + dt.timedelta(days=120),
        plan_first_review_on=today + dt.timedelta(days=49),
    )
    a.refresh_from_db()
    for item in checks.required_evidence(a):
        application_document_upload(
            application=a,
            checklist_item=item,
            file=SimpleUploadedFile(f"{item.key}.pdf", PDF, "application/pdf"),
            dated_on=today - dt.timedelta(days=10),
            by=referrer,
        )
    a = applications.application_submit(application=a, version=a.version, by=referrer)
    a = applications.application_accept(application=a, version=a.version, by=officer)
    a = applications.application_send_pack(
        application=a,
        sections=["reasons", "needs", "voice"],
        documents=list(a.documents.all()),
        note="Interview any weekday morning.",
        version=a.version,
        by=officer,
    )
    a = applications.application_arrange_interview(
        application=a, on=today, details="10am at the workshop", version=a.version, by=provider
    )
    a = applications.application_hold_interview(application=a, version=a.version, by=provider)
    a = applications.application_provider_accept(
        application=a, start_on=start, version=a.version, by=provider
    )
    fee = Fee.objects.get(application=a)
    finance.fee_agree(
        fee=fee,
        agreed_by=referrer.full_name,
        agreed_by_role="CAP coordinator, holding the school's budget for alternative provision",
        agreed_on=today,
        document=a.documents.first(),
        version=fee.version,
        by=referrer,
    )
    a = applications.application_confirm_start(
        application=a, start_on=start, version=a.version, by=officer
    )
    applications.application_set_up_placement(application=a, version=a.version, by=officer)
    return Placement.objects.get(application=a)


def load_demo_safeguarding(*, school_urn: str, provider_ukprn: str) -> int:
    if Concern.objects.exists():
        return 0
    categories_ensure(Category)  # a test database flushed between tests has none
    placement = _placed_student(school_urn=school_urn, provider_ukprn=provider_ukprn)
    if placement is None:
        return 0
    services.concern_raise(
        student=placement.student,
        placement=placement,
        category=Category.objects.get(key="domestic_abuse"),
        happened_on=timezone.localdate(),
        account=ACCOUNT.format(name=placement.student.known_as),
        injuries="Red mark on the left forearm, about 3 cm long. Not photographed.",
        immediate_actions="Listened, did not ask leading questions, said I would pass "
        "it on to the people who keep students safe. Raised this straight away.",
        urgent=True,
        by=demo_user("provider"),
    )
    return 1
