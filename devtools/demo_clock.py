"""A simulated clock, so the demo's history is made by the real services at the moment
each step happened.

Only the workflow's `transition()` and intake take a time of their own (`at=`); triage,
assignment, fairness steps, findings, notes, questions and links use Django's clock. The
demo loader runs each step inside `clock_at(moment)`, so every row and every event the
services write carries that moment, due dates count from it, and a check such as "the
response date has passed" is asked of that day. Nothing is written around the services.

Development only (the demo loader is refused with DEBUG off) and single-threaded: it
replaces the `datetime` that `django.utils.timezone.now()` reads, for the block only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone as django_timezone


@contextlib.contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, `timezone.now()` (and so `localdate()`) answers `moment`."""
    if django_timezone.is_naive(moment):
        raise ValueError("Give the demo clock an aware datetime.")

    class _Simulated(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    with mock.patch.object(django_timezone, "datetime", _Simulated):
        yield
