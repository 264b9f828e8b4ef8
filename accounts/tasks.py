"""Thin Celery adapter for session clean-up. No result is stored (ignore_result)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Remove expired sessions from the database. Safe to run any number of times."""
    call_command("clearsessions")
