"""Applications ready for the submit rules: a complete one, then each test breaks one thing."""

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import checks, journey, services
from applications.models import Application
from applications.services import application_document_upload
from documents.tests.factories import checklist_item, upload
from programmes import services as programme_services
from programmes.models import AcademicYear, EarlyHelpStep, Programme, Subscription
from students.tests.factories import StudentFactory

REFERENCE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load_model() -> AcademicYear:
    """2025-26 from the reference file and 2026-27 rolled over: today falls in 2026-27."""
    first = programme_services.model_load(path=REFERENCE, flagged=True).year
    return programme_services.academic_year_rollover(source=first)


def subscribe(school, year: AcademicYear) -> Subscription:
    return Subscription.objects.create(
        school=school, year=year, tier1_placements=year.sla_tier1_placements
    )


def early_help_done(student) -> None:
    for step in EarlyHelpStep.values:
        setattr(student, f"early_help_{step}", True)
    student.save()


ANSWERS = {
    "referral_reason": "behaviour",
    "reasons_detail": "Repeated removals from lessons this term.",
    "needs_summary": "SEN support for literacy.",
    "risks_summary": "Low risk; managed with a plan.",
    "attendance_percent": 88,
    "suspensions_this_year": 1,
    "behaviour_summary": "Disruption in afternoon lessons.",
    "interventions": "Mentoring for six weeks: some improvement.",
    "agencies": ["early_help"],
    "agencies_detail": "Family support worker visits weekly.",
    "student_voice": "Wants to learn a trade.",
    "parent_views": "Supportive.",
    "parental_consent": True,
    "plan_objectives": "Re-engage with learning.",
    "plan_success": "Attends every session.",
    "plan_readiness": "Attendance above 90% for four weeks.",
    "plan_review_frequency_weeks": 4,
}


def complete_application(*, student, by, programme: Programme, upload=True) -> Application:
    """A draft with every page answered and every piece of evidence uploaded."""
    today = timezone.localdate()
    application = services.application_start(student=student, by=by)
    fields = {
        **ANSWERS,
        "programme": programme,
        "course": programme.courses.first() if programme.offers_courses else None,
        "question_answers": {q.key: "An answer." for q in programme.questions.all()},
        "parental_consent_date": today - dt.timedelta(days=3),
        "plan_starts_on": today + dt.timedelta(days=14),
        "plan_ends_on": today + dt.timedelta(days=100),
        "plan_first_review_on": today + dt.timedelta(days=42),
    }
    Application.objects.filter(pk=application.pk).update(
        programme=fields.pop("programme"), course=fields.pop("course"), **fields
    )
    application.refresh_from_db()
    assert all(journey.is_answered(application, p) for p in journey.pages_for(application))
    if upload:
        for item in checks.required_evidence(application):
            application_document_upload(
                application=application,
                checklist_item=item,
                file=SimpleUploadedFile(f"{item.key}.pdf", PDF, "application/pdf"),
                dated_on=today - dt.timedelta(days=10),
                by=by,
            )
    return application


def draft_application(cast) -> Application:
    """A draft by Alice at school A, with no answers yet."""
    return Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        created_by=cast.alice,
    )


def uploaded_document(application: Application, *, by, name: str = "report.pdf", data=PDF):
    """One file given as evidence for the application form's checklist item."""
    return application_document_upload(
        application=application,
        checklist_item=checklist_item(),
        file=upload(name, data),
        dated_on=None,
        by=by,
    )
