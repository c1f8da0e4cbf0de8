"""The benchmark (issue 15): national volume, or a share of it, on PostgreSQL, then every key
page of every role, a day's marks through the service, termly reports with two workers, a
bounded load of signed-in users, the figures pages and a term's statements, written to
bench/results/<date>-scale-<scale>.md and .json.

    .venv/bin/python bench/run.py --scale 0.01                    (make bench SCALE=0.01)
    .venv/bin/python bench/run.py --scale 0.1 --only pages,marks,reports,load

A measurement, never part of `make test`: it exits 0 whatever it finds. bench/README.md
says what each part does and how to read it.
"""

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from common import (
    RESULTS,
    ROOT,
    Log,
    bench_url,
    machine,
    settings_environment,
    shown_url,
    volume_ready,
)

PARTS = ["pages", "load", "marks", "reports", "figures", "statements"]
NATIONAL = 1.0


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=0.1, help="share of national volume (default 0.1)"
    )
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"the parts to run, of {','.join(PARTS)} (default: all)",
    )
    parser.add_argument("--fresh", action="store_true", help="make the volume again")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each page (default 5)")
    parser.add_argument(
        "--reports", type=int, default=1000, help="termly reports to make (default 1,000)"
    )
    parser.add_argument("--users", type=int, default=20, help="users in the load (default 20)")
    parser.add_argument(
        "--load-time", default="3m", help="how long the load runs, as locust says it (3m)"
    )
    parser.add_argument(
        "--gunicorn-workers", type=int, default=3, help="gunicorn's workers for the load (3)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="leave the reports and statements made, to look at"
    )
    parser.add_argument("--out", default="", help="the file name without .md or .json")
    return parser.parse_args(argv)


def query_counts_compared(scale: float, pages_part: dict) -> dict:
    """Each page whose query count differs from the latest run at another scale: a query
    inside a loop, growing with the data."""
    ours = {(r["area"], r["page"]): r["queries"] for r in pages_part["results"] if not r["error"]}
    earlier = []
    for path in RESULTS.glob("*-scale-*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if data.get("scale") != scale and data.get("parts", {}).get("pages"):
            earlier.append((data.get("measured_at", ""), path, data))
    if not earlier:
        return {"against": None, "differ": []}
    _, path, data = max(earlier, key=lambda e: e[0])
    theirs = {
        (r["area"], r["page"]): r["queries"]
        for r in data["parts"]["pages"]["results"]
        if not r["error"]
    }
    differ = [
        {"person": k[0], "page": k[1], "here": ours[k], "there": theirs[k]}
        for k in sorted(ours.keys() & theirs.keys())
        if ours[k] != theirs[k]
    ]
    return {"against": {"file": path.name, "scale": data["scale"]}, "differ": differ}


def markdown(report: dict) -> str:
    import load
    import marks
    import pages
    import reports

    v = report["volume"]
    counts = v.get("counts", {})
    m = report["machine"]
    lines = [
        f"# Benchmark, {report['measured_at'][:16].replace('T', ' ')}, scale {report['scale']:g}",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory']}, PostgreSQL "
        f"{m['postgresql']}, Python {m['python']}. Load average "
        f"{report['load_average']['before'][0]:.1f} before, "
        f"{report['load_average']['after'][0]:.1f} after. Database {report['database']}.",
        "",
        "## Volume",
        "",
        "| | made | at national volume |",
        "| --- | ---: | ---: |",
    ]
    factor = NATIONAL / report["scale"]
    for key in (
        "schools",
        "settings",
        "students",
        "applications",
        "placements",
        "marks",
        "tallies",
        "alerts",
        "agenda_items",
        "concerns",
        "audit_events",
    ):
        if key in counts:
            national = (
                "(as made)" if key in ("schools", "settings") else f"~{counts[key] * factor:,.0f}"
            )
            lines.append(f"| {key.replace('_', ' ')} | {counts[key]:,} | {national} |")
    steps = counts.get("steps") or {}
    if steps:
        lines += [
            "",
            f"Made {v.get('made_at', '?')} in {counts.get('seconds', 0):,} s. By step (s): "
            + ", ".join(f"{k.replace('_', ' ')} {s:g}" for k, s in steps.items())
            + ".",
        ]
    parts = report["parts"]
    if "pages" in parts:
        lines += ["", "## Every key page of every role", "", *pages.table(parts["pages"])]
        compared = report.get("query_counts")
        if compared and compared["against"]:
            lines += [
                "",
                f"Query counts against scale {compared['against']['scale']:g} "
                f"({compared['against']['file']}): "
                + (
                    "the same on every page measured at both."
                    if not compared["differ"]
                    else f"{len(compared['differ'])} differ:"
                ),
            ]
            lines += [
                f"- {d['person']}, `{d['page']}`: {d['here']} here, {d['there']} there"
                for d in compared["differ"]
            ]
    if "load" in parts:
        lines += ["", "## Bounded load (locust, gunicorn on loopback)", ""]
        lines += load.table(parts["load"])
    if "marks" in parts:
        lines += ["", "## A day's marks through the service", "", *marks.table(parts["marks"])]
    if "reports" in parts:
        lines += ["", "## Termly reports with two workers", ""]
        lines += reports.table(parts["reports"])
    if "figures" in parts:
        lines += ["", "## Figures pages (bench/figures.py)", "", "```"]
        lines += [parts["figures"]["table"], "```"]
    if "statements" in parts:
        lines += ["", "## A term's statements (bench/statements.py)", "", "```"]
        lines += [parts["statements"]["summary"], "```"]
    for name, when in report.get("earlier", {}).items():
        lines += ["", f"The {name} part is from an earlier run the same day, {when}."]
    for name, error in report.get("errors", {}).items():
        lines += ["", f"Part {name} stopped: {error}"]
    return "\n".join(lines) + "\n"


def run_part(name: str, args, meta: dict, report: dict, log) -> None:
    import figures
    import load
    import marks
    import pages
    import reports
    import statements

    parts = report["parts"]
    if name == "pages":
        parts["pages"] = pages.measure_pages(args, log)
        report["query_counts"] = query_counts_compared(args.scale, parts["pages"])
    elif name == "load":
        parts["load"] = load.measure_load(args, meta, parts.get("pages"), log)
    elif name == "marks":
        parts["marks"] = marks.measure_marks(args, meta, log)
    elif name == "reports":
        parts["reports"] = reports.measure_reports(args, meta, log)
    elif name == "figures":
        fargs = figures.arguments(["--scale", str(args.scale), "--runs", str(args.runs)])
        results, context = figures.targets_and_results(fargs, log)
        verdict = figures.judged(results)
        figures.explain(results, fargs.explain)
        parts["figures"] = {
            **context,
            **verdict,
            "table": figures.table(results, verdict),
            "slowest": figures.slowest(results),
            "results": [figures.asdict(r) for r in results],
        }
    elif name == "statements":
        keep = ["--keep"] if args.keep else []
        sargs = statements.arguments(["--scale", str(args.scale), *keep])
        statements.clear_statements(log)
        money = statements.money_ready(log)
        result = statements.measure(sargs, meta, log)
        parts["statements"] = {
            **result,
            "money": money,
            "summary": statements.summary(result, meta, args.scale),
        }


def main(argv=None) -> int:
    args = arguments(argv)
    wanted = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(wanted) - set(PARTS)
    if unknown:
        raise SystemExit(f"No such part: {', '.join(sorted(unknown))}; the parts: {PARTS}")
    url = bench_url(args.scale)
    settings_environment(url)
    log = Log()
    log(f"Benchmark database {shown_url(url)}, scale {args.scale:g}; parts: {', '.join(wanted)}")
    meta = volume_ready(url, args.scale, args.fresh, log)

    from django.utils import timezone

    report = {
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "database": shown_url(url),
        "scale": args.scale,
        "machine": machine(),
        "volume": meta,
        "load_average": {"before": os.getloadavg()},
        "parts": {},
        "seconds": {},
        "errors": {},
    }
    for name in (p for p in PARTS if p in wanted):
        log(f"--- {name}")
        began = time.monotonic()
        try:
            run_part(name, args, meta, report, log)
        except (Exception, SystemExit) as error:  # one part stopping must not lose the rest
            log(f"Part {name} stopped: {type(error).__name__}: {error}")
            traceback.print_exc()
            report["errors"][name] = f"{type(error).__name__}: {error}"[:1000]
        report["seconds"][name] = round(time.monotonic() - began, 1)
    report["load_average"]["after"] = os.getloadavg()

    RESULTS.mkdir(exist_ok=True)
    stem = args.out or f"{timezone.localdate()}-scale-{args.scale:g}"
    out = RESULTS / stem if not Path(stem).is_absolute() else Path(stem)
    earlier = Path(f"{out}.json")
    if earlier.exists():  # the same day and scale: keep the parts not run again
        try:
            kept = json.loads(earlier.read_text())
        except ValueError:
            kept = {}
        for name, part in kept.get("parts", {}).items():
            if name not in report["parts"] and name not in report["errors"]:
                report["parts"][name] = part
                report["seconds"].setdefault(name, kept.get("seconds", {}).get(name))
                report.setdefault("earlier", {})[name] = kept.get("measured_at")
        if "query_counts" in kept and "query_counts" not in report:
            report["query_counts"] = kept["query_counts"]
    Path(f"{out}.json").write_text(json.dumps(report, indent=2, default=str))
    text = markdown(report)
    Path(f"{out}.md").write_text(text)
    print()
    print(text)
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"Written to {shown}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
