"""Thin Celery adapters for retention and disposal. No result is stored (ignore_result)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def list_due_disposals() -> int:
    """List concerns whose retention period has ended, for an HR manager to approve."""
    return services.list_due_disposals()


@shared_task(ignore_result=True)
def dispose_concern(concern_id: int) -> bool:
    """Dispose of one approved concern. A second delivery finds nothing to do."""
    return services.concern_dispose(concern_id) is not None
