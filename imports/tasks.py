"""Thin Celery adapter for running a confirmed import. No result is stored (ignore_result)."""

from celery import shared_task

from operations.queueing import queue

from . import services

# Each run works for about this long, then queues the next slice, so a large file never
# meets the task time limit (CELERY_TASK_SOFT_TIME_LIMIT, 240 s by default).
SLICE_SECONDS = 120


@shared_task(ignore_result=True)
def run_import(batch_id: int) -> int:
    """Import a confirmed batch; a second delivery of the same batch creates nothing."""
    result = services.batch_run(batch_id, budget_seconds=SLICE_SECONDS)
    if result.more:
        # The batch is back in the queue's state; if the broker is down now, the sweep
        # (operations.queueing.requeue_stalled_jobs) carries on with it.
        queue(run_import, batch_id)
    return result.created


@shared_task(ignore_result=True)
def expire_unconfirmed_imports() -> int:
    """Daily: uploads never confirmed expire and their files are deleted."""
    return services.expire_unconfirmed()
