"""Drill: PostgreSQL is restarted between two requests.

Two gunicorn servers run the app against a private PostgreSQL cluster, each keeping its
database connection between requests (CONN_MAX_AGE). The cluster is restarted, which
cuts those connections. With the project's settings (CONN_HEALTH_CHECKS = True) the next
request notices the dead connection, opens a new one and succeeds. The second server
runs with CONN_HEALTH_CHECKS switched off, as a control: its first request after the
restart fails (with a 503 and Retry-After, not a 500), which shows the restart really
left a stale connection behind.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import REPO, VENV_BIN, base_env, end_process, free_port, tail, wait_for

PASSWORD = "drill-pass-2026"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Browser:
    """A signed-in visitor: cookies kept, redirects followed, errors returned as statuses."""

    def __init__(self, base_url: str, username: str):
        self.base_url = base_url
        self.username = username
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace")

    def sign_in(self) -> None:
        status, _, page = self.request("/accounts/sign-in/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, url, _ = self.request(
            "/accounts/sign-in/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status == 200 and "/sign-in/" not in url, (status, url)

    def my_concerns(self) -> tuple[int, str]:
        status, url, _ = self.request("/concerns/mine/")
        return status, url


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    base_url: str
    log_path: Path


def launch_server(name: str, env: dict[str, str], workdir: Path) -> Server:
    """gunicorn, one sync worker: one thread, so one connection kept between requests."""
    port = free_port()
    log_path = workdir / f"gunicorn-{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--no-control-socket",
                "--timeout=30",
                "--graceful-timeout=5",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, process, f"http://127.0.0.1:{port}", log_path)


def wait_until_serving(server: Server) -> None:
    def answers() -> bool:
        if server.process.poll() is not None:
            return True
        try:
            with urllib.request.urlopen(server.base_url + "/accounts/sign-in/", timeout=2):  # noqa: S310
                return True
        except OSError:
            return False

    if not wait_for(answers, timeout=45, interval=0.2) or server.process.poll() is not None:
        pytest.fail(f"gunicorn {server.name} did not start:\n{tail(server.log_path)}")


def client_connections(cluster, database: str) -> int:
    with cluster.connect() as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND backend_type = 'client backend'",
            [database],
        ).fetchone()[0]


def copy_database(cluster, name: str, dump: Path) -> str:
    """Copy the (migrated) test database into the private cluster: faster than migrating."""
    from django.db import connection

    source = connection.settings_dict
    env = {**os.environ, "PGDATABASE": source["NAME"]}
    for key, setting in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if source.get(setting):
            env[key] = str(source[setting])
    if source.get("PASSWORD"):
        env["PGPASSWORD"] = source["PASSWORD"]
    url = cluster.create_database(name)
    for command, run_env in (
        ([cluster.bin_dir / "pg_dump", "--format=custom", "--no-owner", f"--file={dump}"], env),
        (
            [
                cluster.bin_dir / "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--host=127.0.0.1",
                f"--port={cluster.port}",
                "--username=postgres",
                f"--dbname={name}",
                dump,
            ],
            {**os.environ, "PGPASSWORD": ""},
        ),
    ):
        done = subprocess.run(
            [str(part) for part in command],
            env=run_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return url


def test_the_next_request_after_a_postgres_restart_succeeds(
    postgres, reporter, private_postgres, tmp_path
):
    reporter.set_password(PASSWORD)
    reporter.save()
    database = "conduct_drill"
    url = copy_database(private_postgres, database, tmp_path / "copy.dump")
    env = base_env(
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="60",
        MEDIA_ROOT=str(tmp_path / "media"),
        DRILL_MAIL_DIR=str(tmp_path),
        REDIS_URL="",  # no broker: nothing here may reach the shared Redis
    )

    servers = [
        launch_server("checked", env, tmp_path),
        # The control: the same server with CONN_HEALTH_CHECKS switched off.
        launch_server("unchecked", {**env, "DRILL_CONN_HEALTH_CHECKS": "false"}, tmp_path),
    ]
    try:
        for server in servers:
            wait_until_serving(server)
        checked, unchecked = (Browser(server.base_url, reporter.username) for server in servers)
        for browser in (checked, unchecked):
            browser.sign_in()
            status, final_url = browser.my_concerns()
            assert status == 200 and final_url.endswith("/concerns/mine/")
        # Each server holds its connection open between requests.
        assert client_connections(private_postgres, database) == 2

        private_postgres.restart()
        assert client_connections(private_postgres, database) == 0

        # The project's settings: the stale connection is noticed and replaced; the
        # person is still signed in (sessions live in the database, which kept them).
        status, final_url = checked.my_concerns()
        assert status == 200, tail(servers[0].log_path)
        assert final_url.endswith("/concerns/mine/")

        # The control, without health checks: the first request after the restart fails
        # on the dead connection, and says so as a 503 asking to try again in a moment
        # (config/middleware.py), not a 500; Django then discards the connection, and
        # the next request works.
        status, _, page = unchecked.request("/concerns/mine/")
        assert status == 503, tail(servers[1].log_path)
        assert "Please try again in a moment." in page
        status, final_url = unchecked.my_concerns()
        assert status == 200 and final_url.endswith("/concerns/mine/")
    finally:
        for server in servers:
            end_process(server.process)
