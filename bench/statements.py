"""The money benchmark: how long a term's statements for every school and provider take at
a given share of national volume, issued by two real task workers, against issue 14's
target (every statement of a term in under 10 minutes with two workers, at national
volume); and how long one statement takes to work out.

    .venv/bin/python bench/statements.py --scale 0.1     (make bench runs it after the figures)

It uses the figures benchmark's database (bench/figures.py makes it when it is missing),
gives every placement's application a fee and every subscription a price once (kept for
the next run), then, as the scheduler does at the end of a term (manage.py make_statements),
starts a run for the most recent ended term and lets two `manage.py db_worker --batch`
processes issue its batches in parallel. Afterwards it removes what the run made
(statements, their lines and numbers, the run, its tasks and audit events), so the next run
measures the same work; --keep leaves them to look at. It prints a summary and writes it
as JSON to bench/results/statements-<date>.json. A measurement, not a gate: it exits 0
whatever it finds. bench/README.md says how to read it.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from common import (
    RESULTS,
    ROOT,
    Log,
    Queries,
    bench_url,
    settings_environment,
    shown_url,
    volume_ready,
    workers,
)

TARGET_SECONDS = 600  # issue 14: a term's statements in under 10 minutes with two workers
WORKERS = 2
NATIONAL_PLACEMENTS = 200_000
FLAT_FEE_PENCE = 120_000  # £1,200.00 for a place whose course has no fee of its own
TASK_PATH = "finance.tasks.issue_statements"
RUN_EVENTS = ("statement.issued", "statement.corrected", "statement_run.started")


def _sql(statement: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _one(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


# --- The money the volume lacks -------------------------------------------------------------


def money_ready(log) -> dict:
    """A fee for every placement's application (its course's, or £1,200.00), agreed before
    the start, and the year's price on every subscription, signed before the year: written
    once in bulk (INSERT ... SELECT and UPDATE, never the services) and kept."""
    started = time.monotonic()
    fees = _sql(
        """
        INSERT INTO finance_fee (uuid, application_id, amount_pence, set_at, agreed_by,
                                 agreed_by_role, agreed_on, version)
        SELECT gen_random_uuid(), p.application_id,
               COALESCE(ROUND(c.fee * 100)::integer, %s),
               ((p.starts_on - 21)::timestamp + time '10:00') AT TIME ZONE 'Europe/London',
               'Budget holder', 'School business manager', p.starts_on - 14, 1
        FROM placements_placement p
        LEFT JOIN programmes_course c ON c.id = p.course_id
        WHERE NOT EXISTS (SELECT 1 FROM finance_fee f WHERE f.application_id = p.application_id)
        """,
        [FLAT_FEE_PENCE],
    )
    priced = _sql(
        """
        UPDATE programmes_subscription s
        SET price_pence = y.agreement_price_pence, signed_on = y.starts_on - 70,
            signed_by = 'Headteacher'
        FROM programmes_academicyear y
        WHERE y.id = s.year_id AND s.price_pence = 0 AND s.band_id IS NULL
          AND y.agreement_price_pence > 0
        """
    )
    if fees or priced:
        _sql("ANALYZE finance_fee")
        _sql("ANALYZE programmes_subscription")
    total, flat = _one(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE amount_pence = %s) FROM finance_fee",
        [FLAT_FEE_PENCE],
    )
    log(
        f"Fees: {fees:,} made ({total:,} in all, {flat:,} at the flat £1,200.00); "
        f"subscriptions priced: {priced:,} ({time.monotonic() - started:.1f} s)"
    )
    return {"fees": total, "fees_flat": flat}


def clear_statements(log) -> None:
    """Remove every statement, line, number, run, statement task and their audit events:
    the benchmark's own, from this run or one that stopped. Statements and events are
    append-only, so their row triggers are set aside for the deletion (as superuser, in
    the benchmark's database only)."""
    from django.db import transaction

    with transaction.atomic():
        _sql("SET LOCAL session_replication_role = replica")
        _sql(
            "TRUNCATE finance_statementline, finance_statement, finance_statementrun, "
            "finance_statementcounter"
        )
        events = _sql("DELETE FROM audit_event WHERE action = ANY(%s)", [list(RUN_EVENTS)])
        tasks = _sql(
            "DELETE FROM django_tasks_database_dbtaskresult WHERE task_path = %s", [TASK_PATH]
        )
    if events or tasks:
        log(f"Cleared statements, {events:,} audit events and {tasks:,} tasks")


# --- Measuring -------------------------------------------------------------------------------


def draft_times(term, runs: int) -> list[dict]:
    """statement_draft for the school and the provider with the most lines, `runs` times:
    what a statement costs to work out (its PDF is rendered from issued lines)."""
    from django.db import connection
    from django.db.models import Count

    from finance import selectors
    from finance.models import Party, Statement

    found = []
    for party in (Party.SCHOOL, Party.PROVIDER):
        statement = (
            Statement.objects.filter(term=term, party=party)
            .annotate(n=Count("lines"))
            .select_related("organisation")
            .order_by("-n", "pk")
            .first()
        )
        if statement is None:
            continue
        samples = []
        for _ in range(runs + 1):  # the first warms up
            queries = Queries()
            with connection.execute_wrapper(queries):
                began = time.perf_counter()
                draft = selectors.statement_draft(statement.organisation, party, term)
                samples.append((time.perf_counter() - began, queries.count))
        samples = samples[1:]
        found.append(
            {
                "party": party,
                "organisation": statement.organisation.name,
                "lines": statement.n,
                "draft_lines": len(draft.lines),
                "median_ms": round(statistics.median(s[0] for s in samples) * 1000, 1),
                "queries": samples[len(samples) // 2][1],
            }
        )
    return found


def measure(args, meta: dict, log) -> dict:
    from django.db import transaction
    from django.db.models import Count, F, Max, Min, Q, Sum
    from django.db.models.functions import Coalesce
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from finance.models import Party, Statement, StatementCounter, StatementLine
    from finance.services import statement_run_start
    from finance.tasks import statement_run_enqueue
    from programmes.models import Term

    today = timezone.localdate()
    term = (
        Term.objects.select_related("year").filter(ends_on__lt=today).order_by("-ends_on").first()
    )
    if term is None:
        raise SystemExit("No term has ended yet: there is nothing to make statements for.")
    log(f"Statements for the {term.name} {term.year.name} (ended {term.ends_on})")

    # As manage.py make_statements does: the run and its batches queued in one transaction.
    began = time.perf_counter()
    with transaction.atomic():
        run, batches = statement_run_start(term=term, by=None)
        started_in = time.perf_counter() - began
        statement_run_enqueue(run, batches)
    queued_in = time.perf_counter() - began
    log(
        f"statement_run_start: {run.total:,} statements in {len(batches):,} batches, "
        f"{started_in:.2f} s; queued and committed {queued_in:.2f} s"
    )

    ran = workers(WORKERS, log, "finance")
    wall, cpu, said = ran["wall_s"], ran["cpu_s"], ran["errors"]

    run.refresh_from_db()
    tasks = DBTaskResult.objects.filter(task_path=TASK_PATH)
    span = tasks.aggregate(first=Min("started_at"), last=Max("finished_at"))
    failed = tasks.exclude(status="SUCCESSFUL").count()
    in_workers = (
        (span["last"] - span["first"]).total_seconds() if span["first"] and span["last"] else 0
    )
    statements = Statement.objects.filter(run=run)
    lines = StatementLine.objects.filter(statement__run=run)
    by_party = dict(statements.order_by().values_list("party").annotate(n=Count("pk")))
    # That the figures are what they should be: every total the sum of the lines that
    # count in it, and numbers without gaps.
    mismatched = (
        statements.annotate(
            summed=Coalesce(Sum("lines__amount_pence", filter=Q(lines__in_total=True)), 0)
        )
        .exclude(total_pence=F("summed"))
        .count()
    )
    numbered = StatementCounter.objects.filter(year=term.year).values_list("last", flat=True)
    gapless = list(numbered) == [statements.count()]

    factor = NATIONAL_PLACEMENTS / max(meta["counts"]["placements"], 1)
    national_workers = in_workers * factor
    # The run's start and queueing grow with the organisations, the workers' time with the
    # statements and lines; the workers' start-up (wall less busy) stays the same.
    national_total = queued_in * factor + national_workers + (wall - in_workers)
    result = {
        "term": f"{term.name} {term.year.name}",
        "statements": statements.count(),
        "schools": by_party.get(Party.SCHOOL, 0),
        "providers": by_party.get(Party.PROVIDER, 0),
        "lines": lines.count(),
        "batches": len(batches),
        "run_finished": run.finished_at is not None,
        "failed_tasks": failed,
        "worker_errors": said,
        "totals_mismatched": mismatched,
        "numbers_gapless": gapless,
        "start_s": round(started_in, 2),
        "queued_s": round(queued_in, 2),
        "workers": WORKERS,
        "workers_wall_s": round(wall, 1),
        "workers_busy_s": round(in_workers, 1),
        "workers_cpu_s": round(cpu, 1),
        "workers_peak_mb": ran["peak_mb"],
        "statements_per_s": round(statements.count() / in_workers, 1) if in_workers else 0,
        "national_factor": round(factor, 2),
        "national_statements": round(statements.count() * factor),
        "national_lines": round(lines.count() * factor),
        "national_workers_s": round(national_workers),
        "national_total_s": round(national_total),
        "target_s": TARGET_SECONDS,
        "within_target": national_total < TARGET_SECONDS,
    }
    log("Working out the largest school's and provider's statements")
    result["drafts"] = draft_times(term, args.runs)
    if not args.keep:
        clear_statements(log)
    return result


def summary(result: dict, meta: dict, scale: float) -> str:
    counts = meta["counts"]
    r = result
    lines = [
        f"Statements at scale {scale:g} ({counts['placements']:,} placements, "
        f"{counts['schools']:,} schools, {counts['settings']:,} settings) for the {r['term']}:",
        f"  statements made            {r['statements']:>10,}  "
        f"({r['schools']:,} schools, {r['providers']:,} providers)",
        f"  lines                      {r['lines']:>10,}",
        f"  batches of 25              {r['batches']:>10,}",
        f"  statement_run_start        {r['start_s']:>10.2f} s  "
        f"(queued and committed in {r['queued_s']:.2f} s)",
        f"  {r['workers']} workers, wall            {r['workers_wall_s']:>10.1f} s  "
        f"(busy {r['workers_busy_s']:.1f} s from the first task's start to the last's end; "
        f"{r['statements_per_s']:.1f} statements a second; the workers used "
        f"{r['workers_cpu_s']:.1f} s of CPU)",
        f"  checks                     every total the sum of its lines: "
        f"{'yes' if not r['totals_mismatched'] else 'NO, ' + str(r['totals_mismatched'])}; "
        f"numbers without gaps: {'yes' if r['numbers_gapless'] else 'NO'}; "
        f"run finished: {'yes' if r['run_finished'] else 'NO'}; "
        f"failed tasks: {r['failed_tasks']}",
        f"  at national volume (x{r['national_factor']:g}): about {r['national_statements']:,} "
        f"statements and {r['national_lines']:,} lines; two workers about "
        f"{r['national_workers_s'] / 60:.1f} min, {r['national_total_s'] / 60:.1f} min in all "
        f"against the target of {r['target_s'] // 60} min: "
        f"{'within' if r['within_target'] else 'OVER'}",
    ]
    for draft in r["drafts"]:
        lines.append(
            f"  statement_draft, largest {draft['party']:8} {draft['median_ms']:>8.1f} ms, "
            f"{draft['queries']} queries, {draft['lines']:,} lines ({draft['organisation']})"
        )
    for said in r["worker_errors"]:
        lines.append(f"  a worker said: {said}")
    return "\n".join(lines)


# --- The run -------------------------------------------------------------------------------


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=0.1, help="share of national volume (default 0.1)"
    )
    parser.add_argument("--fresh", action="store_true", help="make the volume again")
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs of statement_draft (default 5)"
    )
    parser.add_argument("--keep", action="store_true", help="leave the statements made, to look at")
    parser.add_argument("--out", default="", help="the JSON file (default bench/results/...)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = arguments(argv)
    url = bench_url(args.scale)
    settings_environment(url)
    log = Log()
    log(f"Money benchmark on {shown_url(url)}, scale {args.scale:g}")
    meta = volume_ready(url, args.scale, args.fresh, log)
    from django.utils import timezone

    clear_statements(log)
    money = money_ready(log)
    load_before = os.getloadavg()
    result = measure(args, meta, log)
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    print()
    print(summary(result, meta, args.scale))
    before, after = load_before, result["load_average"]["after"]
    print(
        f"  load average {before[0]:.1f} before and {after[0]:.1f} after, on {os.cpu_count()} CPUs"
    )
    RESULTS.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else RESULTS / f"statements-{timezone.localdate()}.json"
    out.write_text(
        json.dumps(
            {
                "measured_at": timezone.now().isoformat(timespec="seconds"),
                "database": shown_url(url),
                "scale": args.scale,
                "volume": meta,
                "money": money,
                **result,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nWritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
