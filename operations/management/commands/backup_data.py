from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from operations.backup import BackupError, PgTarget, backup


class Command(BaseCommand):
    # A backup or a restore must work even while a system check is failing.
    requires_system_checks = []
    help = (
        "Back up the database (pg_dump, custom format) and MEDIA_ROOT (tar.gz) into a new "
        "directory, with a manifest of row counts and SHA-256 sums. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="A new or empty directory for the backup."
        )
        parser.add_argument(
            "--database",
            default="default",
            help="The database alias to back up (default: the one DATABASE_URL names).",
        )

    def handle(self, *args, **options):
        alias = options["database"]
        if alias not in connections:
            raise CommandError(f"No database alias {alias!r} in settings.")
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"backup_data needs PostgreSQL; this database is {connection.vendor}. "
                "Set DATABASE_URL=postgres://... (SQLite files can simply be copied while "
                "the app is stopped)."
            )
        output = Path(options["output"]).resolve()
        try:
            manifest = backup(
                target=PgTarget.from_settings(connection.settings_dict),
                media_root=Path(settings.MEDIA_ROOT),
                output=output,
                log=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['tables'])} tables ({rows} rows) and "
                f"{len(manifest['media'])} media files to {output}."
            )
        )
