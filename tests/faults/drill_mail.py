"""An email backend for the drills: one file per message, and a way to hang mid-send.

Each message becomes `<random>.eml` in DRILL_MAIL_DIR, written atomically, so a test
counts what was really sent across processes. While a file named HOLD exists in that
directory, sending first drops a `started-<pid>` marker and then waits (at most a
minute): the task is then running, between claiming its row and finishing the send,
which is where the kill drill kills the worker.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

HOLD_LIMIT_SECONDS = 60


class DrillEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["DRILL_MAIL_DIR"])
        hold = directory / "HOLD"
        sent = 0
        for message in email_messages:
            if hold.exists():
                (directory / f"started-{os.getpid()}").touch()
                deadline = time.monotonic() + HOLD_LIMIT_SECONDS
                while hold.exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
            name = uuid.uuid4().hex
            partial = directory / f".{name}.partial"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(directory / f"{name}.eml")
            sent += 1
        return sent
