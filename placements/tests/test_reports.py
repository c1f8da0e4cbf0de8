"""Termly reports: made for every placement in the background, a batch to a task, with
progress; a run can be stopped and resumed; reports are kept exactly as issued and read
only by those who may see the placement."""

import hashlib
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
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


def test_a_report_no_key_opens_answers_a_page_not_an_error(
    client, cast, placement, spring, clock, django_capture_on_commit_callbacks, settings
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    make_run(client, cast, spring, django_capture_on_commit_callbacks)
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    client.force_login(cast.alice)
    report = TermlyReport.objects.get()
    response = client.get(reverse("placements:report_download", args=[report.uuid]))
    assert response.status_code == 410
    assert "This file cannot be opened" in response.content.decode()
    assert Event.objects.filter(action="document.unreadable").count() == 1


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
    assert "Queued 1 report in 1 batch for Spring" in out.getvalue()
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


# --- Batches, stopping and resuming -------------------------------------------------------


@pytest.fixture
def three(cast, placement, programme):
    """Three placements open in the spring term, one report to a batch."""
    return [placement] + [
        make_placement(programme=programme, provider=cast.provider, school=cast.school_a, by=by)
        for by in (cast.officer, cast.officer)
    ]


def test_a_run_is_queued_in_batches_of_ten(cast, programme, spring, clock):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    placements = [
        make_placement(programme=programme, provider=cast.provider, school=cast.school_a, by=by)
        for by in [cast.officer] * 12
    ]
    run, batches = services.report_run_start(term=spring, by=cast.officer)
    assert [len(batch) for batch in batches] == [10, 2]
    assert sorted(pk for batch in batches for pk in batch) == sorted(p.pk for p in placements)
    assert (run.total, run.batches, run.round, run.finished_at) == (12, 2, 1, None)


def test_stopping_then_resuming_makes_each_report_exactly_once(
    cast, three, spring, clock, monkeypatch
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    monkeypatch.setattr(services, "REPORT_BATCH", 1)
    run, batches = services.report_run_start(term=spring, by=cast.officer)
    assert len(batches) == 3
    assert services.report_run_batch(run_id=run.pk, round=run.round, batch=batches[0]) == 1

    services.report_run_stop(run=run, by=cast.monitoring)
    # The queued batches of a stopped run do nothing.
    assert services.report_run_batch(run_id=run.pk, round=1, batch=batches[1]) == 0
    run.refresh_from_db()
    assert (run.done, run.batches_done, run.finished_at) == (1, 1, None)
    assert run.stopped_by == cast.monitoring
    assert TermlyReport.objects.count() == 1

    run, rest = services.report_run_resume(run=run, by=cast.officer)
    assert sorted(rest) == sorted(batches[1:])
    assert (run.round, run.total, run.done, run.batches, run.stopped_at) == (2, 3, 1, 2, None)
    # A batch of the first round, still queued, does nothing once the run was resumed.
    assert services.report_run_batch(run_id=run.pk, round=1, batch=batches[2]) == 0
    for batch in rest:
        services.report_run_batch(run_id=run.pk, round=run.round, batch=batch)
    run.refresh_from_db()
    assert (run.done, run.failed, run.batches_done) == (3, 0, 2)
    assert run.finished_at is not None
    assert sorted(TermlyReport.objects.values_list("placement_id", flat=True)) == sorted(
        p.pk for p in three
    )
    assert list(
        Event.objects.filter(action__startswith="report_run.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["report_run.started", "report_run.stopped", "report_run.resumed"]


def test_a_batch_stops_before_its_next_report_once_the_run_is_stopped(
    cast, three, spring, clock, monkeypatch
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    run, batches = services.report_run_start(term=spring, by=cast.officer)
    real = services.report_issue

    def issue_then_stop(**kwargs):
        report = real(**kwargs)
        services.report_run_stop(run=run, by=cast.officer)  # asked while the batch ran
        return report

    monkeypatch.setattr(services, "report_issue", issue_then_stop)
    assert services.report_run_batch(run_id=run.pk, round=1, batch=batches[0]) == 1
    assert TermlyReport.objects.count() == 1


def test_a_failing_report_is_counted_and_the_other_batches_go_on(
    cast, three, spring, clock, monkeypatch
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    monkeypatch.setattr(services, "REPORT_BATCH", 1)
    real = services.render_pdf

    def flaky(template, context):
        if context["placement"] == three[0]:
            raise OSError("font cache")
        return real(template, context)

    monkeypatch.setattr(services, "render_pdf", flaky)
    run, batches = services.report_run_start(term=spring, by=cast.officer)
    for batch in batches:
        services.report_run_batch(run_id=run.pk, round=1, batch=batch)
    run.refresh_from_db()
    assert (run.total, run.done, run.failed, run.finished_at is not None) == (3, 3, 1, True)
    assert TermlyReport.objects.count() == 2
    with pytest.raises(services.Refused, match="nothing to stop"):
        services.report_run_stop(run=run, by=cast.officer)
    # Tried again, only the one that failed is made.
    monkeypatch.setattr(services, "render_pdf", real)
    run, rest = services.report_run_resume(run=run, by=cast.officer)
    assert rest == [[three[0].pk]]
    services.report_run_batch(run_id=run.pk, round=run.round, batch=rest[0])
    run.refresh_from_db()
    assert (run.total, run.done, run.failed, run.finished_at is not None) == (3, 3, 0, True)
    assert TermlyReport.objects.count() == 3


def test_a_finished_run_cannot_be_resumed_and_a_stopped_one_not_stopped_again(
    cast, three, spring, clock
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    run, _ = services.report_run_start(term=spring, by=cast.officer)
    with pytest.raises(services.Refused, match="still being made"):
        services.report_run_resume(run=run, by=cast.officer)
    services.report_run_stop(run=run, by=cast.officer)
    with pytest.raises(services.Refused, match="stopped already"):
        services.report_run_stop(run=run, by=cast.officer)


def test_resuming_a_stopped_run_retries_the_reports_that_could_not_be_made(
    cast, three, spring, clock, monkeypatch
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    monkeypatch.setattr(services, "REPORT_BATCH", 1)
    real = services.render_pdf

    def broken(template, context):
        raise OSError("font cache")

    monkeypatch.setattr(services, "render_pdf", broken)
    run, batches = services.report_run_start(term=spring, by=cast.officer)
    services.report_run_batch(run_id=run.pk, round=run.round, batch=batches[0])
    services.report_run_stop(run=run, by=cast.officer)
    monkeypatch.setattr(services, "render_pdf", real)
    run, rest = services.report_run_resume(run=run, by=cast.officer)
    assert rest == batches
    assert (run.total, run.done, run.failed) == (3, 0, 0)
    for batch in rest:
        services.report_run_batch(run_id=run.pk, round=run.round, batch=batch)
    run.refresh_from_db()
    assert (run.done, run.failed, run.finished_at is not None) == (3, 0, True)
    assert TermlyReport.objects.count() == 3


def test_the_cap_team_stops_and_resumes_a_run_from_its_page(
    client, cast, three, spring, clock, django_capture_on_commit_callbacks, settings
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    # The batches stay queued in the database until a worker takes them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    client.force_login(cast.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("placements:report_runs"), {"term": spring.pk})
    run = ReportRun.objects.get()
    assert DBTaskResult.objects.count() == 1  # three placements: one batch
    page = client.get(reverse("placements:report_run", args=[run.uuid])).content.decode()
    assert "0 of 3 placements done" in page and "Stop the reports" in page

    response = client.post(reverse("placements:report_run_stop", args=[run.uuid]))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Reports stopped" in page and "Stopped on 30 March 2026 at 9am by Olive Officer" in page
    assert "Resume the reports" in page and "Refresh this page" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("placements:report_run_resume", args=[run.uuid]))
    page = client.get(response.url).content.decode()
    assert "Reports resumed: 3 placements still to do" in page
    assert DBTaskResult.objects.count() == 2
    run.refresh_from_db()
    assert (run.round, run.stopped_at) == (2, None)


def test_a_run_cannot_be_stopped_twice_from_its_page(client, cast, three, spring, clock):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    run, _ = services.report_run_start(term=spring, by=cast.officer)
    client.force_login(cast.officer)
    client.post(reverse("placements:report_run_stop", args=[run.uuid]))
    response = client.post(reverse("placements:report_run_stop", args=[run.uuid]), follow=True)
    assert "These reports were stopped already" in response.content.decode()
    assert Event.objects.filter(action="report_run.stopped").count() == 1


@pytest.mark.parametrize("verb", ["stop", "resume"])
def test_stopping_and_resuming_are_posts_with_csrf(cast, three, spring, clock, verb):
    from django.test import Client

    clock(at(MONDAY.replace(month=3, day=30), 9))
    run, _ = services.report_run_start(term=spring, by=cast.officer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer)
    url = reverse(f"placements:report_run_{verb}", args=[run.uuid])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    run.refresh_from_db()
    assert (run.stopped_at, run.round) == (None, 1)


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 403), ("provider_staff", 403), ("safeguarding", 404)]
)
def test_others_cannot_stop_or_see_a_run(client, cast, three, spring, clock, who, status):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    run, _ = services.report_run_start(term=spring, by=cast.officer)
    client.force_login(getattr(cast, who))
    assert client.post(reverse("placements:report_run_stop", args=[run.uuid])).status_code == status
    assert client.get(reverse("placements:report_run", args=[run.uuid])).status_code == status
    run.refresh_from_db()
    assert run.stopped_at is None


def add_reports(run, n, *, cast, programme, term):
    """Reports for `n` more placements, as a run would have issued them."""
    for _ in range(n):
        TermlyReport.objects.create(
            placement=make_placement(
                programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
            ),
            term=term,
            run=run,
            stored_name="x",
            sha256="0" * 64,
            size=1,
            issued_at=at(MONDAY, 9),
        )


def test_the_run_page_takes_the_same_queries_for_2_or_12_reports(
    client, cast, programme, spring, clock
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    run, _ = services.report_run_start(term=spring, by=cast.officer)
    client.force_login(cast.officer)
    url = reverse("placements:report_run", args=[run.uuid])

    def queries(n: int) -> int:
        add_reports(run, n - run.reports.count(), cast=cast, programme=programme, term=spring)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        assert page.count("PDF<span") == n
        return len(captured)

    assert queries(2) == queries(12)


def test_the_run_page_lists_its_reports_a_page_at_a_time(
    client, cast, programme, spring, clock, monkeypatch
):
    from placements.views import placements as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    clock(at(MONDAY.replace(month=3, day=30), 9))
    run, _ = services.report_run_start(term=spring, by=cast.officer)
    add_reports(run, 3, cast=cast, programme=programme, term=spring)
    client.force_login(cast.officer)
    url = reverse("placements:report_run", args=[run.uuid])
    first = client.get(url).content.decode()
    assert first.count("PDF<span") == 2 and "Page 1 of 2" in first
    assert client.get(url, {"page": 2}).content.decode().count("PDF<span") == 1


def test_the_scheduler_asks_for_the_reports_as_nobody(
    client, cast, placement, clock, django_capture_on_commit_callbacks
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_termly_reports", stdout=io.StringIO())
    run = ReportRun.objects.get()
    assert run.requested_by is None and TermlyReport.objects.count() == 1
    client.force_login(cast.officer)
    page = client.get(reverse("placements:report_runs")).content.decode()
    assert "30 March 2026 at 9am by the scheduler" in page


def test_the_command_refuses_someone_who_may_not_ask(cast, placement, clock):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    with pytest.raises(CommandError, match="Only the CAP team"):
        call_command("make_termly_reports", "--by", cast.alice.email, stdout=io.StringIO())
    assert not ReportRun.objects.exists()


def test_a_report_made_meanwhile_is_done_but_another_broken_rule_is_a_failure(
    cast, three, spring, clock, monkeypatch, settings, tmp_path
):
    """A batch of an earlier round may make a placement's report first: the unique rule
    then refuses the second, which is no failure. Any other broken rule is one, and its
    PDF is not left behind in the store."""
    settings.CAP_DOCUMENT_ROOT = str(tmp_path)
    clock(at(MONDAY.replace(month=3, day=30), 9))
    real = services.report_issue
    record = services.event_record

    def meanwhile(*, placement_id, term, run=None):
        if placement_id == three[0].pk:  # made by the other round, then refused here
            real(placement_id=placement_id, term=term)
            raise IntegrityError("UNIQUE constraint failed: report_one_per_term")
        return real(placement_id=placement_id, term=term, run=run)

    def broken_for_the_second(*, action, obj=None, **kwargs):
        if action == "termly_report.issued" and obj.placement_id == three[1].pk:
            raise IntegrityError("NOT NULL constraint failed")
        return record(action=action, obj=obj, **kwargs)

    monkeypatch.setattr(services, "report_issue", meanwhile)
    monkeypatch.setattr(services, "event_record", broken_for_the_second)
    run, batches = services.report_run_start(term=spring, by=cast.officer)
    for batch in batches:
        services.report_run_batch(run_id=run.pk, round=1, batch=batch)
    run.refresh_from_db()
    assert (run.done, run.failed) == (3, 1)
    assert set(TermlyReport.objects.values_list("placement", flat=True)) == {
        three[0].pk,
        three[2].pk,
    }
    # The store holds exactly the files the reports point to.
    stored = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert stored == set(TermlyReport.objects.values_list("stored_name", flat=True))
