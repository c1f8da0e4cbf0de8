"""What the benchmark's parts share: the benchmark's own database and settings, making the
volume once (bench/volume.py), counting and timing a request's queries, and running task
workers while sampling their memory. Imported by bench/run.py and each part; never by the
project.
"""

import base64
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DOCUMENTS = Path(tempfile.gettempdir()) / "cap-bench-documents"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Bumped when bench/volume.py makes different data, so an old database is made again.
GENERATOR_VERSION = 3
TARGET_RATIO = 2.0  # issue 13: every page within 2x the simplest signed-in page

sys.path.insert(0, str(ROOT))


def bench_url(scale: float) -> str:
    """BENCH_DATABASE_URL, or a database of the scale's own on DATABASE_URL's server
    (cap_bench_0_1 for a tenth), so that volumes at two scales are kept side by side and
    a page's query counts can be compared between them."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    name = "/cap_bench_" + f"{scale:g}".replace(".", "_").replace("-", "_")
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        return urlunsplit(urlsplit(base)._replace(path=name))
    return urlunsplit(urlsplit(DEFAULT_URL)._replace(path=name))


def shown_url(url: str) -> str:
    """The URL without any password, for the report."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def settings_environment(url: str) -> None:
    """Production-like settings on the benchmark's database: DEBUG and the demo off, plain
    static file URLs (nothing is collected), and a secret and document key of its own."""
    secret = "benchmark-only-" + hashlib.sha256(url.encode()).hexdigest()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "CAP_DEMO_MODE": "0",
            "SECRET_KEY": secret,
            "CAP_DOCUMENT_KEYS": base64.urlsafe_b64encode(
                hashlib.sha256(secret.encode()).digest()
            ).decode(),
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "ERROR"),
            # The termly reports' PDFs, outside the worktree; removed after each run.
            "CAP_DOCUMENT_ROOT": os.environ.get("BENCH_DOCUMENT_ROOT", str(DOCUMENTS)),
        }
    )
    warnings.filterwarnings("ignore", message="No directory at")


class Log:
    """Progress on the terminal, with the time since the start."""

    def __init__(self):
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", flush=True)


# --- The database ------------------------------------------------------------------------


def _meta(url: str) -> dict | None:
    """What bench_meta says of the database, or None when it has no such table. Raises
    SystemExit for a database with tables of its own that the benchmark did not make."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        has_meta = conn.execute("SELECT to_regclass('public.bench_meta') IS NOT NULL").fetchone()[0]
        if has_meta:
            row = conn.execute("SELECT value FROM bench_meta WHERE key = 'volume'").fetchone()
            return row[0] if row else {}
        tables = conn.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if tables:
        raise SystemExit(
            f"{shown_url(url)} has tables the benchmark did not make: it will not replace it. "
            "Name another database in BENCH_DATABASE_URL."
        )
    return None


def database_ready(url: str, scale: float, fresh: bool) -> bool:
    """Make the database when it is missing, was made at another scale or by another
    version of bench/volume.py, or --fresh asks. True when it already holds the volume."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists:
        meta = _meta(url)
        if (
            not fresh
            and meta
            and meta.get("complete")
            and meta.get("scale") == scale
            and meta.get("version") == GENERATOR_VERSION
        ):
            return True
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
    return False


def meta_save(value: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_meta (key, value) VALUES ('volume', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(value)],
        )


def meta_read() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'volume'")
        row = cursor.fetchone()
    value = row[0] if row else {}
    return json.loads(value) if isinstance(value, str) else value


def volume_ready(url: str, scale: float, fresh: bool, log) -> dict:
    """Set Django up on the benchmark's database, making its data at `scale` first when it
    does not hold it (bench/volume.py); the volume's bench_meta. The money benchmark
    (bench/statements.py) starts the same way."""
    ready = database_ready(url, scale, fresh)

    import django

    django.setup()
    import volume
    from django.core.management import call_command
    from django.utils import timezone

    if ready:
        call_command("migrate", interactive=False, verbosity=0)
        meta = meta_read()
        log(f"Reusing the data made {meta.get('made_at', '?')}: {meta.get('counts')}")
        return meta
    log(f"Making the data at scale {scale:g} (bench/volume.py)")
    meta_save({"scale": scale, "version": GENERATOR_VERSION, "complete": False})
    counts = volume.Generator(scale, log).run()
    meta = {
        "scale": scale,
        "version": GENERATOR_VERSION,
        "complete": True,
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "counts": counts,
    }
    meta_save(meta)
    log(f"Made in {counts['seconds']} s: {counts}")
    return meta


# --- Measuring ---------------------------------------------------------------------------


class Queries:
    """Counts and times the queries of one request (connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.slowest = (0.0, "", None)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.count += 1
            self.seconds += took
            if took > self.slowest[0]:
                self.slowest = (took, sql, params)


def signed_in(user):
    """A test client signed in as `user` past the second factor (issue 16): the session is
    verified with the person's authenticator app, made for them if they have none, as the
    code page would after a right code."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import VERIFIED_AT_SESSION_KEY

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT_SESSION_KEY] = time.time()
    session.save()
    return client


def once(client, url: str):
    """One GET with the test client: seconds, its Queries, status and body."""
    from django.db import connection

    queries = Queries()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        took = time.perf_counter() - started
    return took, queries, response.status_code, body


def sql_text(sql: str, params) -> str:
    """A query with its parameters in place, to paste into EXPLAIN ANALYZE."""
    from django.db import connection

    try:
        return connection.ops.compose_sql(sql, params)
    except Exception:
        return f"{sql} -- params: {params!r}"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (0.95 of five runs is the slowest)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def sql(statement: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def one(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


# --- Task workers ---------------------------------------------------------------------------


def _peak_kb(pid: int) -> int:
    """A live process's peak resident memory (VmHWM), in kB; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def workers(count: int, log, name: str) -> dict:
    """Run `count` `manage.py db_worker --batch` processes in parallel until the queue is
    empty, sampling each one's peak resident memory as it runs. The wall time, the CPU time
    the workers used (theirs, not the database's: on a shared machine the steadier figure),
    each worker's peak memory in MB, and what any that failed said."""
    import resource

    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0.1",
        "--verbosity",
        "0",
    ]
    used_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    processes = [
        subprocess.Popen(  # noqa: S603 - our own manage.py, no shell
            [*command, "--worker-id", f"bench-{name}-{n}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    peaks = [0] * count
    errors = {n: [] for n in range(count)}
    while any(p.poll() is None for p in processes):
        for n, process in enumerate(processes):
            peaks[n] = max(peaks[n], _peak_kb(process.pid))
        time.sleep(0.2)
    said = []
    for n, process in enumerate(processes):
        _, err = process.communicate()
        errors[n].append(err)
        if process.returncode:
            said.append(f"exit {process.returncode}: {err.strip()[-500:]}")
    took = time.perf_counter() - started
    used_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (used_after.ru_utime + used_after.ru_stime) - (
        used_before.ru_utime + used_before.ru_stime
    )
    peak_mb = [round(kb / 1024, 1) for kb in peaks]
    log(
        f"{count} workers finished in {took:.1f} s, using {cpu:.1f} s of CPU; "
        f"peak memory {', '.join(f'{mb:.0f} MB' for mb in peak_mb)}"
    )
    return {"wall_s": took, "cpu_s": cpu, "peak_mb": peak_mb, "errors": said}


# --- The machine ----------------------------------------------------------------------------


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as info:
            kb = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
            memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        pass
    postgres = ""
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
    except Exception:
        postgres = "?"
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": postgres,
        "platform": platform.platform(),
    }
