"""Referral submissions per second through the REST API, on PostgreSQL, with 8 concurrent clients.

Method (stated in the output too). By default (``--server gunicorn``) the application runs as a
deployment runs it: ``gunicorn config.wsgi`` with ``--workers`` worker processes, started as a
subprocess with this process's environment (the bench database, test secrets), listening on
127.0.0.1. 8 client threads in this process send real HTTP requests (``http.client``), each one
``POST /api/v1/referrals/`` with a full referral, ``"submit": true`` and a fresh
``Idempotency-Key`` — so each request authenticates its token, validates every step, encrypts,
screens, writes the person, the referral, its transition log and its audit entry.
``--server inprocess`` runs Django's own WSGI server with a pool of threads in this process
instead: clients, server and Python's GIL then share one interpreter, a floor rather than what a
deployment reaches.

``--profile`` submits once in process and prints the SQL queries of one submission and where its
time goes (``cProfile``), then stops.

Baseline, measured in the same run: the same number of plain ORM inserts of a bare Referral row
(``Referral.objects.create``), by 8 threads. The ratio says how many plain inserts one full
submission costs.

Needs PostgreSQL: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/balise_bench_referrals``
(the database is created, migrated and dropped again; use a throwaway name).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/balise_bench_referrals"


def _setup(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["BALISE_ENV"] = "test"  # test secrets
    # As in production, work after the commit (notifications, duplicate scoring) is queued for
    # the task workers, not run inside the request as the test settings do.
    os.environ["BALISE_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ["DATABASE_URL"] = database_url
    os.environ["BALISE_API_RATE"] = "100000000/minute"  # the bench is not about throttling
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 600  # persistent, one per worker thread
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    django.setup()


def _create_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(database_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _server(workers: int):  # noqa: ANN202
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wsgi")

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    class PooledWSGIServer(WSGIServer):
        daemon_threads = True

        def process_request(self, request, client_address) -> None:  # noqa: ANN001
            pool.submit(self._work, request, client_address)

        def _work(self, request, client_address) -> None:  # noqa: ANN001
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    server = PooledWSGIServer(("127.0.0.1", 0), QuietHandler, ipv6=False, allow_reuse_address=True)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, pool


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(workers: int) -> tuple[subprocess.Popen, int]:
    """``gunicorn config.wsgi`` in a subprocess with this process's environment; waits until it
    answers."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "256",
        ],  # fmt: skip
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/me/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            conn.close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start within 60 s")


def _payload(i: int) -> dict:
    now = datetime.datetime.now(datetime.UTC)
    return {
        "submit": True,
        "given_names": f"Bench{i}",
        "family_name": "Exemple",
        "gender": "feminine",
        "birth_date": "1993-04-0" + str(1 + i % 9),
        "nationalities": ["NGA"],
        "languages": ["en"],
        "interpreter_needed": "true",
        "exploitation_forms": ["domestic_servitude"],
        "sector": "T",
        "exploitation_country": "FRA",
        "means_of_control": ["withholds_documents"],
        "indicators": [
            "d1_nature_job",
            "d1_wages",
            "d4_excessive_hours",
            "d4_low_salary",
            "d5_documents",
            "d5_isolation",
        ],  # fmt: skip
        "narrative": "Recruited as a nanny; works 16 hours a day without pay. " * 4,
        "consent_status": "given",
        "consent_explained": "The mechanism, her rights, who reads the referral.",
        "consent_given_at": (now - datetime.timedelta(hours=2)).isoformat(timespec="minutes"),
        "consent_language": "en",
    }


def _client_run(port: int, token: str, jobs: list[int], latencies: list[float], errors: list):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in jobs:
        body = json.dumps(_payload(i))
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
            "Host": "127.0.0.1",
        }
        started = time.perf_counter()
        for attempt in range(2):
            try:
                conn.request("POST", "/api/v1/referrals/", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                if attempt:
                    raise
        latencies.append(time.perf_counter() - started)
        if response.status != 201:
            errors.append((response.status, data[:200]))
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (Linux ``/proc``)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


class CpuMeter:
    """Where the CPU of the measured submissions goes: the server's processes, the database's
    backends serving the bench database, and this process (the clients). Read from ``/proc``
    before and after, so other work on the machine does not count (it only slows things)."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        self.available = os.path.isdir("/proc/self")

    def _database_pids(self) -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            return [row[0] for row in cursor.fetchall()]

    def snapshot(self) -> dict[str, dict[int, float]]:
        if not self.available:
            return {}
        server = [self.server_pid, *_children(self.server_pid)] if self.server_pid else []
        return {
            "server": {pid: _process_cpu(pid) for pid in server},
            "database": {pid: _process_cpu(pid) for pid in self._database_pids()},
            "clients": {os.getpid(): time.process_time()},
        }

    @staticmethod
    def per_submission_ms(before: dict, after: dict, count: int) -> dict[str, float]:
        used = {}
        for part, now in after.items():
            then = before.get(part, {})
            used[part] = sum(v - then.get(pid, 0.0) for pid, v in now.items()) * 1000 / count
        return used


def _split(n: int, k: int) -> list[list[int]]:
    return [list(range(j, n, k)) for j in range(k)]


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94] if len(values) >= 2 else values[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--server",
        choices=["gunicorn", "inprocess"],
        default="gunicorn",
        help="gunicorn worker processes (default) or Django's WSGI server in this process",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn worker processes (default 4) or in-process threads (default 8)",
    )
    parser.add_argument("--profile", action="store_true", help="profile one submission, stop")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = 4 if args.server == "gunicorn" else 8
    if not args.database_url.startswith("postgres"):
        print("This benchmark needs PostgreSQL (--database-url postgres://…).")
        return 2

    _create_database(args.database_url)
    _setup(args.database_url)
    try:
        return _profile(args) if args.profile else _run(args)
    finally:
        _drop_database(args.database_url)


def _bench_user():  # noqa: ANN202
    from balise.accounts.enums import Role
    from balise.accounts.models import Membership, User
    from balise.api.services import api_token_create
    from balise.organisations import lifecycle
    from balise.organisations.enums import OrganisationKind
    from balise.organisations.models import Organisation

    org = Organisation.objects.create(name="Bench NGO", kind=OrganisationKind.NGO)
    lifecycle.ACCREDITATION.apply(org, "accredit", actor=None, reason="bench")
    user = User.objects.create_user("bench@example.invalid", "x" * 20, full_name="Bench")
    Membership.objects.create(user=user, organisation=org, role=Role.REFERRER)
    _token, raw = api_token_create(acting_user=user, name="bench")
    return user, org, raw


def _profile(args: argparse.Namespace) -> int:
    """The queries and the time of one submission, in process (Django's test client)."""
    import cProfile
    import pstats

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    _user, _org, raw = _bench_user()
    client = Client()

    def post(i: int) -> int:
        return client.post(
            "/api/v1/referrals/",
            data=json.dumps(_payload(i)),
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": str(uuid.uuid4())},
            HTTP_HOST="127.0.0.1",
        ).status_code

    for i in range(5):  # warm up
        assert post(i) == 201
    with CaptureQueriesContext(connection) as queries:
        assert post(5) == 201
    print(f"SQL queries for one submission: {len(queries.captured_queries)}")
    for q in queries.captured_queries:
        print(f"  {q['time']}s  {q['sql'][:120]}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(50):
        post(i)
    profiler.disable()
    mean_ms = (time.perf_counter() - started) * 1000 / 50
    print(f"Mean time per submission (profiled, serial): {mean_ms:.1f} ms")
    sort = os.environ.get("BENCH_PROFILE_SORT", "cumulative")  # or "tottime"
    lines = int(os.environ.get("BENCH_PROFILE_LINES", "40"))
    pstats.Stats(profiler).sort_stats(sort).print_stats(lines)
    return 0


def _run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    from balise.referrals.models import Referral

    user, org, raw = _bench_user()

    # Baseline: plain ORM inserts of bare rows, same count, same concurrency.
    def insert(jobs: list[int]) -> None:
        for _ in jobs:
            Referral.objects.create(channel="api", referrer=user, organisation=org)
        connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        list(pool.map(insert, _split(args.submissions, args.clients)))
    baseline_s = time.perf_counter() - started
    Referral.objects.all().delete()

    if args.server == "gunicorn":
        connections.close_all()
        proc, port = _gunicorn(args.workers)
        method = (
            f"gunicorn config.wsgi, {args.workers} sync worker processes, on 127.0.0.1; "
            f"{args.clients} client threads in the bench process, real HTTP"
        )
    else:
        server, pool = _server(args.workers)
        port = server.server_address[1]
        method = (
            f"in-process Django WSGI server (pool of {args.workers} threads) on 127.0.0.1, "
            f"{args.clients} client threads in the same process, real HTTP"
        )
    try:
        return _measure(
            args, port, raw, baseline_s, method, proc.pid if args.server == "gunicorn" else None
        )
    finally:
        if args.server == "gunicorn":
            proc.terminate()
            proc.wait(timeout=30)
        else:
            server.shutdown()
            pool.shutdown(wait=True)


def _measure(
    args: argparse.Namespace,
    port: int,
    raw: str,
    baseline_s: float,
    method: str,
    server_pid: int | None,
) -> int:
    from django.db import connection

    from balise.referrals.models import Referral

    # Warm up every worker (imports, first connection, catalogues), not measured: as many
    # concurrent clients as the measure, so that no worker meets its first request during it
    # (a cold worker's first request takes seconds; a deployment's workers are warm).
    warm: list[float] = []
    warm_errors: list = []
    warmers = [
        threading.Thread(target=_client_run, args=(port, raw, jobs, warm, warm_errors))
        for jobs in _split(args.clients * 6, args.clients)
    ]
    for t in warmers:
        t.start()
    for t in warmers:
        t.join()
    if warm_errors:
        print("Warm-up failed:", warm_errors[:3])
        return 1
    Referral.objects.all().delete()

    meter = CpuMeter(server_pid)
    cpu_before = meter.snapshot()
    latencies: list[float] = []
    errors: list = []
    started = time.perf_counter()
    threads = [
        threading.Thread(target=_client_run, args=(port, raw, jobs, latencies, errors))
        for jobs in _split(args.submissions, args.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    api_s = time.perf_counter() - started
    cpu_after = meter.snapshot()

    submitted = Referral.objects.filter(status="submitted").count()
    rate = args.submissions / api_s
    base_rate = args.submissions / baseline_s
    p95_ms = _p95(latencies) * 1000
    print(f"Database: PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU cores")
    print(f"Method: {method}")
    print(
        f"Submissions: {args.submissions}, stored as submitted: {submitted}, errors: {len(errors)}"
    )
    print(
        f"API submissions/s: {rate:.1f}   p50 {statistics.median(latencies) * 1000:.1f} ms"
        f"   p95 {p95_ms:.1f} ms   max {max(latencies) * 1000:.1f} ms"
    )
    print(f"Baseline plain ORM inserts/s: {base_rate:.1f}")
    print(f"Ratio (API submission time / plain insert time): {base_rate / rate:.1f}x")
    if cpu_after:
        used = CpuMeter.per_submission_ms(cpu_before, cpu_after, args.submissions)
        total = sum(used.values())
        cores = os.cpu_count() or 1
        print(
            "CPU per submission: "
            + ", ".join(f"{part} {ms:.1f} ms" for part, ms in used.items())
            + f"; total {total:.1f} ms -> at most {cores * 1000 / total:.0f} submissions/s "
            f"on {cores} cores if nothing else ran"
        )
    print(
        f"Aim: >= 100 submissions/s and p95 < 200 ms -> "
        f"{'met' if rate >= 100 and p95_ms < 200 else 'NOT met'}"
    )
    if errors:
        print("First errors:", errors[:3])
        return 1
    return 0 if submitted == args.submissions else 1


if __name__ == "__main__":
    raise SystemExit(main())
