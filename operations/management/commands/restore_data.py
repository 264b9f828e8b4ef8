from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, PgTarget, restore


class Command(BaseCommand):
    # A backup or a restore must work even while a system check is failing.
    requires_system_checks = []
    help = (
        "Restore a backup_data directory into a new, empty PostgreSQL database and an empty "
        "media directory, then check every table's row count and every media file's SHA-256 "
        "against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="The directory backup_data wrote.")
        parser.add_argument(
            "--database-url",
            required=True,
            help="The empty database to restore into, e.g. postgres://user@host:5432/restored.",
        )
        parser.add_argument(
            "--media-root",
            default=None,
            help="Where to unpack the media (default: MEDIA_ROOT). Must be empty.",
        )

    def handle(self, *args, **options):
        source = Path(options["input"]).resolve()
        if not source.is_dir():
            raise CommandError(f"{source} is not a directory.")
        media_root = Path(options["media_root"] or settings.MEDIA_ROOT).resolve()
        try:
            target = PgTarget.from_url(options["database_url"])
            manifest = restore(
                source=source, target=target, media_root=media_root, log=self.stdout.write
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified {len(manifest['tables'])} tables ({rows} rows) and "
                f"{len(manifest['media'])} media files into {target.describe()}. "
                "Run manage.py verify_events against it to check the event record."
            )
        )
