"""The figures pages' benchmark: how long every registered figures page, its downloads and
the lists behind its figures take at a given share of national volume, against the issue's
target of twice the simplest signed-in page.

    .venv/bin/python bench/figures.py --scale 0.1     (or: make bench BENCH_SCALE=0.1)

It makes (or reuses) its own PostgreSQL database, BENCH_DATABASE_URL, by default cap_bench
on the server DATABASE_URL names (127.0.0.1:5432 as postgres otherwise), fills it with
bench/volume.py, then asks for each page with Django's test client, DEBUG off, signed in as
a CAP manager, a school's coordinator and a provider's course leader. It prints a table and
writes it as JSON to bench/results/figures-<date>.json. A measurement, not a gate: it exits
0 whatever it finds. bench/README.md says how to read it.
"""

import argparse
import json
import os
import re
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from common import (
    RESULTS,
    ROOT,
    TARGET_RATIO,
    Log,
    bench_url,
    once,
    percentile,
    settings_environment,
    shown_url,
    signed_in,
    sql_text,
    volume_ready,
)

# --- Measuring ---------------------------------------------------------------------------


@dataclass
class Target:
    page: str  # a page key, "home", or the list behind figures
    area: str
    kind: str  # page, csv, xlsx, list
    period: str  # what the filters ask for, in words
    url: str


@dataclass
class Result:
    page: str
    area: str
    kind: str
    period: str
    url: str
    status: int = 0
    error: str = ""
    median_ms: float = 0.0
    p95_ms: float = 0.0
    min_ms: float = 0.0
    max_ms: float = 0.0
    db_ms: float = 0.0
    queries: int = 0
    bytes: int = 0
    ratio: float = 0.0
    over_target: bool = False
    slowest_query_ms: float = 0.0
    slowest_query: str = ""
    slowest_query_plan: str = ""
    runs_ms: list[float] = field(default_factory=list)


def measure(target: Target, client, runs: int) -> tuple[Result, bytes]:
    """One request to warm up, then `runs` timed; the median and the query count of the
    median run."""
    result = Result(**asdict(target))
    try:
        _, _, status, body = once(client, target.url)
        samples = [once(client, target.url) for _ in range(runs)] if status == 200 else []
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"[:300]
        return result, b""
    result.status = status
    if status != 200:
        result.error = f"HTTP {status}"
        return result, body
    samples.sort(key=lambda s: s[0])
    middle = samples[len(samples) // 2]
    _, queries, _, body = middle
    result.runs_ms = [round(s[0] * 1000, 1) for s in samples]
    result.median_ms = round(statistics.median(s[0] for s in samples) * 1000, 1)
    result.p95_ms = round(percentile([s[0] for s in samples], 0.95) * 1000, 1)
    result.min_ms, result.max_ms = result.runs_ms[0], result.runs_ms[-1]
    result.db_ms = round(queries.seconds * 1000, 1)
    result.queries = queries.count
    result.bytes = len(body)
    slowest, sql, params = queries.slowest
    result.slowest_query_ms = round(slowest * 1000, 1)
    result.slowest_query = sql_text(sql, params) if sql else ""
    return result, body


DOWNLOAD = re.compile(r"download=([\w-]+)&amp;format=csv")


def targets_and_results(args, log) -> tuple[list[Result], dict]:
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone
    from volume import EMAIL_DOMAIN, MANAGER_EMAIL

    from accounts.models import Organisation, OrganisationKind, User
    from accounts.rules import Area
    from dashboards.pages import PAGES
    from programmes.models import AcademicYear, Term

    # Whose pages: the CAP manager sees the whole service; the school and the provider
    # with the most placements are the most any one school or provider sees.
    school = (
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
        .annotate(n=Count("placements_commissioned"))
        .order_by("-n", "pk")
        .first()
    )
    provider = (
        Organisation.objects.filter(kind=OrganisationKind.TRAINING_PROVIDER)
        .annotate(n=Count("placements_provided"))
        .order_by("-n", "pk")
        .first()
    )
    people = {
        Area.CASEWORK: User.objects.get(email=MANAGER_EMAIL),
        Area.SCHOOLS: User.objects.get(email=f"school{school.pk}@{EMAIL_DOMAIN}"),
        Area.PROVIDERS: User.objects.get(email=f"setting{provider.pk}@{EMAIL_DOMAIN}"),
    }
    clients = {}
    for area, person in people.items():
        clients[area] = signed_in(person)

    year = AcademicYear.objects.get(name=args.year)
    today = timezone.localdate()
    terms = Term.objects.select_related("year").order_by("starts_on")
    if args.term:
        term = next((t for t in terms if f"{t.name} {t.year.name}" == args.term), None)
        if term is None:
            raise SystemExit(f"No term called {args.term!r}: give it as 'Autumn term 2026-27'.")
    else:  # the term people are in now, or the last one begun
        term = [t for t in terms if t.starts_on <= today][-1]
    periods = [
        (f"year {year.name}", f"year={year.name}"),
        (f"{term.name.lower()} {term.year.name}", f"year={term.year.name}&term={term.pk}"),
    ]
    context = {
        "school": {"name": school.name, "placements": school.n},
        "provider": {"name": provider.name, "placements": provider.n},
        "periods": [p for p, _ in periods],
    }

    results: list[Result] = []

    def said(result: Result) -> Result:
        flag = f"  {result.error}" if result.error else ""
        log(
            f"  {result.area:9} {result.page:16} {result.kind:5} {result.period:26} "
            f"{result.median_ms:9.1f} ms {result.queries:4} queries{flag}"
        )
        return result

    def run(target: Target) -> bytes:
        result, body = measure(target, clients[target.area], args.runs)
        results.append(said(result))
        return body

    def home(area: str) -> Target:
        return Target("home", area, "page", "", reverse(f"dashboards:{area}"))

    log("Home pages (the simplest signed-in page is the fastest of them)")
    for area in people:
        run(home(area))

    wanted = set(args.pages.split(",")) if args.pages else None
    for page in sorted(PAGES.values(), key=lambda p: p.order):
        if wanted and page.key not in wanted:
            continue
        for area in (a for a in people if a in page.areas):
            for period, query in periods:
                url = reverse(f"dashboards:{area}_oversight", args=[page.key]) + "?" + query
                body = run(Target(page.key, area, "page", period, url))
                found = DOWNLOAD.search(body.decode(errors="replace"))
                if found:
                    for fmt in ("csv", "xlsx"):
                        run(
                            Target(
                                f"{page.key}:{found.group(1)}",
                                area,
                                fmt,
                                period,
                                f"{url}&download={found.group(1)}&format={fmt}",
                            )
                        )
    if not wanted or "behind" in wanted:
        behind = [
            ("applications", Area.CASEWORK, "casework_behind", "submitted=window"),
            ("applications", Area.SCHOOLS, "schools_behind", "submitted=window"),
            ("placements", Area.CASEWORK, "casework_placements_behind", "state=open"),
            ("placements", Area.SCHOOLS, "schools_placements_behind", "state=open"),
            ("placements", Area.PROVIDERS, "providers_placements_behind", "state=open"),
        ]
        for kind, area, name, criteria in behind:
            for period, query in periods:
                url = reverse(f"dashboards:{name}") + f"?{query}&{criteria}"
                run(Target(f"behind {kind}", area, "list", period, url))
    # The home pages again, each keeping its faster median, so that a busy moment on the
    # machine does not set the target.
    log("Home pages again")
    for index, area in enumerate(people):
        again = said(measure(home(area), clients[area], args.runs)[0])
        if not again.error and (results[index].error or again.median_ms < results[index].median_ms):
            results[index] = again
    return results, context


def judged(results: list[Result]) -> dict:
    """The simplest signed-in page (the fastest home page), the target, and each result's
    ratio to the simplest page."""
    homes = [r for r in results if r.page == "home" and not r.error]
    simplest = min(homes, key=lambda r: r.median_ms)
    target = round(simplest.median_ms * TARGET_RATIO, 1)
    for r in results:
        if not r.error:
            r.ratio = round(r.median_ms / simplest.median_ms, 1)
            r.over_target = r.median_ms > target
    return {
        "simplest": f"{simplest.area} home",
        "simplest_ms": simplest.median_ms,
        "target_ms": target,
    }


def table(results: list[Result], verdict: dict) -> str:
    lines = [
        f"{'page':30} {'area':9} {'kind':5} {'period':24} {'median ms':>10} {'db ms':>9} "
        f"{'queries':>7} {'size KB':>9} {'x simplest':>10}  target",
    ]
    lines.append("-" * len(lines[0]))
    for r in results:
        if r.error:
            lines.append(
                f"{r.page:30} {r.area:9} {r.kind:5} {r.period:24} {'ERROR':>10}  {r.error}"
            )
            continue
        mark = "OVER" if r.over_target else "ok"
        lines.append(
            f"{r.page:30} {r.area:9} {r.kind:5} {r.period:24} {r.median_ms:10.1f} {r.db_ms:9.1f} "
            f"{r.queries:7} {r.bytes / 1024:9.1f} {r.ratio:10.1f}  {mark}"
        )
    over = [r for r in results if r.over_target]
    lines += [
        "",
        f"Simplest signed-in page: {verdict['simplest']}, {verdict['simplest_ms']:.1f} ms; "
        f"target {TARGET_RATIO:g}x = {verdict['target_ms']:.1f} ms. "
        f"{len(over)} of {len(results)} over target.",
    ]
    return "\n".join(lines)


def _slowest(results: list[Result], count: int) -> list[Result]:
    return sorted((r for r in results if not r.error), key=lambda r: -r.median_ms)[:count]


def explain(results: list[Result], count: int) -> None:
    """EXPLAIN ANALYZE the slowest query of the `count` slowest results, for the JSON."""
    from django.db import connection

    done: dict[str, str] = {}
    for r in _slowest(results, count):
        if not r.slowest_query.lstrip().upper().startswith("SELECT"):
            continue
        if r.slowest_query not in done:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + r.slowest_query)
                done[r.slowest_query] = "\n".join(row[0] for row in cursor.fetchall())
        r.slowest_query_plan = done[r.slowest_query]


def slowest(results: list[Result], count: int = 10) -> str:
    lines = ["Slowest, with their time in the database and their slowest query:"]
    for r in _slowest(results, count):
        sql = " ".join(r.slowest_query.split())[:120]
        lines.append(
            f"  {r.median_ms:9.1f} ms  {r.page} ({r.area}, {r.kind}, {r.period}): "
            f"{r.db_ms:.1f} ms in the database; slowest query {r.slowest_query_ms:.1f} ms: {sql}"
        )
    return "\n".join(lines)


# --- The run -----------------------------------------------------------------------------


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=0.1, help="share of national volume (default 0.1)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each page (default 5)")
    parser.add_argument("--fresh", action="store_true", help="make the data again")
    parser.add_argument("--year", default="2025-26", help="the whole year measured")
    parser.add_argument(
        "--term", default="", help="the term measured, as 'Autumn term 2026-27' (default: now)"
    )
    parser.add_argument("--pages", default="", help="only these page keys (and 'behind')")
    parser.add_argument(
        "--generate-only", action="store_true", help="make the data and measure nothing"
    )
    parser.add_argument(
        "--explain",
        type=int,
        default=10,
        help="EXPLAIN ANALYZE the slowest query of this many of the slowest (default 10)",
    )
    parser.add_argument("--out", default="", help="the JSON file (default bench/results/...)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = arguments(argv)
    url = bench_url(args.scale)
    settings_environment(url)
    log = Log()
    log(f"Benchmark database {shown_url(url)}, scale {args.scale:g}")
    meta = volume_ready(url, args.scale, args.fresh, log)

    from django.utils import timezone

    if args.generate_only:
        return 0

    log(f"Measuring: median of {args.runs} runs after one to warm up")
    load_before = os.getloadavg()
    results, context = targets_and_results(args, log)
    context["load_average"] = {"before": load_before, "after": os.getloadavg()}
    verdict = judged(results)
    if args.explain:
        log(f"EXPLAIN ANALYZE of the slowest query of the {args.explain} slowest (in the JSON)")
        explain(results, args.explain)
    print()
    print(
        f"Figures pages at scale {args.scale:g} ({meta['counts']['students']:,} students, "
        f"{meta['counts']['applications']:,} applications, "
        f"{meta['counts']['placements']:,} placements, {meta['counts']['marks']:,} marks); "
        f"school: {context['school']['name']} ({context['school']['placements']:,} placements), "
        f"provider: {context['provider']['name']} "
        f"({context['provider']['placements']:,} placements); median of {args.runs} runs."
    )
    print(table(results, verdict))
    before, after = context["load_average"]["before"], context["load_average"]["after"]
    print(
        f"Load average {before[0]:.1f} before and {after[0]:.1f} after, on {os.cpu_count()} CPUs: "
        "other work on the machine slows every page alike."
    )
    print()
    print(slowest(results))

    RESULTS.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else RESULTS / f"figures-{timezone.localdate()}.json"
    out.write_text(
        json.dumps(
            {
                "measured_at": timezone.now().isoformat(timespec="seconds"),
                "database": shown_url(url),
                "scale": args.scale,
                "runs": args.runs,
                "volume": meta,
                **context,
                **verdict,
                "target_ratio": TARGET_RATIO,
                "results": [asdict(r) for r in results],
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nWritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
