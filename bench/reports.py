"""Termly reports with two workers: a report run (placements.services.report_run_start, as the
CAP manager's button and `manage.py make_termly_reports` start it) for the most recent
ended term, limited to --reports placements (1,000 by default), made by two real
`manage.py db_worker --batch` processes; the wall time, each worker's peak memory, and
checks that each report was made once. What the run made is removed afterwards (the
reports, their PDFs, the run, its tasks and their audit events), so the next run measures
the same work.

    .venv/bin/python bench/run.py --scale 0.01 --only reports

The run asks for every placement open in the term without a report; to make exactly the
number asked for, the placements it finds are cut to the first --reports of them while it
starts (placements.selectors.placements_needing_report, wrapped for that moment only), so
whatever it queues for the workers covers those.
"""

import time
from unittest import mock

from common import workers

WORKERS = 2
TARGET_SECONDS = 300  # 1,000 termly reports in under 5 minutes with two workers
TARGET_MB = 200  # each worker's memory
RUN_EVENTS = ("termly_report.issued", "report_run.started", "report_run.finished")
TASKS_LIKE = "placements.tasks.%"


def clear_reports(log) -> None:
    """Remove every termly report, its stored PDF, every report run, their tasks and their
    audit events: the benchmark's own (the volume makes none). Audit events are append-only,
    so their triggers are set aside for the deletion, in the benchmark's database only."""
    from common import sql
    from django.db import transaction

    from documents.storage import document_storage
    from placements.models import TermlyReport

    storage = document_storage()
    names = list(TermlyReport.objects.values_list("stored_name", flat=True))
    for name in names:
        if storage.exists(name):
            storage.delete(name)
    with transaction.atomic():
        sql("SET LOCAL session_replication_role = replica")
        reports = sql("DELETE FROM placements_termlyreport")
        sql("DELETE FROM placements_reportrun")
        events = sql("DELETE FROM audit_event WHERE action = ANY(%s)", [list(RUN_EVENTS)])
        tasks = sql(
            "DELETE FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s", [TASKS_LIKE]
        )
    if reports or tasks:
        log(f"Cleared {reports:,} reports, {events:,} audit events and {tasks:,} tasks")


def measure_reports(args, meta: dict, log) -> dict:
    from django.db import transaction
    from django.db.models import Count, Max, Min
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from volume import MANAGER_EMAIL

    from accounts.models import User
    from placements import selectors, services
    from placements.models import ReportRun, TermlyReport
    from placements.tasks import report_run_enqueue
    from programmes.models import Term

    clear_reports(log)
    today = timezone.localdate()
    term = (
        Term.objects.select_related("year").filter(ends_on__lt=today).order_by("-ends_on").first()
    )
    if term is None:
        raise SystemExit("No term has ended yet: there is nothing to report on.")
    manager = User.objects.get(email=MANAGER_EMAIL)
    needing = selectors.placements_needing_report
    wanted = list(needing(term).order_by("pk").values_list("pk", flat=True)[: args.reports])

    def limited(term_):
        return needing(term_).filter(pk__in=wanted)

    began = time.perf_counter()
    # As the page starts a run: the run and its queued batches together.
    with mock.patch.object(selectors, "placements_needing_report", limited), transaction.atomic():
        run, batches = services.report_run_start(term=term, by=manager)
        report_run_enqueue(run, batches)
    started_in = time.perf_counter() - began
    queued = DBTaskResult.objects.filter(task_path__startswith="placements.tasks.").count()
    log(
        f"Termly reports for the {term.name} {term.year.name}: {run.total:,} placements, "
        f"{queued} tasks queued, started in {started_in:.2f} s"
    )
    ran = workers(WORKERS, log, "reports")
    run = ReportRun.objects.get(pk=run.pk)
    reports = TermlyReport.objects.filter(run=run)
    made = reports.count()
    twice = (
        TermlyReport.objects.filter(term=term)
        .values("placement")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    missing = len(set(wanted) - set(reports.values_list("placement_id", flat=True)))
    span = reports.aggregate(first=Min("issued_at"), last=Max("issued_at"))
    tasks = DBTaskResult.objects.filter(task_path__startswith="placements.tasks.")
    failed_tasks = tasks.exclude(status="SUCCESSFUL").count()
    sizes = list(reports.values_list("size", flat=True))
    peak = max(ran["peak_mb"]) if ran["peak_mb"] else 0
    result = {
        "term": f"{term.name} {term.year.name}",
        "asked": len(wanted),
        "run_total": run.total,
        "made": made,
        "done": run.done,
        "failed": run.failed,
        "finished": run.finished_at is not None,
        "made_twice": twice,
        "missing": missing,
        "tasks": tasks.count(),
        "failed_tasks": failed_tasks,
        "start_s": round(started_in, 2),
        "workers": WORKERS,
        "wall_s": round(ran["wall_s"], 1),
        "busy_s": round((span["last"] - span["first"]).total_seconds(), 1)
        if span["first"] and span["last"]
        else 0,
        "cpu_s": round(ran["cpu_s"], 1),
        "peak_mb": ran["peak_mb"],
        "reports_per_s": round(made / ran["wall_s"], 2) if ran["wall_s"] else 0,
        "pdf_kb_median": round(sorted(sizes)[len(sizes) // 2] / 1024, 1) if sizes else 0,
        "target_s": TARGET_SECONDS,
        "target_mb": TARGET_MB,
        "seconds_for_1000": round(ran["wall_s"] * 1000 / made, 1) if made else None,
        "within_target": bool(made) and ran["wall_s"] * 1000 / made < TARGET_SECONDS,
        "memory_within_target": peak < TARGET_MB,
        "worker_errors": ran["errors"],
    }
    if not args.keep:
        clear_reports(log)
    return result


def table(part: dict) -> list[str]:
    r = part
    checks = (
        f"{r['made']:,} made of {r['asked']:,} asked; run done {r['done']:,}, failed "
        f"{r['failed']}, {'finished' if r['finished'] else 'NOT finished'}; made twice: "
        f"{r['made_twice']}; missing: {r['missing']}; failed tasks: {r['failed_tasks']} "
        f"of {r['tasks']}"
    )
    lines = [
        "| | |",
        "| --- | --- |",
        f"| term | {r['term']} |",
        f"| `report_run_start` | {r['start_s']:.2f} s, {r['tasks']} tasks queued |",
        f"| two workers, wall | {r['wall_s']:.1f} s (first to last report {r['busy_s']:.1f} s; "
        f"{r['reports_per_s']:g} reports a second; {r['cpu_s']:.1f} s of the workers' CPU) |",
        f"| 1,000 reports | about {r['seconds_for_1000'] or 0:.0f} s against {r['target_s']} s: "
        f"**{'within' if r['within_target'] else 'OVER'}** |",
        f"| workers' peak memory | {', '.join(f'{mb:.0f} MB' for mb in r['peak_mb'])} against "
        f"{r['target_mb']} MB: **{'within' if r['memory_within_target'] else 'OVER'}** |",
        f"| a report's PDF | median {r['pdf_kb_median']:.1f} KB |",
        f"| checks | {checks} |",
    ]
    for said in r["worker_errors"]:
        lines.append(f"| a worker said | {said[:300]} |")
    return lines
