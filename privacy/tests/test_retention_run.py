"""The retention job: what has expired goes (deleted or anonymised as the schedule says),
one transaction per student, and nothing outside its scope is touched: another student,
a student whose record has not ended, a student on legal hold, a looked-after student (for
review), a recent draft, recent audit events. The run records counts by kind, no names."""

import datetime as dt
import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from applications.models import Application, ApplicationDocument
from audit import db as audit_db
from audit.models import Event
from audit.services import event_record
from documents.models import Document
from documents.tests.factories import checklist_item, stored_document, stored_files
from placements.models import (
    BehaviourEntry,
    Mark,
    Placement,
    Review,
    ReviewEntry,
    Target,
    Visit,
    VisitKind,
    VisitStatus,
)
from placements.tests.factories import make_placement, make_programme, make_terms
from privacy import retention
from privacy.models import AnonymisedStudent, LegalHold, RetentionRemoval, RetentionRun
from privacy.retention import legal_hold_lift, legal_hold_set, retention_run
from privacy.tests.sar_records import student_with_everything
from students.models import AgencyLink, Carer, SenProvision, Student
from students.tests.factories import CarerFactory, StudentFactory

ON = dt.date(2033, 6, 1)  # six years and more after every event these tests write today


@pytest.fixture(autouse=True)
def guards(db):
    audit_db.install_guards(connection)  # a browser test may have lifted them


def _with_records(cast, programme, *, born, first_name, **fields) -> Student:
    """A placed student with carers, a document, a target and a behaviour entry."""
    student = StudentFactory(
        home_school=cast.school_a, date_of_birth=born, legal_first_name=first_name, **fields
    )
    CarerFactory.create_batch(2, student=student)
    placement = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        student=student,
    )
    Application.objects.filter(pk=placement.application_id).update(
        needs_summary=f"{first_name} needs help with reading"
    )
    ApplicationDocument.objects.create(
        application=placement.application,
        document=stored_document(by=cast.alice),
        checklist_item=checklist_item(),
    )
    Target.objects.create(
        placement=placement, text="Attend every day", set_on=ON, recorded_by=cast.officer
    )
    BehaviourEntry.objects.create(
        placement=placement,
        happened_on=ON,
        kind="positive",
        category="effort",
        note=f"{first_name} helped a classmate",
        recorded_by=cast.officer,
    )
    Visit.objects.create(
        placement=placement,
        kind=VisitKind.HOME,
        status=VisitStatus.HAPPENED,
        planned_on=ON,
        officer=cast.monitoring,
        planned_by=cast.monitoring,
        planned_at=timezone.now(),
        happened_on=ON,
        findings=f"{first_name} was at home with their carer",
        recorded_by=cast.monitoring,
        recorded_at=timezone.now(),
    )
    return student


def everything_about(student: Student) -> dict:
    """Every row CAP holds for the student, as values, to compare before and after."""
    placements = Placement.objects.filter(student=student)
    return {
        "student": model_to_dict(Student.objects.get(pk=student.pk)),
        "carers": [model_to_dict(c) for c in Carer.objects.filter(student=student)],
        "applications": [
            model_to_dict(a) for a in Application.objects.filter(student=student).order_by("pk")
        ],
        "documents": list(
            Document.objects.filter(application_link__application__student=student).values()
        ),
        "placements": [model_to_dict(p) for p in placements],
        "targets": list(Target.objects.filter(placement__in=placements).values()),
        "behaviour": list(BehaviourEntry.objects.filter(placement__in=placements).values()),
        "visits": list(Visit.objects.filter(placement__in=placements).values()),
        "marks": list(Mark.objects.filter(placement__in=placements).values()),
    }


@pytest.fixture
def world(cast):
    programme = make_programme(make_terms())
    return {
        # 25th birthday on 10 January 2025: anonymised.
        "ended": _with_records(cast, programme, born=dt.date(2000, 1, 10), first_name="Ended"),
        # 25th birthday in 2037: untouched.
        "young": _with_records(cast, programme, born=dt.date(2012, 3, 4), first_name="Young"),
        # With SEN support, kept to 31: 2034, untouched.
        "sen": _with_records(
            cast,
            programme,
            born=dt.date(2003, 1, 1),
            first_name="Sen",
            sen_provision=SenProvision.SEN_SUPPORT,
        ),
        # Looked after: listed for review, never acted on.
        "looked_after": _with_records(
            cast, programme, born=dt.date(2000, 1, 10), first_name="Cared", looked_after=True
        ),
        # On legal hold: untouched though ended.
        "held": _with_records(cast, programme, born=dt.date(2000, 1, 10), first_name="Held"),
    }


def test_an_ended_record_is_anonymised_and_nothing_else_is_touched(
    world, cast, settings, django_capture_on_commit_callbacks
):
    legal_hold_set(student=world["held"], reason="Subject access request 42", by=cast.manager)
    before = {name: everything_about(s) for name, s in world.items()}
    files_before = len(stored_files(settings.CAP_DOCUMENT_ROOT))
    placement = Placement.objects.get(student=world["ended"])

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run(on=ON)

    for name in ("young", "sen", "looked_after", "held"):
        assert everything_about(world[name]) == before[name], name
    ended = Student.objects.get(pk=world["ended"].pk)
    assert (ended.legal_first_name, ended.legal_last_name, ended.preferred_name) == (
        "Anonymised",
        "student",
        "",
    )
    assert ended.upn == f"ANON{ended.pk:09d}"
    # The first day of the school year of birth: the year group still comes out right.
    assert ended.date_of_birth == dt.date(1999, 9, 1)
    assert ended.year_group(ON) == world["ended"].year_group(ON)  # as born on 10 January 2000
    assert not Carer.objects.filter(student=ended).exists()
    assert not ApplicationDocument.objects.filter(application__student=ended).exists()
    assert len(stored_files(settings.CAP_DOCUMENT_ROOT)) == files_before - 1
    application = Application.objects.get(student=ended)
    assert application.needs_summary == "" and application.programme_id is not None
    assert not Target.objects.filter(placement=placement).exists()
    assert not BehaviourEntry.objects.filter(placement=placement).exists()
    assert not Visit.objects.filter(placement=placement).exists()
    # The placement stays, for the figures, under the anonymised student.
    assert Placement.objects.filter(pk=placement.pk, student=ended).exists()
    assert AnonymisedStudent.objects.filter(student=ended).exists()

    assert (run.students, run.held, run.failed) == (1, 1, 0)
    expected = {
        "student_record": 1,
        "carers": 2,
        "documents": 1,
        "applications": 1,
        "placement_records": 3,
    }
    assert {k: v for k, v in run.removed.items() if k != "audit_events"} == expected
    assert RetentionRemoval.objects.get(run=run).student_ref == ended.pk
    # No names anywhere in what the run recorded.
    recorded = json.dumps(
        [run.removed, list(RetentionRemoval.objects.values()), Event.objects.last().detail],
        default=str,
    )
    assert "Ended" not in recorded and world["ended"].upn not in recorded


def test_a_second_run_finds_nothing_more_to_do(world):
    retention_run(on=ON)
    after_first = {name: everything_about(s) for name, s in world.items()}
    again = retention_run(on=ON)
    # Only the first run's own audit event, written today, is old enough to go.
    assert again.students == 0 and again.removed == {"audit_events": 1}
    assert {name: everything_about(s) for name, s in world.items()} == after_first


def test_lifting_the_hold_lets_the_next_run_act(world, cast):
    def audited():
        return set(
            Event.objects.filter(object_id=str(world["held"].uuid)).values_list("action", flat=True)
        )

    hold = legal_hold_set(student=world["held"], reason="Proceedings", by=cast.manager)
    assert audited() == {"retention.hold_set"}
    retention_run(on=ON)
    assert Student.objects.get(pk=world["held"].pk).legal_first_name == "Held"
    legal_hold_lift(hold=hold, reason="Proceedings ended", by=cast.manager)
    # The events about a held student stay while the hold stands.
    assert audited() == {"retention.hold_set", "retention.hold_lifted"}
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lifted_reason) == (cast.manager, "Proceedings ended")
    run = retention_run(on=ON)
    assert run.students == 1
    assert Student.objects.get(pk=world["held"].pk).legal_first_name == "Anonymised"


def test_a_hold_set_while_the_run_is_under_way_is_respected(world, cast):
    # The run has listed the student as not held; the hold arrives before their turn.
    real = retention._retire

    def hold_first(student_id, on, run):
        if student_id == world["ended"].pk:
            LegalHold.objects.create(
                student_id=student_id, reason="Just in time", set_by=cast.manager
            )
        return real(student_id, on, run)

    with mock.patch.object(retention, "_retire", hold_first):
        run = retention_run(on=ON)
    # Held at its turn; the other ended student (not held in this test) goes.
    assert run.held == 1 and run.students == 1
    assert Student.objects.get(pk=world["ended"].pk).legal_first_name == "Ended"


def test_one_students_failure_undoes_only_their_own_changes(world, cast):
    other = StudentFactory(home_school=cast.school_a, date_of_birth=dt.date(1999, 5, 5))
    CarerFactory(student=other)
    real = retention._anonymise

    def fail_for_ended(student, run):
        removed = real(student, run)
        if student.pk == world["ended"].pk:
            raise RuntimeError("disk full")
        return removed

    before = everything_about(world["ended"])
    with (
        mock.patch.object(retention, "_anonymise", fail_for_ended),
        pytest.raises(CommandError, match="failed for 1 students"),
    ):
        call_command("apply_retention", "--on", ON.isoformat(), stdout=io.StringIO())
    assert everything_about(world["ended"]) == before
    assert Student.objects.get(pk=other.pk).legal_first_name == "Anonymised"
    assert not Carer.objects.filter(student=other).exists()
    run = RetentionRun.objects.get()
    # The other two ended students (none held in this test) went; the failed one did not.
    assert (run.students, run.failed) == (2, 1)
    assert not AnonymisedStudent.objects.filter(student=world["ended"]).exists()


def test_drafts_never_submitted_go_a_year_after_their_last_change(cast):
    young = StudentFactory(home_school=cast.school_a, date_of_birth=dt.date(2012, 3, 4))
    old, fresh, submitted = (
        Application.objects.create(student=young, school=cast.school_a, created_by=cast.alice)
        for _ in range(3)
    )
    ApplicationDocument.objects.create(
        application=old, document=stored_document(by=cast.alice), checklist_item=checklist_item()
    )
    london = timezone.get_current_timezone()
    Application.objects.filter(pk=old.pk).update(
        updated_at=dt.datetime(2032, 6, 1, 23, 0, tzinfo=london)  # a year ago today
    )
    Application.objects.filter(pk=fresh.pk).update(
        updated_at=dt.datetime(2032, 6, 2, 0, 1, tzinfo=london)  # a year ago tomorrow
    )
    Application.objects.filter(pk=submitted.pk).update(
        status="submitted",
        submitted_at=dt.datetime(2020, 1, 1, tzinfo=london),
        updated_at=dt.datetime(2020, 1, 1, tzinfo=london),
    )
    run = retention_run(on=ON)
    assert set(Application.objects.values_list("pk", flat=True)) == {fresh.pk, submitted.pk}
    assert not Document.objects.exists()
    assert run.removed["draft_application"] == 1 and run.removed["documents"] == 1
    # Their student's own record has not ended: untouched.
    assert Student.objects.get(pk=young.pk).legal_first_name == young.legal_first_name


def test_audit_events_go_after_six_years_and_recent_ones_stay(cast, monkeypatch):
    london = timezone.get_current_timezone()
    old = event_record(actor=cast.officer, action="test.old")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2027, 6, 2, 9, tzinfo=london))
    recent = event_record(actor=cast.officer, action="test.recent")
    monkeypatch.undo()
    run = retention_run(on=ON)
    assert not Event.objects.filter(pk=old.pk).exists()
    assert Event.objects.filter(pk=recent.pk).exists()
    assert run.removed["audit_events"] == 1
    # The run's own event is written after, and stays.
    assert Event.objects.filter(action="retention.run").count() == 1


def test_a_legal_hold_keeps_the_audit_events_about_the_student(world, cast):
    held, other = world["ended"], world["young"]
    legal_hold_set(student=held, reason="Tribunal", by=cast.manager)
    about_held = event_record(actor=cast.officer, action="test.read", obj=held)
    about_other = event_record(actor=cast.officer, action="test.read", obj=other)

    retention_run(on=ON)

    assert Event.objects.filter(pk=about_held.pk).exists()
    assert not Event.objects.filter(pk=about_other.pk).exists()


def test_an_anonymised_student_keeps_no_review_notes_nor_who_consented_to_an_agency(
    cast, django_capture_on_commit_callbacks
):
    programme = make_programme(make_terms())
    student = _with_records(cast, programme, born=dt.date(2000, 1, 10), first_name="Ended")
    placement = Placement.objects.get(student=student)
    review = Review.objects.create(
        placement=placement,
        held_on=ON,
        attendees="Mum",
        notes="Ended is settling in",
        recorded_by=cast.officer,
    )
    ReviewEntry.objects.create(
        review=review,
        kind="note",
        text="Ended's mum called",
        recorded_by=cast.agency_worker,
        recorded_for=cast.agency,
    )
    link = AgencyLink.objects.create(
        student=student,
        professional=cast.agency_worker,
        agency=cast.agency,
        consent_given_by="Jane Ended, mother",
        consent_given_on=ON,
        consent_method="in_writing",
        created_by=cast.alice,
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run(on=ON)
    assert run.students == 1
    assert not ReviewEntry.objects.exists() and not Review.objects.exists()
    link.refresh_from_db()
    assert (link.consent_given_by, link.professional) == ("", cast.agency_worker)


def test_the_forecast_counts_what_goes_in_one_query_as_one_count_a_kind_would(world, cast):
    """The forecast adds up per student what goes with each ending record: the totals are
    the ones a count of each kind over those students gives."""
    programme = Placement.objects.get(student=world["ended"]).programme
    year = programme.year
    everything = student_with_everything(cast, year, programme, mark="Alpha")
    sen = student_with_everything(cast, year, programme, mark="Bravo")
    Student.objects.filter(pk=everything.student.pk).update(date_of_birth=dt.date(2000, 1, 10))
    Student.objects.filter(pk=sen.student.pk).update(
        date_of_birth=dt.date(2005, 5, 5), sen_provision=SenProvision.EHC_PLAN
    )
    legal_hold_set(student=world["held"], reason="Proceedings", by=cast.manager)
    draft = Application.objects.create(
        student=world["young"], school=cast.school_a, created_by=cast.alice
    )
    ApplicationDocument.objects.create(
        application=draft, document=stored_document(by=cast.alice), checklist_item=checklist_item()
    )
    Application.objects.filter(pk=draft.pk).update(
        updated_at=dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    )
    today = dt.date(2033, 5, 1)

    counts = retention.forecast_counts(today)

    until = today + dt.timedelta(days=retention.FORECAST_DAYS)
    records = (
        Student.objects.filter(retention._records_ending(until, action="anonymise"))
        .exclude(pk__in=LegalHold.objects.values("student_id"))
        .exclude(retention._anonymised_q())
    )
    assert set(records.values_list("pk", flat=True)) == {
        world["ended"].pk,
        everything.student.pk,
    }, "the EHC plan keeps its record to 2036; the held one is left out"
    one_a_kind = {
        "student_record": records.count(),
        "carers": Carer.objects.filter(student__in=records).count(),
        "placement_records": sum(
            model.objects.filter(**{path: records}).count()
            for model, path in retention._PLACEMENT_RECORDS
        ),
        "marks": Mark.objects.filter(placement__student__in=records).count(),
    }
    assert {kind: counts[kind] for kind in one_a_kind} == one_a_kind
    assert one_a_kind["marks"] > 0 and one_a_kind["placement_records"] > 4
    assert counts["draft_application"] == 1 and counts["student_record_looked_after"] == 1
    assert counts["documents"] == 3, "the two records' documents and the draft's"
