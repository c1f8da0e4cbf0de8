"""A student with records in every app CAP has, for the subject access tests: each text
that must (or must not) reach a zip carries a marker of the student's own."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from applications.models import ApplicationDocument
from audit.services import event_record
from documents.storage import stored_save
from documents.tests.factories import stored_document
from entitlements.models import Allocation, Delivery
from finance.models import Fee, FeeChange
from panels.models import AgendaItem, Decision, OutcomeNotice
from placements.models import (
    Review,
    ReviewEntry,
    SupportPlan,
    Target,
    TermlyReport,
    Visit,
    VisitKind,
    VisitStatus,
)
from placements.tests.factories import (
    MONDAY,
    make_placement,
    make_programme,
    make_terms,
    record_marks,
    week_of_codes,
)
from programmes.models import Benefit, BenefitGivenAs, Meeting, Panel, Subscription, Term
from safeguarding.categories import categories_ensure
from safeguarding.models import Category, Concern, Entry, EntryKind
from school_reviews.models import AgendaItem as ReviewItem
from school_reviews.models import ReviewMeeting
from students.models import AgencyLink
from students.tests.factories import CarerFactory, StudentFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def year_and_programme():
    year = make_terms()
    return year, make_programme(year)


def student_with_everything(cast, year, programme, *, mark: str, upn: str | None = None):
    """A student of school A placed at provider P, with: a carer, a document, marks, a
    target, a review, a plan, a termly report, a panel decision and outcome letter, a fee and
    its change, a safeguarding concern with an entry, and audit events about each. `mark`
    is put into every free text."""
    extra = {"upn": upn} if upn else {}
    student = StudentFactory(
        home_school=cast.school_a,
        legal_first_name=f"Pupil{mark}",
        legal_last_name=f"Family{mark}",
        **extra,
    )
    carer = CarerFactory(student=student, name=f"Carer {mark}")
    placement = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        student=student,
    )
    application = placement.application
    application.reasons_detail = f"Reasons {mark}"
    application.question_answers = {"why-now": f"Answer {mark}"}
    application.save()
    document = stored_document(
        by=cast.alice, name=f"GP letter {mark}.pdf", data=PDF + mark.encode()
    )
    ApplicationDocument.objects.create(application=application, document=document)
    record_marks(placement, week_of_codes(MONDAY, ["/", "\\"] * 5), by=cast.provider_staff)
    target = Target.objects.create(
        placement=placement, text=f"Target {mark}", set_on=MONDAY, recorded_by=cast.provider_staff
    )
    review = Review.objects.create(
        placement=placement,
        held_on=MONDAY,
        attendees="Everyone",
        notes=f"Review notes {mark}",
        recorded_by=cast.monitoring,
    )
    ReviewEntry.objects.create(
        review=review,
        kind="note",
        text=f"Agency note {mark}",
        recorded_by=cast.agency_worker,
        recorded_for=cast.agency,
    )
    AgencyLink.objects.create(
        student=student,
        professional=cast.agency_worker,
        agency=cast.agency,
        consent_given_by=f"Consent giver {mark}",
        consent_given_on=MONDAY,
        consent_method="in_writing",
        created_by=cast.alice,
    )
    plan = SupportPlan.objects.create(
        placement=placement,
        kind="isp",
        starts_on=MONDAY,
        review_on=MONDAY + dt.timedelta(days=28),
        summary=f"Plan {mark}",
        recorded_by=cast.monitoring,
    )
    report = TermlyReport.objects.create(
        placement=placement,
        term=Term.objects.get(year=year, name="Spring"),
        stored_name=stored_save(PDF + f"report {mark}".encode()),
        sha256="x",
        size=len(PDF) + 20,
        issued_at=timezone.now(),
    )
    panel, _ = Panel.objects.get_or_create(year=year, key="rap", defaults={"name": "RAP"})
    meeting = Meeting.objects.create(panel=panel, date=MONDAY, referral_deadline=MONDAY)
    item = AgendaItem.objects.create(
        meeting=meeting, application=application, step="rap", state="decided"
    )
    decision = Decision.objects.create(
        item=item, outcome="approved", rationale=f"Rationale {mark}", recorded_by=cast.chair
    )
    notice = OutcomeNotice.objects.create(
        decision=decision,
        application=application,
        due_on=MONDAY,
        subject=f"Outcome {mark}",
        body=f"Letter body {mark}",
        letter_file=stored_save(PDF + f"letter {mark}".encode()),
    )
    fee = Fee.objects.create(application=application, amount_pence=120_000, set_at=timezone.now())
    FeeChange.objects.create(
        fee=fee,
        previous_pence=100_000,
        amount_pence=120_000,
        reason=f"Fee reason {mark}",
        changed_by=cast.officer,
        changed_at=timezone.now(),
    )
    categories_ensure(Category)
    concern = Concern.objects.create(
        student=student,
        placement=placement,
        raised_by=cast.provider_staff,
        raised_for=cast.provider,
        happened_on=MONDAY,
        category=Category.objects.get(key="physical_abuse"),
        account=f"Concern account {mark}",
        urgent=False,
    )
    entry = Entry.objects.create(
        concern=concern, kind=EntryKind.UPDATE, by=cast.safeguarding, text=f"Entry text {mark}"
    )
    visit = Visit.objects.create(
        placement=placement,
        kind=VisitKind.HOME,
        status=VisitStatus.HAPPENED,
        planned_on=MONDAY,
        officer=cast.monitoring,
        planned_by=cast.monitoring,
        planned_at=timezone.now(),
        happened_on=MONDAY,
        findings=f"Visit findings {mark}",
        recorded_by=cast.monitoring,
        recorded_at=timezone.now(),
    )
    review_meeting, _ = ReviewMeeting.objects.get_or_create(
        school=cast.school_a,
        term=Term.objects.get(year=year, name="Spring"),
        defaults={
            "held_on": MONDAY,
            "starts_at": dt.time(10),
            "place": "School A",
            "attendees": "The CAP team and the school",
            "agenda_taken_at": timezone.now(),
            "created_by": cast.officer,
        },
    )
    review_item = ReviewItem.objects.create(
        meeting=review_meeting, placement=placement, position=1, notes=f"Review minutes {mark}"
    )
    mentoring = Benefit.objects.create(
        year=year,
        key=f"mentor-{mark.lower()}",
        name="Youth Justice Service mentor",
        gives="A mentor for a student",
        given_as=BenefitGivenAs.PERSON_FOR_STUDENT,
    )
    subscription, _ = Subscription.objects.get_or_create(
        year=year, school=cast.school_a, defaults={"tier1_placements": 15}
    )
    allocation = Allocation.objects.create(
        subscription=subscription,
        benefit=mentoring,
        given_by="A mentor",
        student=student,
        starts_on=MONDAY,
        note=f"Mentoring note {mark}",
        allocated_by=cast.officer,
    )
    delivery = Delivery.objects.create(
        allocation=allocation,
        on=MONDAY,
        status="delivered",
        what=f"Mentoring session {mark}",
        recorded_by=cast.officer,
    )
    delivery.students.add(student)
    event_record(actor=cast.officer, action="student.changed", obj=student)
    event_record(actor=cast.alice, action="document.downloaded", obj=document)
    event_record(actor=cast.safeguarding, action="safeguarding.concern_viewed", obj=concern)
    return SimpleNamespace(
        student=student,
        carer=carer,
        placement=placement,
        application=application,
        document=document,
        target=target,
        review=review,
        plan=plan,
        report=report,
        decision=decision,
        notice=notice,
        fee=fee,
        concern=concern,
        entry=entry,
        visit=visit,
        review_item=review_item,
        allocation=allocation,
        delivery=delivery,
    )
