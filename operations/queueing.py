"""Background jobs queued after commit, and the sweep that queues any that were missed.

The row (an export job, an import batch, an approved disposal) is the durable record of
work to do; the queued task is only a nudge. When the broker cannot be reached at commit
time the action the person took has already been saved, so the failure is logged, not
shown to them as a server error, and `requeue_stalled_jobs` (every few minutes, from
beat) queues the row again. Every task it queues claims its row first, so a job queued
twice runs once.
"""

from __future__ import annotations

import datetime as dt
import logging

import kombu.exceptions
import redis.exceptions
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# What queuing a task raises when the broker cannot be reached (or is being skipped by
# the circuit breaker, whose BrokerUnavailable is a kombu OperationalError).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.RedisError,
    ConnectionError,
    OSError,
)

# A row younger than this is left to the task its own commit queued.
GRACE = dt.timedelta(minutes=2)
SWEEP_LIMIT = 100


def queue(task, *args) -> bool:
    """Queue `task` now; False (logged) when the broker cannot be reached."""
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.warning(
            "Could not queue %s%r (%s: %s); the periodic sweep will queue it again.",
            task.name,
            args,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def queue_on_commit(task, *args) -> None:
    """Queue `task` once the current transaction commits, never failing the request."""
    transaction.on_commit(lambda: queue(task, *args))


def requeue_stalled_jobs(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again every job whose task was never queued or whose worker died: waiting
    exports and imports older than GRACE, abandoned running ones, and approved disposals
    still not done. Returns how many of each were queued."""
    from imports.models import ImportBatch
    from imports.services import STALE_AFTER
    from imports.tasks import run_import
    from records.models import RetentionSchedule
    from records.tasks import dispose_concern
    from reporting.export_jobs import CLAIM_TIMEOUT
    from reporting.models import ExportJob
    from reporting.tasks import build_export

    now = now or timezone.now()
    exports = ExportJob.objects.filter(
        Q(state=ExportJob.State.QUEUED, created_at__lt=now - GRACE)
        | Q(state=ExportJob.State.RUNNING, started_at__lt=now - CLAIM_TIMEOUT)
    ).values_list("pk", flat=True)[:SWEEP_LIMIT]
    imports = ImportBatch.objects.filter(
        Q(state=ImportBatch.State.CONFIRMED, heartbeat_at__lt=now - GRACE)
        | Q(
            state=ImportBatch.State.CONFIRMED,
            heartbeat_at__isnull=True,
            confirmed_at__lt=now - GRACE,
        )
        | Q(state=ImportBatch.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    ).values_list("pk", flat=True)[:SWEEP_LIMIT]
    disposals = RetentionSchedule.objects.filter(
        approved_at__lt=now - GRACE, disposed_at__isnull=True
    ).values_list("concern_id", flat=True)[:SWEEP_LIMIT]

    queued = {"exports": 0, "imports": 0, "disposals": 0}
    for key, task, ids in (
        ("exports", build_export, exports),
        ("imports", run_import, imports),
        ("disposals", dispose_concern, disposals),
    ):
        for pk in ids:
            if not queue(task, pk):
                return queued  # the broker is down: the next sweep tries again
            queued[key] += 1
    return queued
