from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guidance.loader import DEFAULT_CONTENT, GuidanceContentError, load_guidance


class Command(BaseCommand):
    help = "Load the Code of Conduct sections, platform categories and definitions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_CONTENT)

    def handle(self, *args, file: Path, **options):
        try:
            report = load_guidance(file)
        except GuidanceContentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Guidance loaded from {file.name}: {report.summary()}")
