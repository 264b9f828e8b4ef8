from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Remove expired sessions from the database. Safe to run any number of times."""
    call_command("clearsessions")
