"""Thin Celery adapters for operations. No result is stored (ignore_result)."""

from celery import shared_task

from . import queueing


@shared_task(ignore_result=True)
def requeue_stalled_jobs() -> int:
    """Queue again exports, imports and disposals whose task was lost. Idempotent."""
    return sum(queueing.requeue_stalled_jobs().values())
