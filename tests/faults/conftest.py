"""Private services for the fault drills: Redis, PostgreSQL clusters and Celery workers.

The drills stop, kill and restart services, so they never touch the shared ones that
other test runs use (DATABASE_URL, REDIS_URL). Each drill starts its own processes on
free loopback ports and ends them in teardown, even when the test fails:

- `private_redis`: a `redis-server` with no persistence;
- `celery_workers`: real `celery -A config worker` subprocesses (solo pool) that consume
  from the private Redis and use the test database (PostgreSQL, committed data);
- `private_postgres`: a throwaway PostgreSQL cluster made with initdb (run as the
  `postgres` user when the tests run as root, since initdb refuses root).

Without the programs (or PostgreSQL for the test database) the drills skip and say why;
with CI=true they fail instead, as tests/services.py does.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from kombu import pools as kombu_pools

from tests import services

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DRILL_SETTINGS = "tests.faults.drill_settings"


def unavailable(reason: str) -> None:
    if services.IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def end_process(process: subprocess.Popen | None, *, grace: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left. Never raises."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def base_env(**extra: str) -> dict[str, str]:
    """The environment of every drill subprocess: the repo importable, drill settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "DJANGO_SETTINGS_MODULE": DRILL_SETTINGS,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


@pytest.fixture(autouse=True)
def _closed_redis_breakers():
    """Each test starts and ends with every Redis breaker closed (config/breaker.py)."""
    from config.breaker import reset_all

    reset_all()
    yield
    reset_all()


# --- Redis --------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server on a free port, with no persistence, that a test may stop and start."""

    def __init__(self, workdir: Path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: a stopped server should answer "refused" at once.
        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
        )

    def ping(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        log = (self.workdir / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        if not wait_for(self.ping, timeout=10):
            raise RuntimeError(f"private redis did not start:\n{tail(self.workdir / 'redis.log')}")

    def stop(self) -> None:
        """Stop the server (SIGTERM; it saves nothing). Connections to it break."""
        end_process(self.process, grace=5)
        assert not self.ping(), "private redis still answers after being stopped"


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    if server.binary is None:
        unavailable("needs redis-server on PATH for a private Redis (apt-get install redis-server)")
    server.start()
    try:
        yield server
    finally:
        end_process(server.process, grace=5)


# --- The Celery app in this process, pointed at the private Redis -----------------------


def _reset_connections(app) -> None:
    """Forget pooled broker connections and the result backend, so new settings apply."""
    # kombu keeps one pool per broker address in a process-wide registry, and the app
    # takes its pool from there: closing a pool in place would leave a closed pool for
    # the next user of the same address (the rest of the suite). Reset the registry.
    with contextlib.suppress(Exception):
        kombu_pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker(celery_app):
    """Send this process's tasks to the given Redis (as the web process would), then undo."""

    @contextlib.contextmanager
    def use(url: str) -> Iterator[None]:
        keys = ("broker_url", "result_backend", "task_always_eager")
        saved = {key: celery_app.conf[key] for key in keys}
        celery_app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
        _reset_connections(celery_app)
        try:
            yield
        finally:
            celery_app.conf.update(saved)
            _reset_connections(celery_app)

    return use


# --- Celery workers ---------------------------------------------------------------------


class Worker:
    """One `celery -A config worker` subprocess in its own process group."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path):
        self.name = name
        self.log_path = log_path
        log = log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--hostname={name}@drill",
                "--loglevel=INFO",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 45) -> None:
        ready = wait_for(
            lambda: " ready." in self.log() or self.process.poll() is not None, timeout=timeout
        )
        if not ready or self.process.poll() is not None:
            end_process(self.process)
            pytest.fail(f"worker {self.name} did not start:\n{tail(self.log_path)}")

    def kill(self) -> None:
        """SIGKILL the whole worker: no warm shutdown, no acknowledgement, no clean-up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        # Teardown only: the drill is over, so a short warm shutdown, then SIGKILL.
        end_process(self.process, grace=3)


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    """Where the workers' drill email backend writes one file per message sent."""
    path = tmp_path / "mail"
    path.mkdir()
    return path


def sent_mail(mail_dir: Path) -> list[Path]:
    return sorted(mail_dir.glob("*.eml"))


@pytest.fixture
def celery_workers(db, tmp_path, mail_dir) -> Iterator[Callable[..., Worker]]:
    """Start real worker subprocesses on the test database; all are ended in teardown.

    The test must commit its data (django_db(transaction=True)): the workers are other
    processes with their own connections.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable(
            "needs PostgreSQL: the drill's worker processes share the test database, "
            f"which is {connection.vendor} here; set DATABASE_URL=postgres://..."
        )
    started: list[Worker] = []
    settings_dict = connection.settings_dict
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    database_url = f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"

    def start(name: str, *, redis_url: str, **extra: str) -> Worker:
        env = base_env(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            DRILL_MAIL_DIR=str(mail_dir),
            MEDIA_ROOT=str(tmp_path / "media"),
            **extra,
        )
        worker = Worker(name, env, tmp_path / f"worker-{name}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


# --- A private PostgreSQL cluster -------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivateCluster:
    """A throwaway PostgreSQL cluster on a free port, trust authentication on loopback."""

    def __init__(self, bin_dir: Path, root: Path, run_as: str | None):
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = free_port()
        self.run_as = run_as

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        # Output to a file, not a pipe: a server started by pg_ctl inherits the descriptors,
        # and a pipe would then never reach end-of-file.
        output = self.root / "ctl.log"
        with output.open("ab") as handle:
            completed = subprocess.run(
                command,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
                cwd=self.root,
            )
        if completed.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({completed.returncode}):\n"
                f"{tail(output)}\n{tail(self.log)}"
            )

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30",
            "start",
        )  # fmt: skip

    def restart(self) -> None:
        """A fast restart: every open connection is cut, as when the server is restarted."""
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "30",
            "restart",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def connect(self, name: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=name,
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self, name: str) -> str:
        from psycopg import sql

        with self.connect() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        unavailable("needs the PostgreSQL server programs (initdb, pg_ctl) for a private cluster")
    run_as = None
    if os.geteuid() == 0:
        # initdb refuses to run as root: the cluster belongs to the postgres user.
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root, but there is no postgres user to own a private cluster")
        if shutil.which("runuser") is None:
            unavailable("running as root, but runuser is missing to start initdb as postgres")
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="conduct-drill-pg-"))
    if run_as:
        os.chown(root, account.pw_uid, account.pw_gid)
    cluster = PrivateCluster(bin_dir, root, run_as)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
