"""Termly reports: made for every placement at once in the background, with progress,
kept exactly as issued, and read only by those who may see the placement."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from audit.models import Event
from placements import services
from placements.models import BehaviourEntry, Mark, ReportRun, Review, Target, TermlyReport
from placements.tests.factories import MONDAY, WEDNESDAY, at, make_placement
from programmes.models import Term


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def spring(year):
    return Term.objects.get(name="Spring")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def make_run(client, cast, spring, django_capture_on_commit_callbacks):
    client.force_login(cast.monitoring)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("placements:report_runs"), {"term": spring.pk})
    assert response.status_code == 302
    return ReportRun.objects.get()


def test_every_placement_gets_its_report_with_attendance_progress_and_next_steps(
    client, cast, placement, programme, spring, clock, django_capture_on_commit_callbacks
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    other = make_placement(
        programme=programme, provider=cast.academy, school=cast.school_b, by=cast.officer
    )
    for day, session, code in [
        (MONDAY, "am", "/"),
        (MONDAY, "pm", "\\"),
        (WEDNESDAY, "am", "I"),
        (WEDNESDAY, "pm", "/"),
    ]:
        Mark.objects.create(
            placement=placement,
            date=day,
            session=session,
            code_id=code,
            recorded_by=cast.provider_staff,
            recorded_at=at(day, 9),
        )
    Target.objects.create(
        placement=placement,
        text="Arrive on time every day",
        set_on=MONDAY,
        recorded_by=cast.monitoring,
    )
    BehaviourEntry.objects.create(
        placement=placement,
        happened_on=MONDAY,
        kind="positive",
        category="engagement",
        note="Helped others",
        recorded_by=cast.provider_staff,
    )
    Review.objects.create(
        placement=placement,
        held_on=WEDNESDAY,
        attendees="Student and parent",
        notes="A settled start.",
        actions=[{"action": "Visit the college", "owner": "Provider", "due_on": "2026-02-02"}],
        recorded_by=cast.monitoring,
    )
    run = make_run(client, cast, spring, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert (run.total, run.done) == (2, 2) and run.finished_at is not None
    assert set(TermlyReport.objects.values_list("placement", flat=True)) == {placement.pk, other.pk}
    page = client.get(reverse("placements:report_run", args=[run.uuid])).content.decode()
    assert "2 of 2 placements done" in page

    report = TermlyReport.objects.get(placement=placement)
    response = client.get(reverse("placements:report_download", args=[report.uuid]))
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == report.sha256
    text = " ".join(text_of(pdf).split())
    assert placement.student.legal_last_name in text
    assert "Attendance at the setting 75.0%" in text  # 3 of 4 possible
    assert "3 of 4" in text
    assert "Arrive on time every day" in text
    assert "1 positive and 0 negative" in text
    assert "A settled start." in text
    assert "Visit the college" in text
    assert "2 Feb 2026" in text
    assert Event.objects.filter(action="termly_report.downloaded").count() == 1


def test_a_report_is_never_remade(
    client, cast, placement, spring, clock, django_capture_on_commit_callbacks
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    make_run(client, cast, spring, django_capture_on_commit_callbacks)
    first = TermlyReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("placements:report_runs"), {"term": spring.pk})
    assert TermlyReport.objects.get() == first
    assert ReportRun.objects.order_by("pk").last().total == 0


@pytest.mark.parametrize("who", ["bob", "academy_staff", "outsider"])
def test_others_cannot_read_the_report(
    client, cast, placement, spring, clock, django_capture_on_commit_callbacks, who
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    make_run(client, cast, spring, django_capture_on_commit_callbacks)
    report = TermlyReport.objects.get()
    client.force_login(getattr(cast, who))
    assert client.get(reverse("placements:report_download", args=[report.uuid])).status_code == 404


def test_the_school_reads_its_report_kept_encrypted_in_the_store(
    client, cast, placement, spring, clock, django_capture_on_commit_callbacks, each_store
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    make_run(client, cast, spring, django_capture_on_commit_callbacks)
    client.force_login(cast.alice)
    report = TermlyReport.objects.get()
    response = client.get(reverse("placements:report_download", args=[report.uuid]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == report.sha256
    assert list(each_store.objects()) == [report.stored_name]
    assert b"%PDF" not in each_store.objects()[report.stored_name]


@pytest.mark.parametrize("who", ["alice", "provider_staff", "safeguarding"])
def test_only_the_cap_team_asks_for_reports(client, cast, who, year):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("placements:report_runs")).status_code == 403


def test_the_command_queues_the_last_ended_terms_reports(
    cast, placement, clock, django_capture_on_commit_callbacks
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_termly_reports", "--by", cast.officer.email, stdout=out)
    assert "Queued 1 report for Spring" in out.getvalue()
    assert TermlyReport.objects.count() == 1


def test_one_report_that_fails_does_not_stop_the_others(
    client,
    cast,
    placement,
    programme,
    spring,
    clock,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    make_placement(
        programme=programme, provider=cast.academy, school=cast.school_b, by=cast.officer
    )
    real = services.render_pdf
    calls = []

    def flaky(template, context):
        calls.append(context["placement"].pk)
        if context["placement"] == placement:
            raise OSError("font cache")
        return real(template, context)

    monkeypatch.setattr(services, "render_pdf", flaky)
    run = make_run(client, cast, spring, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert (run.total, run.done, run.failed) == (2, 2, 1)
    assert TermlyReport.objects.count() == 1
    assert not TermlyReport.objects.filter(placement=placement).exists()
    assert (
        "1 report could not be made"
        in client.get(reverse("placements:report_run", args=[run.uuid])).content.decode()
    )
