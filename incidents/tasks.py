"""Thin Celery adapters: load, call the service, return a number for the logs.

No task stores its result (ignore_result): nobody waits for one (notifications/tasks.py).
"""

from celery import shared_task

from incidents.casefile.tasks import build_case_file, expire_case_files  # noqa: F401 (registers them)
from incidents.casework import services as casework
from incidents.evidence import storage as evidence_storage
from incidents.intake import learning


@shared_task(ignore_result=True)
def escalate_overdue_concerns() -> int:
    """Escalate concerns past their stage's due date. Idempotent: each stage escalates once."""
    return casework.escalate_overdue()


@shared_task(ignore_result=True)
def purge_staged_uploads() -> int:
    """Remove evidence files kept for forms that were never completed (older than a day)."""
    return evidence_storage.purge_staged_uploads()


@shared_task(ignore_result=True)
def train_suggestion_models() -> int:
    """Retrain each organisation's section-suggestion model. Idempotent: unchanged data
    writes nothing, and each file is replaced atomically."""
    return learning.train_all_suggestion_models()


@shared_task(ignore_result=True)
def remind_disclosure_clocks() -> int:
    """Remind coordinators of public interest disclosure steps coming due. Idempotent: each
    clock's due date is claimed once (incidents.disclosures.services)."""
    from incidents.disclosures import services as disclosures

    return disclosures.remind_disclosure_clocks()


@shared_task(ignore_result=True)
def remind_interim_reviews() -> int:
    """Remind HR of interim measures past their review date. Idempotent: once per date."""
    from incidents.casework.interim import remind_interim_reviews as remind

    return remind()
