"""Imported by the drill workers (`celery worker --include=tests.faults.drill_hooks`).

The outbox treats a claim older than `notifications.services.CLAIM_TIMEOUT` (10 minutes)
as abandoned by a dead worker. In production that is shorter than Redis's visibility
timeout (1 hour), so a task redelivered after a crash finds the claim expired and sends.
The kill drill keeps that order but shrinks both to seconds: DRILL_CLAIM_TIMEOUT here,
DRILL_VISIBILITY_TIMEOUT in drill_settings.
"""

import os
from datetime import timedelta

from notifications import services

if os.environ.get("DRILL_CLAIM_TIMEOUT"):
    services.CLAIM_TIMEOUT = timedelta(seconds=float(os.environ["DRILL_CLAIM_TIMEOUT"]))
