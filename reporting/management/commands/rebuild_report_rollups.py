"""Rebuild the dashboard's pre-aggregated counts (see incidents/rollups.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from reporting import rollups


class Command(BaseCommand):
    help = (
        "Recount the dashboard rollups from the concerns: every month of every organisation, "
        "or with --changed only the months touched by events since the last refresh."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--changed",
            action="store_true",
            help="Only the months changed since the last refresh (what the beat job does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = rollups.refresh_all(full=not options["changed"])
        self.stdout.write(
            f"Rollups refreshed for {len(written)} organisation(s): "
            f"{sum(written.values()):,} rows in {time.perf_counter() - started:.1f}s."
        )
