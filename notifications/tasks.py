"""Thin Celery adapters: ids in, call the service, own the retry."""

from __future__ import annotations

from celery import shared_task

from . import services


# ignore_result on every task of the project (tests/test_celery.py checks it): nobody
# waits for a result, and with a Redis result backend a call to delay() (beat's, too)
# would otherwise first subscribe to the result channel, which retries for about 20 s and
# then raises RuntimeError when Redis is down, instead of failing fast with OperationalError.
# The time limits keep a send shorter than its claim (services.claim_timeout), so a claim
# that has expired belongs to a worker that is gone.
@shared_task(
    bind=True,
    max_retries=5,
    ignore_result=True,
    time_limit=services.SEND_TIME_LIMIT,
    soft_time_limit=services.SEND_SOFT_TIME_LIMIT,
)
def send_notification(self, notification_id: int) -> bool:
    """Send one queued email. Idempotent: a row already sent is left alone.

    On a mail server failure the task retries with backoff (the row records each
    attempt). Run in-process (eager mode, no broker), it does not retry on the spot:
    the row keeps its error and the periodic resend tries again when it is due.
    """
    try:
        return services.deliver(notification_id)
    except services.SEND_ERRORS as exc:
        if self.request.is_eager:
            return False
        countdown = services.backoff_delay(self.request.retries + 1).total_seconds()
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(ignore_result=True)
def resend_unsent_notifications() -> int:
    """Periodic: queue unsent emails that are due. Safe to run twice."""
    return services.resend_unsent()
