"""A bounded load on loopback: gunicorn (as production runs CAP, DEBUG off) with a few workers
on 127.0.0.1, and locust (bench/locustfile.py) with 20 users, each a different signed-in
person of one of the roles, asking for their key pages with 1 to 3 seconds of thought
between them, for 3 minutes; per page (by role) the median, the 95th percentile and the
requests a second, from locust's CSV, against the target of none over 300 ms at the 95th
percentile.

    .venv/bin/python bench/run.py --scale 0.01 --only load

Each person's pages are those the pages part measured for their role (asked for again here
with the person's own objects), or, when it did not run, those answering them 200.
"""

import csv
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, median, signed_in

TARGET_P95_MS = 300
BENCH = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped: {process.stderr.read()[-1000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port} within {seconds:.0f} s")


def plan(args, pages_part: dict | None, log) -> list[dict]:
    """The load's people, their session cookies and their pages."""
    import pages
    from django.conf import settings
    from django.urls import reverse

    people_, _ = pages.people(log, extra=max(0, args.users - 11))
    people_ = people_[: args.users]
    patterns = pages.url_patterns()
    objects = pages.shared_objects(people_)
    ok_by_role: dict[str, set[str]] = {}
    if pages_part:
        for r in pages_part["results"]:
            if not r["error"]:
                ok_by_role.setdefault(r["area"], set()).add(r["page"])
    found = []
    for person in people_:
        role = re.sub(r" \d+$", "", person.label)
        client = signed_in(person.user)
        targets = pages.targets_for(person, patterns, objects)
        homes = [f"dashboards:{a}" for a in _areas(person.user)]
        chosen = [(h, reverse(h)) for h in homes]
        if role in ok_by_role:
            chosen += [(t.page, t.url) for t in targets if t.page in ok_by_role[role]]
        else:
            for t in targets:
                response = client.get(t.url)
                if response.status_code == 200:
                    chosen.append((t.page, t.url))
        chosen = list(dict.fromkeys(chosen))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        found.append(
            {
                "label": person.label,
                "role": role,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
                "pages": chosen,
            }
        )
    log(f"Load: {len(found)} people, {sum(len(p['pages']) for p in found)} pages in all")
    return found


def _areas(user) -> list[str]:
    from accounts.rules import areas_of

    return areas_of(user)


def _stats(path: Path) -> list[dict]:
    rows = []
    with path.open() as f:
        for row in csv.DictReader(f):

            def number(key, row=row):
                try:
                    return float(row.get(key) or 0)
                except ValueError:
                    return 0.0

            rows.append(
                {
                    "name": row["Name"],
                    "requests": int(number("Request Count")),
                    "failures": int(number("Failure Count")),
                    "median_ms": number("50%") or number("Median Response Time"),
                    "p95_ms": number("95%"),
                    "average_ms": round(number("Average Response Time"), 1),
                    "max_ms": number("Max Response Time"),
                    "rps": round(number("Requests/s"), 2),
                    "size_kb": round(number("Average Content Size") / 1024, 1),
                }
            )
    return rows


def measure_load(args, meta: dict, pages_part: dict | None, log) -> dict:
    people_ = plan(args, pages_part, log)
    with tempfile.TemporaryDirectory(prefix="cap-bench-load-") as tmp:
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps(people_))
        port = _free_port()
        env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_path)}
        server = subprocess.Popen(  # noqa: S603 - our own application, no shell
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                str(args.gunicorn_workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_for(port, server)
            log(
                f"gunicorn with {args.gunicorn_workers} workers on 127.0.0.1:{port}; locust, "
                f"{len(people_)} users for {args.load_time}"
            )
            load_before = os.getloadavg()
            prefix = Path(tmp) / "locust"
            ran = subprocess.run(  # noqa: S603 - locust from the venv, no shell
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(BENCH / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(len(people_)),
                    "--spawn-rate",
                    str(len(people_)),
                    "--run-time",
                    args.load_time,
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--stop-timeout",
                    "10",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            load_after = os.getloadavg()
            stats = _stats(Path(f"{prefix}_stats.csv"))
            failures_csv = Path(f"{prefix}_failures.csv")
            failures = failures_csv.read_text() if failures_csv.exists() else ""
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    total = next((r for r in stats if r["name"] == "Aggregated"), {})
    by_page = sorted((r for r in stats if r["name"] != "Aggregated"), key=lambda r: -r["p95_ms"])
    over = [r for r in by_page if r["p95_ms"] > TARGET_P95_MS]
    result = {
        "users": len(people_),
        "people": [{"label": p["label"], "pages": len(p["pages"])} for p in people_],
        "run_time": args.load_time,
        "gunicorn_workers": args.gunicorn_workers,
        "requests": total.get("requests", 0),
        "failures": total.get("failures", 0),
        "rps": total.get("rps", 0),
        "median_ms": total.get("median_ms", 0),
        "p95_ms": total.get("p95_ms", 0),
        "pages_median_of_medians_ms": median([r["median_ms"] for r in by_page]),
        "target_p95_ms": TARGET_P95_MS,
        "over": [r["name"] for r in over],
        "within_target": not over,
        "pages": by_page,
        "failures_csv": failures[-3000:],
        "locust_exit": ran.returncode,
        "locust_said": (ran.stderr or "")[-2000:] if ran.returncode else "",
        "load_average": {"before": load_before, "after": load_after},
    }
    log(
        f"{result['requests']:,} requests, {result['failures']} failed, "
        f"{result['rps']} a second; median {result['median_ms']:.0f} ms, p95 "
        f"{result['p95_ms']:.0f} ms; {len(over)} pages over {TARGET_P95_MS} ms at p95"
    )
    return result


def table(part: dict) -> list[str]:
    r = part
    lines = [
        f"{r['users']} users for {r['run_time']}, gunicorn with {r['gunicorn_workers']} "
        f"workers: {r['requests']:,} requests ({r['rps']} a second), {r['failures']} failed; "
        f"median {r['median_ms']:.0f} ms, 95th percentile {r['p95_ms']:.0f} ms. "
        f"{len(r['over'])} pages over {r['target_p95_ms']} ms at the 95th percentile: "
        f"**{'within' if r['within_target'] else 'OVER'}**. Load average "
        f"{r['load_average']['before'][0]:.1f} before, {r['load_average']['after'][0]:.1f} "
        "after.",
        "",
        "| role: page | requests | failures | median ms | p95 ms | max ms | req/s | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for p in r["pages"]:
        lines.append(
            f"| {p['name']} | {p['requests']} | {p['failures']} | {p['median_ms']:.0f} | "
            f"{p['p95_ms']:.0f} | {p['max_ms']:.0f} | {p['rps']} | "
            f"{'OVER' if p['p95_ms'] > r['target_p95_ms'] else 'ok'} |"
        )
    if r["locust_said"]:
        lines += ["", f"locust said: {r['locust_said'][-500:]}"]
    return lines
