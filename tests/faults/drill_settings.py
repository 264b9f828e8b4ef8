"""Settings for the processes the fault drills start (Celery workers, gunicorn).

The test settings, plus an email backend that writes each message to a file the test
can count, and the knobs a drill shortens from the environment: the broker's
visibility timeout (how long Redis waits before handing an unacknowledged task to
another worker), the outbox claim timeout (NOTIFICATION_CLAIM_TIMEOUT, at least 90 s
in a deployment) and, for the control case, CONN_HEALTH_CHECKS.

Production keeps Redis's visibility timeout (1 hour) longer than the claim timeout
(2 minutes), so a task redelivered after a crash finds the claim expired and sends; the
kill drill keeps that order but shrinks both to seconds.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, REDIS_URL

EMAIL_BACKEND = "tests.faults.drill_mail.DrillEmailBackend"
# As in production: with a broker, a task that queues another sends it through the broker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL

if os.environ.get("DRILL_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["DRILL_VISIBILITY_TIMEOUT"]),
        # Sweep for abandoned tasks every second instead of every 100 s.
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if os.environ.get("DRILL_CLAIM_TIMEOUT"):
    NOTIFICATION_CLAIM_TIMEOUT = int(os.environ["DRILL_CLAIM_TIMEOUT"])

if os.environ.get("DRILL_CONN_HEALTH_CHECKS") == "false":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
