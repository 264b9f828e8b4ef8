"""The periodic jobs in the embedded default (no REDIS_URL: SQLite, Celery eager).

Production runs them with Celery beat (CELERY_BEAT_SCHEDULE, docker-compose.yml). With no
broker there is no beat, so escalations, reminders (interim measures due for review among
them) and the dashboard rollups would never
run and a newcomer would see "Ever escalated 0" beside concerns long past due. So
`manage.py runserver` in that mode starts one daemon thread that reads the same
CELERY_BEAT_SCHEDULE and runs each job in-process when it is due (every schedule given in
seconds runs once at start, crontab ones wait for their time). A thread, not a check on
each request: a request never pays for a job, and the jobs run while nobody browses.
Only runserver starts it (in the autoreloader's child, or with --noreload); tests, shells,
management commands and gunicorn never do, and with REDIS_URL set beat does the work.
Every job is idempotent (they claim rows with conditional updates), so a job that
overlaps a request's own work does no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping

from celery.schedules import crontab, schedule

logger = logging.getLogger(__name__)
TICK_SECONDS = 30
_started = threading.Event()


def should_start(argv: list[str], environ: Mapping[str, str], *, eager: bool) -> bool:
    if not eager or len(argv) < 2 or argv[1] != "runserver":
        return False
    if environ.get("EMBEDDED_BEAT", "on").lower() in ("off", "0", "false", "no"):
        return False
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def _as_schedule(value):
    if hasattr(value, "remaining_estimate"):  # a celery schedule or crontab already
        return value
    return schedule(run_every=dt.timedelta(seconds=value))


def due(entries: Mapping[str, dict], last_runs: dict[str, dt.datetime], now: dt.datetime) -> list:
    """The names of the jobs to run now. A job in seconds that never ran is due at once;
    a crontab one waits for its next time."""
    names = []
    for name, entry in entries.items():
        every = _as_schedule(entry["schedule"])
        last = last_runs.get(name)
        if last is None:
            if isinstance(every, crontab):
                last_runs[name] = now
                continue
            names.append(name)
            continue
        remaining = every.remaining_estimate(last)
        if remaining.total_seconds() <= 0:
            names.append(name)
    return names


def run_due(
    entries: Mapping[str, dict],
    last_runs: dict[str, dt.datetime],
    now: dt.datetime,
    run: Callable[[str], None],
) -> list[str]:
    ran = []
    for name in due(entries, last_runs, now):
        last_runs[name] = now
        try:
            run(entries[name]["task"])
            ran.append(name)
        except Exception:
            logger.exception("Embedded periodic job %s failed; it runs again when next due", name)
    return ran


def _run_task(task_name: str) -> None:
    from django.db import close_old_connections

    from config.celery_app import app

    app.loader.import_default_modules()  # registers every task (once)
    close_old_connections()
    try:
        app.tasks[task_name].apply()  # in this thread, as eager mode runs every task
    finally:
        close_old_connections()


def _loop() -> None:
    from django.conf import settings
    from django.utils import timezone

    from config.celery_app import app

    app.loader.import_default_modules()
    last_runs: dict[str, dt.datetime] = {}
    while True:
        run_due(settings.CELERY_BEAT_SCHEDULE, last_runs, timezone.now(), _run_task)
        time.sleep(TICK_SECONDS)


def start_if_embedded() -> bool:
    """Start the scheduler thread once, when `should_start` says so."""
    from django.conf import settings

    if _started.is_set() or not should_start(
        sys.argv, os.environ, eager=settings.CELERY_TASK_ALWAYS_EAGER
    ):
        return False
    _started.set()
    threading.Thread(target=_loop, name="embedded-beat", daemon=True).start()
    logger.info("Embedded mode: periodic jobs run in this process (config/embedded_beat.py)")
    return True
