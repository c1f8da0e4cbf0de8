"""Termly reports under the real task worker (django-tasks-db's `db_worker`, run in this
process on the test database): a worker told to stop finishes the batch in hand, a few
reports, and exits, leaving the rest queued for the next worker."""

import signal

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from placements import services
from placements.models import ReportRun, TermlyReport
from placements.tasks import report_run_enqueue
from placements.tests.factories import MONDAY, at, make_placement
from programmes.models import Term


@pytest.fixture(autouse=True)
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker checks its connection between tasks; the test's transaction must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def worker(*, batch: bool = True, max_tasks: int | None = None) -> db_worker.Worker:
    """The worker `manage.py db_worker` runs; in batch mode it exits when the queue is empty."""
    return db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_a_worker_told_to_stop_finishes_its_batch_and_leaves_the_rest_queued(
    cast, programme, clock, monkeypatch, django_capture_on_commit_callbacks
):
    clock(at(MONDAY.replace(month=3, day=30), 9))
    monkeypatch.setattr(services, "REPORT_BATCH", 2)
    placements = [
        make_placement(
            programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
        )
        for _ in range(5)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run, batches = services.report_run_start(
            term=Term.objects.get(name="Spring"), by=cast.officer
        )
        report_run_enqueue(run, batches)
    assert DBTaskResult.objects.ready().count() == 3

    first = worker()
    real = services.report_issue

    def issue_then_sigterm(**kwargs):
        if first.running:  # SIGTERM arrives while the worker makes its first report
            first.shutdown(signal.SIGTERM, None)
        return real(**kwargs)

    monkeypatch.setattr(services, "report_issue", issue_then_sigterm)
    first.run()  # returns rather than taking the next task
    assert TermlyReport.objects.count() == 2  # the batch in hand, and no more
    assert DBTaskResult.objects.ready().count() == 2
    run.refresh_from_db()
    assert (run.done, run.batches_done, run.finished_at) == (2, 1, None)

    monkeypatch.setattr(services, "report_issue", real)
    worker().run()  # the next worker carries on
    assert sorted(TermlyReport.objects.values_list("placement_id", flat=True)) == sorted(
        p.pk for p in placements
    )
    run = ReportRun.objects.get()
    assert (run.done, run.failed, run.batches_done) == (5, 0, 3)
    assert run.finished_at is not None


def test_a_worker_recycled_after_so_many_tasks_leaves_the_rest_queued(
    cast, programme, clock, monkeypatch, django_capture_on_commit_callbacks
):
    """`db_worker --max-tasks`, as `make run` starts it: the process exits after so many
    batches and a fresh one carries on, so a long run never grows one process's memory."""
    clock(at(MONDAY.replace(month=3, day=30), 9))
    monkeypatch.setattr(services, "REPORT_BATCH", 1)
    for _ in range(3):
        make_placement(
            programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
        )
    with django_capture_on_commit_callbacks(execute=True):
        run, batches = services.report_run_start(
            term=Term.objects.get(name="Spring"), by=cast.officer
        )
        report_run_enqueue(run, batches)
    worker(batch=False, max_tasks=2).run()
    assert TermlyReport.objects.count() == 2
    assert DBTaskResult.objects.ready().count() == 1
