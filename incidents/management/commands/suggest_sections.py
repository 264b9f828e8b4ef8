"""Suggest Code of Conduct sections for a concern description read from standard input.

    python manage.py suggest_sections < description.txt
    python manage.py suggest_sections --limit 5 < description.txt

Prints ``{"suggestions": [{"code", "title", "score", "reasons"}, ...]}`` as indented JSON.
The command never touches the database.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from incidents.intake.suggestions import DEFAULT_LIMIT, MAX_TEXT_CHARS, suggest_sections


class Command(BaseCommand):
    help = "Read a concern description from stdin and print suggested Code sections as JSON."

    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # Lets call_command("suggest_sections", stdin=io.StringIO(...)) supply the input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=DEFAULT_LIMIT,
            help=f"Maximum number of sections to suggest (default {DEFAULT_LIMIT}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit: int = options["limit"]
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        stream: TextIO = options.get("stdin") or sys.stdin
        # Only the first MAX_TEXT_CHARS characters are examined, but the whole input is
        # consumed so a producer piping into the command is never left blocked.
        text = stream.read()
        suggestions = suggest_sections(text[:MAX_TEXT_CHARS], limit=limit)
        payload = {"suggestions": [s.as_dict() for s in suggestions]}
        self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
