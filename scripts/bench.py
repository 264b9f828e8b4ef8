"""Benchmark the main pages over HTTP against gunicorn, production settings. Not a test.

    .venv/bin/python scripts/bench.py --concerns 10000 [--database-url URL] [--requests 50]
        [--warmup 5] [--load-requests 600] [--concurrency 4] [--workers 2] [--port 8766]

What it does, in order:

1. Makes sure the PostgreSQL database exists (default
   ``postgres://postgres@127.0.0.1:5432/conduct_bench<size>``, or ``--database-url`` /
   ``BENCH_DATABASE_URL``), migrates it, loads the guidance and seeds concerns with
   ``manage.py seed_concerns`` until it holds at least ``--concerns``, then rebuilds the
   report rollups.
2. Starts gunicorn (``config.wsgi``, ``config.settings.production``, DEBUG off, static
   files collected and served by whitenoise) on loopback. Nothing in the production
   settings is relaxed: the benchmark sets ``SECRET_KEY``, ``ALLOWED_HOSTS``,
   ``DATABASE_URL`` and ``REDIS_URL`` (when Redis answers) in the environment, and sends
   ``X-Forwarded-Proto: https`` as the reverse proxy does, so HTTPS redirects, secure
   cookies, CSRF and two-step sign-in all stay on. Its users are signed in through real
   database sessions that record a verified authenticator device (no password or code
   is typed: that is the only shortcut).
3. Times each page over HTTP, one request at a time: median (p50), p95 and max, after a
   few untimed warm-up requests. The dashboard is timed cold (``REPORT_CACHE_SECONDS=0``:
   every request builds every figure) and warm (its normal 5-minute cache).
4. Counts the database queries of each page in-process with Django's test client (same
   settings), which is how the query-count pins in the tests count them.
5. Runs a mixed load with a small bounded load generator (threads, ``http.client``, a
   fixed number of requests, loopback only) and reports requests per second, plus the
   peak memory (VmHWM) of each gunicorn worker.
6. Prints the tables and writes them, with the machine described, to
   ``bench/results/<size>-<date>.md`` (and ``.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MAX_REQUESTS = 10_000
HOST = "127.0.0.1"
TARGETS_MS = {  # p95 targets from the design, with 1,000,000 concerns
    "queue": 100,
    "concern": 100,
    "dashboard": 300,
    "intake": 150,
}


# --- Small helpers -----------------------------------------------------------------------


def percentile(values, pct: float) -> float:
    """Nearest-rank percentile of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def loadavg() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


# --- HTTP client ----------------------------------------------------------------------


class Browser:
    """One keep-alive connection with a session cookie, as behind the reverse proxy."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.cookies = dict(cookies)
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept": "text/html",
        }
        data = None
        if body is not None:
            from urllib.parse import urlencode

            data = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}:{self.port}{path}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content

    def close(self) -> None:
        self.conn.close()


# --- Results ----------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    kind: str  # queue, concern, dashboard, intake, export (for the target column)
    user: str
    path: str
    statuses: list[int] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def row(self) -> dict:
        target = TARGETS_MS.get(self.kind)
        return {
            "page": self.name,
            "user": self.user,
            "status": "/".join(str(s) for s in sorted(set(self.statuses))),
            "n": len(self.ms),
            "p50": round(statistics.median(self.ms), 1) if self.ms else None,
            "p95": round(percentile(self.ms, 95), 1) if self.ms else None,
            "max": round(max(self.ms), 1) if self.ms else None,
            "queries": (
                ""
                if not self.queries
                else str(min(self.queries))
                if min(self.queries) == max(self.queries)
                else f"{min(self.queries)}-{max(self.queries)}"
            ),
            "target_p95": target,
        }


# --- Django side ------------------------------------------------------------------------


def default_database_url(concerns: int) -> str:
    return f"postgres://postgres@{HOST}:5432/conduct_bench{size_label(concerns)}"


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Database name {name!r}: use letters, digits and underscores.")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise SystemExit(
            f"Could not reach PostgreSQL at {parts.hostname}:{parts.port or 5432} ({exc}). "
            "Start it, or set BENCH_DATABASE_URL=postgres://user@host:port/name (a role that "
            "may create the database, or an existing empty database)."
        ) from None
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            print(f"Creating database {name}.")
            conn.execute(f'CREATE DATABASE "{name}"')


# A loopback port nothing listens on: the app's Redis cache fails on every call.
REDIS_DOWN_URL = "redis://127.0.0.1:1/0"


def redis_available(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except Exception:  # any failure means "no Redis"
        return False


def setup_environment(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DEVTOOLS": "true",  # the seeder
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("REPORT_CACHE_SECONDS", None)
    if getattr(args, "redis_down", False):
        env["REDIS_URL"] = REDIS_DOWN_URL  # nothing listens there: every cache call fails
    elif redis_available(args.redis_url):
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    os.environ.clear()
    os.environ.update(env)
    return env


def prepare_data(concerns: int) -> dict:
    """Migrate, load the guidance, seed up to `concerns`, rebuild rollups. Returns facts."""
    import django

    os.environ.setdefault("DEVTOOLS", "true")  # the seeder lives in devtools/
    django.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from incidents.models import Concern

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_guidance", verbosity=0)
    existing = Concern.objects.count()
    seeded = None
    if existing < concerns:
        print(f"{existing:,} concerns; seeding {concerns - existing:,} (bulk inserts).")
        started = time.perf_counter()
        call_command("seed_concerns", count=concerns - existing, password=None)
        seeded = round(time.perf_counter() - started, 1)
    rollups = None
    try:
        started = time.perf_counter()
        call_command("rebuild_report_rollups", verbosity=0)
        rollups = round(time.perf_counter() - started, 1)
    except CommandError as exc:  # no such command: an older checkout
        print(f"Rollups not rebuilt: {exc}")
    call_command("collectstatic", interactive=False, verbosity=0)
    return {"concerns": Concern.objects.count(), "seed_seconds": seeded, "rollup_seconds": rollups}


@dataclass
class Personas:
    org: str
    cookies: dict[str, dict[str, str]]  # username -> cookies
    hr_manager: str
    executive: str
    reporter: str
    concern_ids: list[int]
    unit_id: int
    platform_id: int
    section_id: int
    filtered_month: tuple[dt.date, dt.date]
    organisation_concerns: int


def personas(org: str) -> Personas:
    """Signed-in, second-factor-verified sessions for the HR manager, executive, reporter."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import BusinessUnit, Role, User
    from guidance.models import CodeSection, PlatformCategory
    from incidents.models import Concern, Status

    def user_with(role) -> User:
        user = (
            User.objects.filter(organisation__short_name=org, role_grants__role=role)
            .order_by("pk")
            .first()
        )
        if user is None:
            raise SystemExit(f"No {role} in {org}: seed first.")
        return user

    users = {
        "hr_manager": user_with(Role.HR_MANAGER),
        "executive": user_with(Role.EXECUTIVE),
        "reporter": user_with(Role.REPORTER),
    }
    cookies = {}
    for user in users.values():
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.PeopleBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        cookies[user.username] = {settings.SESSION_COOKIE_NAME: session.session_key}
    organisation_id = users["hr_manager"].organisation_id
    visible = Concern.objects.filter(organisation_id=organisation_id, restricted=False).exclude(
        status=Status.DRAFT
    )
    recent = list(visible.order_by("-submitted_at").values_list("pk", flat=True)[:25])
    older = list(visible.order_by("pk").values_list("pk", flat=True)[:25])
    latest = visible.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    month_end = (latest.date().replace(day=1) - dt.timedelta(days=1)) if latest else dt.date.today()
    return Personas(
        org=org,
        cookies=cookies,
        hr_manager=users["hr_manager"].username,
        executive=users["executive"].username,
        reporter=users["reporter"].username,
        concern_ids=recent + older,
        unit_id=BusinessUnit.objects.filter(organisation_id=organisation_id).order_by("pk")[0].pk,
        platform_id=PlatformCategory.objects.get(code="social-networking").pk,
        section_id=CodeSection.objects.current().order_by("sort_key")[0].pk,
        # A filter that starts mid-month and ends at a month's end: half a year.
        filtered_month=(month_end.replace(day=15) - dt.timedelta(days=180), month_end),
        organisation_concerns=visible.count(),
    )


def pages(p: Personas) -> list[tuple[str, str, str, str]]:
    """(name, kind, user, path) for every GET page timed."""
    start, end = p.filtered_month
    filters = f"date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}&unit={p.unit_id}"
    return [
        ("Work queue, first page", "queue", p.hr_manager, "/concerns/"),
        (
            "Work queue, filtered (open, unit, platform, by due date)",
            "queue",
            p.hr_manager,
            f"/concerns/?queue=all&status=investigation&unit={p.unit_id}"
            f"&platform={p.platform_id}&sort=due",
        ),
        (
            "Work queue, filtered by Code section",
            "queue",
            p.hr_manager,
            f"/concerns/?section={p.section_id}",
        ),
        ("Work queue, page 40", "queue", p.hr_manager, "/concerns/?page=40"),
        ("Concern page", "concern", p.hr_manager, "/concerns/{concern}/"),
        ("Dashboard", "dashboard", p.executive, "/reports/"),
        ("Dashboard, filtered (dates, unit)", "dashboard", p.executive, f"/reports/?{filters}"),
        (
            "Dashboard, filtered (section, platform)",
            "dashboard",
            p.executive,
            f"/reports/?section={p.section_id}&platform={p.platform_id}",
        ),
        ("CSV export (by month)", "export", p.executive, "/reports/export/months.csv"),
        ("Intake form", "intake-form", p.reporter, "/concerns/new/"),
    ]


def intake_data(p: Personas, token: str) -> dict:
    from guidance.models import CodeSection

    return {
        "csrfmiddlewaretoken": token,
        "intake_token": str(uuid.uuid4()),
        "occurred_on": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
        "description": "Posted a photo of a client file with the client's name readable, "
        "from a private account that names the department.",
        "platform_category": p.platform_id,
        "platform_name": "Facebook",
        "links": f"https://example.invalid/post/{uuid.uuid4().hex}",
        "use_context": "private",
        "subject_name": f"Bench Person {uuid.uuid4().hex[:8]}",
        "subject_position": "Case Officer",
        "subject_business_unit": "",
        "sections": [CodeSection.objects.current().order_by("sort_key")[0].pk],
        "possible_pid": "no",
    }


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(browser: Browser) -> str:
    status, _, body = browser.request("GET", "/concerns/new/")
    match = CSRF_INPUT.search(body)
    if status != 200 or not match:
        raise SystemExit(f"Could not read the intake form (HTTP {status}).")
    return match.group(1).decode()


def concern_version(pk: int) -> int:
    from incidents.models import Concern

    return Concern.objects.values_list("version", flat=True).get(pk=pk)


def intake_once(browser: Browser, p: Personas, token: str) -> tuple[tuple, tuple]:
    """Save a draft, then submit it: ((status, ms), (status, ms))."""
    started = time.perf_counter()
    status, headers, _ = browser.request("POST", "/concerns/new/", intake_data(p, token))
    draft_ms = (time.perf_counter() - started) * 1000
    match = re.search(r"/concerns/(\d+)/review/", headers.get("Location", ""))
    if status != 302 or not match:
        return (status, draft_ms), (0, 0.0)
    pk = int(match.group(1))
    body = {"csrfmiddlewaretoken": token, "version": concern_version(pk)}
    started = time.perf_counter()
    status2, _, _ = browser.request("POST", f"/concerns/{pk}/submit/", body)
    return (status, draft_ms), (status2, (time.perf_counter() - started) * 1000)


# --- Timing over HTTP -------------------------------------------------------------------


def time_pages(port: int, p: Personas, *, requests: int, warmup: int, only=None) -> list[Timing]:
    results = []
    for name, kind, user, path in pages(p):
        if only and kind not in only:
            continue
        browser = Browser(port, p.cookies[user])
        timing = Timing(name, kind, user, path)
        for i in range(warmup + requests):
            url = path.format(concern=p.concern_ids[i % len(p.concern_ids)])
            started = time.perf_counter()
            status, _, _ = browser.request("GET", url)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= warmup:
                timing.statuses.append(status)
                timing.ms.append(elapsed)
        browser.close()
        results.append(timing)
    return results


def time_intake(port: int, p: Personas, *, requests: int, warmup: int) -> list[Timing]:
    browser = Browser(port, p.cookies[p.reporter])
    token = csrf_token(browser)
    draft = Timing("Intake: save draft (POST)", "intake", p.reporter, "/concerns/new/")
    submit = Timing("Intake: submit (POST)", "intake", p.reporter, "/concerns/<pk>/submit/")
    for i in range(warmup + requests):
        (s1, ms1), (s2, ms2) = intake_once(browser, p, token)
        if i >= warmup:
            draft.statuses.append(s1)
            draft.ms.append(ms1)
            submit.statuses.append(s2)
            submit.ms.append(ms2)
    browser.close()
    return [draft, submit]


# --- Query counts in-process -----------------------------------------------------------


def count_queries(p: Personas, timings: list[Timing], repeats: int = 3) -> None:
    """The same pages through Django's test client, counting queries per request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    clients = {}
    for username in p.cookies:
        client = Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO="https")
        client.force_login(User.objects.get(username=username))
        session = client.session
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        session[DEVICE_ID_SESSION_KEY] = (
            TOTPDevice.objects.filter(user__username=username).first().persistent_id
        )
        session.save()
        clients[username] = client
    by_path = {(t.user, t.path, t.kind): t for t in timings}
    for _, kind, user, path in pages(p):
        timing = by_path.get((user, path, kind))
        if timing is None:
            continue
        for i in range(repeats + 1):
            url = path.format(concern=p.concern_ids[i % len(p.concern_ids)])
            with CaptureQueriesContext(connection) as captured:
                response = clients[user].get(url)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            if i:  # the first request fills per-process caches
                timing.queries.append(len(captured.captured_queries))
    client = clients[p.reporter]
    match = CSRF_INPUT.search(client.get("/concerns/new/").content)
    token = match.group(1).decode() if match else ""
    draft = next((t for t in timings if t.path == "/concerns/new/" and t.kind == "intake"), None)
    submit = next((t for t in timings if t.path.endswith("/submit/")), None)
    for _ in range(repeats):
        data = intake_data(p, str(token))
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/concerns/new/", data)
        if draft:
            draft.queries.append(len(captured.captured_queries))
        match = re.search(r"/concerns/(\d+)/review/", response.get("Location", ""))
        if not match:
            continue
        pk = int(match.group(1))
        body = {"csrfmiddlewaretoken": str(token), "version": concern_version(pk)}
        with CaptureQueriesContext(connection) as captured:
            client.post(f"/concerns/{pk}/submit/", body)
        if submit:
            submit.queries.append(len(captured.captured_queries))


# --- Mixed load --------------------------------------------------------------------------


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    seconds: float
    rps: float
    errors: int
    p50: float
    p95: float
    mix: dict[str, int]


def mixed_load(port: int, p: Personas, *, total: int, concurrency: int) -> LoadResult:
    """A fixed number of requests from `concurrency` threads, each with its own session."""
    start, end = p.filtered_month
    mix = [
        ("queue", p.hr_manager, "/concerns/", 30),
        ("queue-filtered", p.hr_manager, f"/concerns/?status=investigation&unit={p.unit_id}", 10),
        ("concern", p.hr_manager, "/concerns/{concern}/", 25),
        ("dashboard", p.executive, "/reports/", 10),
        (
            "dashboard-filtered",
            p.executive,
            f"/reports/?date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}",
            5,
        ),
        ("intake-form", p.reporter, "/concerns/new/", 10),
        ("intake-draft", p.reporter, "POST", 5),
        ("export", p.executive, "/reports/export/platforms.csv", 5),
    ]
    schedule = []
    for name, user, path, weight in mix:
        schedule += [(name, user, path)] * weight
    plan = [schedule[(i * 37) % len(schedule)] for i in range(total)]  # spread the kinds
    lock = threading.Lock()
    cursor = {"next": 0}
    timings: list[float] = []
    errors = [0]
    counts: dict[str, int] = {}

    def worker() -> None:
        browsers = {user: Browser(port, p.cookies[user]) for user in p.cookies}
        token = csrf_token(browsers[p.reporter])
        while True:
            with lock:
                index = cursor["next"]
                if index >= total:
                    break
                cursor["next"] += 1
            name, user, path = plan[index]
            started = time.perf_counter()
            try:
                if path == "POST":
                    status, _, _ = browsers[user].request(
                        "POST", "/concerns/new/", intake_data(p, token)
                    )
                    ok = status == 302
                else:
                    url = path.format(concern=p.concern_ids[index % len(p.concern_ids)])
                    status, _, _ = browsers[user].request("GET", url)
                    ok = status == 200
            except Exception:  # a failed request is counted, not fatal
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.append(elapsed)
                counts[name] = counts.get(name, 0) + 1
                if not ok:
                    errors[0] += 1
        for browser in browsers.values():
            browser.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return LoadResult(
        requests=total,
        concurrency=concurrency,
        seconds=round(seconds, 2),
        rps=round(total / seconds, 1),
        errors=errors[0],
        p50=round(statistics.median(timings), 1),
        p95=round(percentile(timings, 95), 1),
        mix=counts,
    )


# --- The rollup beat job -----------------------------------------------------------------


class RollupRefresher(threading.Thread):
    """What the Celery beat job does in production: every minute, recount the rollup
    months touched since the last run (and mark the rollups current in the cache)."""

    def __init__(self, every: float = 60.0):
        super().__init__(daemon=True)
        self.every = every
        self.stopped = threading.Event()
        self.runs = 0

    def run(self) -> None:
        from django.db import connection

        try:
            from reporting import rollups
        except ImportError:  # an older checkout without rollups
            return
        while not self.stopped.wait(self.every):
            rollups.refresh_all()
            self.runs += 1
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=120)


# --- gunicorn ------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, env: dict[str, str], port: int, workers: int, extra_env: dict[str, str]):
        self.port = port
        self.pidfile = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.pid"
        executable = Path(sys.executable).with_name("gunicorn")
        command = [
            str(executable if executable.exists() else shutil.which("gunicorn") or "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--pid",
            str(self.pidfile),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ]
        self.process = subprocess.Popen(  # nosec B603
            command, cwd=ROOT, env={**env, **extra_env}, start_new_session=True
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=5)
                conn.request("GET", "/health/", headers={"X-Forwarded-Proto": "https"})
                if conn.getresponse().status in (200, 500):
                    conn.close()
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start within 60 s.")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_memory_mb(self) -> list[float]:
        peaks = []
        for pid in self.workers():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM"):
                        peaks.append(round(int(line.split()[1]) / 1024, 1))
            except OSError:
                continue
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.pidfile.unlink(missing_ok=True)


# --- Report ----------------------------------------------------------------------------


def markdown(report: dict) -> str:
    lines = [
        f"# Benchmark: {report['facts']['concerns']:,} concerns",
        "",
        f"- When: {report['when']} (UTC); load average before {report['load_before']}, "
        f"after {report['load_after']}",
        f"- Machine: {report['machine']['cpu']}, {report['machine']['cores']} cores, "
        f"{report['machine']['memory']} memory, {report['machine']['os']}, "
        f"Python {report['machine']['python']}",
        f"- Database: {report['database']}; cache: {report['cache']}",
        f"- Web: gunicorn, {report['workers']} sync workers, `config.settings.production` "
        "(DEBUG off), requests with `X-Forwarded-Proto: https` as from the reverse proxy",
        f"- Data: {report['facts']['concerns']:,} concerns in all; the measured organisation "
        f"({report['org']}) holds {report['organisation_concerns']:,} of them",
        f"- Seeding: {report['facts']['seed_seconds']} s this run"
        if report["facts"]["seed_seconds"]
        else "- Seeding: data already present",
        f"- Rollup rebuild: {report['facts']['rollup_seconds']} s"
        if report["facts"]["rollup_seconds"] is not None
        else "- Rollups: not built",
        f"- Timed: {report['requests']} requests per page after {report['warmup']} warm-up, "
        "one at a time over HTTP on loopback; queries counted in-process (test client)",
        "",
    ]
    for title, rows in (
        ("Cold (REPORT_CACHE_SECONDS=0: every dashboard request builds every figure)", "cold"),
        ("Warm (the dashboard's normal 5-minute cache)", "warm"),
    ):
        if not report[rows]:
            continue
        lines += [
            f"## {title}",
            "",
            "| page | user | status | n | p50 ms | p95 ms | max ms | queries | p95 target |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in report[rows]:
            target = f"{r['target_p95']} ms" if r["target_p95"] else ""
            lines.append(
                f"| {r['page']} | {r['user']} | {r['status']} | {r['n']} | {r['p50']} | "
                f"{r['p95']} | {r['max']} | {r['queries']} | {target} |"
            )
        lines.append("")
    load = report["load"]
    if load:
        lines += [
            "## Mixed load",
            "",
            f"{load['requests']} requests from {load['concurrency']} threads "
            f"(keep-alive, loopback): {load['rps']} requests/s over {load['seconds']} s, "
            f"{load['errors']} errors, latency p50 {load['p50']} ms, p95 {load['p95']} ms. "
            f"Mix: {', '.join(f'{k} {v}' for k, v in sorted(load['mix'].items()))}.",
            "",
        ]
    lines += [
        "## Memory",
        "",
        "Peak resident memory (VmHWM) of each gunicorn worker: "
        + "; ".join(
            f"{run}: {', '.join(f'{m} MB' for m in values) or 'unknown'}"
            for run, values in report["peak_memory_mb"].items()
        )
        + ".",
        "",
    ]
    return "\n".join(lines)


def call_refresh() -> None:
    """Bring the rollups up to date before counting queries in-process."""
    try:
        from reporting import rollups
    except ImportError:
        return
    rollups.refresh_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concerns", type=int, default=10_000, help="Concerns to hold.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--org", default="bench-org-1")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--load-requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument(
        "--redis-down",
        action="store_true",
        help="Run the app with its Redis cache configured but unreachable (a Redis outage).",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=["queue", "concern", "dashboard", "export", "intake", "load"],
        help="Time only these kinds of request (repeat for more); default everything.",
    )
    args = parser.parse_args(argv)
    for name in ("requests", "load_requests"):
        if not 1 <= getattr(args, name) <= MAX_REQUESTS:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and {MAX_REQUESTS}")
    if not 0 <= args.warmup <= MAX_REQUESTS or not 1 <= args.concurrency <= 32:
        parser.error("--warmup 0..10000 and --concurrency 1..32")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be between 1 and 16")
    if urlsplit(args.redis_url).hostname not in (HOST, "localhost"):
        parser.error("--redis-url must be on loopback")
    args.database_url = args.database_url or default_database_url(args.concerns)
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("The benchmark runs against PostgreSQL: give a postgres:// URL.")

    sys.path.insert(0, str(ROOT))
    ensure_database(args.database_url)
    env = setup_environment(args)
    facts = prepare_data(args.concerns)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    p = personas(args.org)
    load_before = loadavg()
    print(
        f"{facts['concerns']:,} concerns ({p.organisation_concerns:,} in {p.org}); "
        f"load average {load_before}."
    )
    connection.close()

    report: dict = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "database": f"PostgreSQL {server} on loopback",
        "cache": (
            "Redis configured but unreachable (an outage)"
            if args.redis_down
            else "Redis on loopback"
            if "REDIS_URL" in env
            else "local memory (no Redis)"
        ),
        "workers": args.workers,
        "facts": facts,
        "org": p.org,
        "organisation_concerns": p.organisation_concerns,
        "requests": args.requests,
        "warmup": args.warmup,
        "load_before": load_before,
    }

    refresher = RollupRefresher()
    refresher.start()
    # Cold: every dashboard request builds its figures.
    server_ = Gunicorn(env, args.port, args.workers, {"REPORT_CACHE_SECONDS": "0"})
    try:
        only = set(args.only or ())
        kinds = only or None
        if kinds and "intake" in kinds:
            kinds = kinds | {"intake-form"}
        cold = time_pages(args.port, p, requests=args.requests, warmup=args.warmup, only=kinds)
        if not only or "intake" in only:
            cold += time_intake(args.port, p, requests=args.requests, warmup=args.warmup)
        peaks = server_.peak_memory_mb()
    finally:
        server_.stop()
    # Warm: the normal cache, then the mixed load on the same server.
    server_ = Gunicorn(env, args.port, args.workers, {})
    try:
        warm = []
        if not only or "dashboard" in only:
            warm = time_pages(
                args.port, p, requests=args.requests, warmup=args.warmup, only={"dashboard"}
            )
        load = None
        if not only or "load" in only:
            load = mixed_load(args.port, p, total=args.load_requests, concurrency=args.concurrency)
        peaks = {"cold run": peaks, "warm run and mixed load": server_.peak_memory_mb()}
    finally:
        server_.stop()

    refresher.stop()
    call_refresh()
    os.environ["REPORT_CACHE_SECONDS"] = "0"
    from django.conf import settings

    settings.REPORT_CACHE_SECONDS = 0
    count_queries(p, cold)
    settings.REPORT_CACHE_SECONDS = 300
    from django.core.cache import cache

    cache.clear()
    count_queries(p, warm)

    report.update(
        {
            "cold": [t.row() for t in cold],
            "warm": [t.row() for t in warm],
            "load": asdict(load) if load else None,
            "peak_memory_mb": peaks,
            "load_after": loadavg(),
        }
    )
    text = markdown(report)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stem = f"{size_label(args.concerns)}-{report['when'][:10]}"
        if only:
            stem += "-only-" + "-".join(sorted(only))
        if args.redis_down:
            stem += "-redis-down"
        (RESULTS / f"{stem}.md").write_text(text + "\n")
        (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"Written to bench/results/{stem}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
