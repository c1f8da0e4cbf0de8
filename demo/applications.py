"""Demo applications at each step of the provider route, so that every demo user's home page
has work waiting. Driven through the services, so their timelines are real. Demo only."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from applications import checks, services
from applications.models import Application
from applications.services import application_document_upload
from demo.people import demo_user
from programmes.models import Course, EarlyHelpStep
from programmes.selectors import year_current
from students.models import Student

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANSWERS = {
    "referral_reason": "engagement",
    "reasons_detail": "Finds classroom learning hard and wants a practical course.",
    "needs_summary": "SEN support for literacy; works best in small groups.",
    "risks_summary": "Low; see the risk assessment.",
    "attendance_percent": 84,
    "suspensions_this_year": 0,
    "behaviour_summary": "Disengaged in afternoon lessons.",
    "student_voice": "I want to learn a trade.",
    "parent_views": "Supportive of a practical course.",
    "parental_consent": True,
    "plan_objectives": "Re-engage with learning through a practical course.",
    "plan_review_frequency_weeks": 4,
    "plan_success": "Attends every session and completes the course.",
    "plan_readiness": "Good attendance for four weeks in a row.",
    "interventions": "A mentor, a reduced timetable and a Tier 1 course last term.",
    "agencies": ["early_help"],
    "agencies_detail": "Early Help has worked with the family since September.",
}

# How far along the route each demo application goes.
STEPS = ["submitted", "returned", "pack_sent", "interview_held", "provider_accepted"]


def load_demo_applications(*, school_urn: str, provider_ukprn: str) -> int:
    if Application.objects.exists():
        return 0
    referrer = demo_user("coordinator")
    officer = demo_user("officer")
    provider = demo_user("provider")
    year = year_current()
    course = Course.objects.filter(programme__year=year, provider__ukprn=provider_ukprn).first()
    students = Student.objects.filter(home_school__urn=school_urn).order_by("upn")[: len(STEPS)]
    today = timezone.localdate()
    for step, student in zip(STEPS, students, strict=False):
        a = demo_submit(student=student, programme=course.programme, course=course, by=referrer)
        if step == "returned":
            services.application_return(
                application=a,
                question="Which days of the week would suit the student best?",
                version=a.version,
                by=officer,
            )
            continue
        if step == "submitted":
            continue
        a = services.application_accept(application=a, version=a.version, by=officer)
        a = services.application_send_pack(
            application=a,
            sections=["reasons", "needs", "voice"],
            documents=list(a.documents.all()),
            note="Interview any weekday morning.",
            version=a.version,
            by=officer,
        )
        if step == "pack_sent":
            continue
        a = services.application_arrange_interview(
            application=a,
            on=today,
            details="10am at the workshop",
            version=a.version,
            by=provider,
        )
        a = services.application_hold_interview(application=a, version=a.version, by=provider)
        if step == "interview_held":
            continue
        start = next(
            (
                day
                for day in (today + dt.timedelta(days=n) for n in range(14, 120))
                if not services.start_date_problem(a, day, today=today)
            ),
            None,
        )
        if start is not None:  # there is a school day in the term dates loaded
            services.application_provider_accept(
                application=a, start_on=start, version=a.version, by=provider
            )
    return len(STEPS)


def demo_submit(*, student: Student, programme, course, by: User) -> Application:
    """Fill in and submit an application as a school would, evidence included. Raises
    services.SubmitRefused when the student cannot go on the programme."""
    today = timezone.localdate()
    for value in EarlyHelpStep.values:
        setattr(student, f"early_help_{value}", True)
    student.save()
    application = services.application_start(student=student, by=by)
    Application.objects.filter(pk=application.pk).update(
        programme=programme,
        course=course,
        **ANSWERS,
        question_answers={
            q.key: "Yes: set out in the school's plan." for q in programme.questions.all()
        },
        parental_consent_date=today - dt.timedelta(days=5),
        plan_starts_on=today + dt.timedelta(days=21),
        plan_ends_on=today + dt.timedelta(days=120),
        plan_first_review_on=today + dt.timedelta(days=49),
    )
    application.refresh_from_db()
    for item in checks.required_evidence(application):
        application_document_upload(
            application=application,
            checklist_item=item,
            file=SimpleUploadedFile(f"{item.key}.pdf", PDF, "application/pdf"),
            dated_on=today - dt.timedelta(days=10),
            by=by,
        )
    try:
        return services.application_submit(
            application=application, version=application.version, by=by
        )
    except services.SubmitRefused:
        application.refresh_from_db()
        services.application_discard(application=application, version=application.version, by=by)
        raise
