"""Thin Celery adapter for running a confirmed import."""

from celery import shared_task

from . import services


@shared_task
def run_import(batch_id: int) -> int:
    """Import a confirmed batch; a second delivery of the same batch creates nothing."""
    return services.batch_run(batch_id)
