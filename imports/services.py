"""Writes for spreadsheet imports: keep a checked file, confirm it, run it in the background.

Nothing about concerns is written until an HR manager confirms. The run creates each
row's concern through the intake services (a draft, then submission through the
workflow table, backdated to the reported date), in its own transaction, guarded by
the row's fingerprint so that a rerun, a second delivery of the task or another file
with the same row creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused
from incidents.evidence.storage import file_sha256
from incidents.intake import services as intake
from operations.queueing import queue_on_commit

from .checking import RowCheck, check_rows
from .models import ImportBatch, ImportedRow
from .parsing import Table, read_table

logger = logging.getLogger(__name__)

# A run that has shown no sign of life for this long is taken to have died with its
# worker; the task may then be run again and carries on where it stopped.
STALE_AFTER = dt.timedelta(minutes=10)
PROGRESS_EVERY = 25  # rows between progress updates


@dataclass(frozen=True)
class RunResult:
    created: int  # concerns this run created
    more: bool  # stopped for time: another slice is needed


@dataclass(frozen=True)
class DryRun:
    batch: ImportBatch
    checks: list[RowCheck]

    @property
    def to_create(self) -> list[RowCheck]:
        return [check for check in self.checks if check.outcome == "create"]


def _counts(checks: list[RowCheck]) -> dict[str, int]:
    return {
        "total_rows": len(checks),
        "valid_rows": sum(check.outcome == "create" for check in checks),
        "problem_rows": sum(check.outcome == "problems" for check in checks),
        "duplicate_rows": sum(check.outcome == "already" for check in checks),
    }


def batch_check(*, user, content: bytes, name: str) -> tuple[ImportBatch, list[RowCheck]]:
    """Keep the uploaded file as a checked batch and say what each row would do.

    Raises ValidationError (nothing kept) if the file cannot be read at all.
    """
    table = read_table(content)
    checks = check_rows(organisation=user.organisation, importer=user, rows=table.rows)
    with transaction.atomic():
        batch = ImportBatch(
            organisation=user.organisation,
            uploaded_by=user,
            original_name=(name or "import")[-255:],
            file_format=table.file_format,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            **_counts(checks),
        )
        batch.file.save("upload", ContentFile(content), save=False)
        batch.save()
    return batch, checks


def _read_batch(batch: ImportBatch) -> Table:
    """The batch's stored file, parsed again after checking it has not changed."""
    if not batch.file:
        raise Refused(
            "The uploaded file has been deleted (files are kept only until the import ends "
            "or expires). Upload it again."
        )
    if file_sha256(batch.file) != batch.sha256:
        raise Refused(
            "The stored file no longer matches the one you uploaded, so it will not be "
            "imported. Upload it again."
        )
    with batch.file.open("rb") as handle:
        return read_table(handle.read())


def batch_dry_run(*, batch: ImportBatch) -> DryRun:
    """What the batch would do now, row by row (rows imported meanwhile show as such)."""
    table = _read_batch(batch)
    checks = check_rows(
        organisation=batch.organisation, importer=batch.uploaded_by, rows=table.rows
    )
    return DryRun(batch=batch, checks=checks)


def batch_confirm(*, batch: ImportBatch, actor) -> ImportBatch:
    """Confirm a checked batch and queue its run. Only once, and only if a row is valid."""
    from .tasks import run_import

    dry_run = batch_dry_run(batch=batch)
    if not dry_run.to_create:
        raise Refused(
            "No row of this file can be imported: every row has a problem or was imported "
            "before. Correct the file and upload it again."
        )
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.CHECKED).update(
            state=ImportBatch.State.CONFIRMED,
            confirmed_by=actor,
            confirmed_at=timezone.now(),
            **_counts(dry_run.checks),
        )
        if not claimed:
            raise Refused("This import has already been confirmed.")
        record_event(
            organisation_id=batch.organisation_id,
            actor=actor,
            kind=EventKind.IMPORT_CONFIRMED,
            after={
                "batch": batch.pk,
                "file_sha256": batch.sha256,
                "rows": len(dry_run.checks),
                "to_create": len(dry_run.to_create),
            },
        )
        queue_on_commit(run_import, batch.pk)
    batch.refresh_from_db()
    return batch


def _claim(batch_id: int) -> bool:
    now = timezone.now()
    waiting = Q(state=ImportBatch.State.CONFIRMED)
    stale = Q(state=ImportBatch.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    return bool(
        ImportBatch.objects.filter(waiting | stale, pk=batch_id).update(
            state=ImportBatch.State.RUNNING, heartbeat_at=now
        )
    )


def _backdated(day: dt.date) -> dt.datetime:
    """The reported day, at midnight local time (the time of day is not known)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _import_row(*, batch: ImportBatch, check: RowCheck) -> str:
    """Create one row's concern, or nothing if its fingerprint is already imported.

    Returns "created", "already" or a problem in words.
    """
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = ImportedRow.objects.create(
                        organisation_id=batch.organisation_id,
                        batch=batch,
                        row_number=check.number,
                        fingerprint=check.fingerprint,
                    )
            except IntegrityError:
                return "already"
            at = _backdated(check.reported_on)
            concern = intake.concern_create_draft(reporter=check.reporter, data=check.data, at=at)
            concern = intake.concern_submit(
                concern=concern,
                actor=check.reporter,
                expected_version=concern.version,
                at=at,
                imported=True,
            )
            row.concern = concern
            row.save(update_fields=["concern"])
            record_event(
                organisation_id=batch.organisation_id,
                concern=concern,
                actor=batch.confirmed_by,
                kind=EventKind.IMPORTED,
                after={
                    "batch": batch.pk,
                    "row": check.number,
                    "note": f"Imported from spreadsheet import {batch.pk}, row {check.number}. "
                    "Earlier entries carry the dates given in the spreadsheet.",
                },
            )
    except (Refused, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return f"Could not be imported: {message}"
    return "created"


def _release(batch: ImportBatch) -> None:
    """Hand a running batch back to the queue; the next slice carries on from the rows left."""
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.RUNNING).update(
        state=ImportBatch.State.CONFIRMED, heartbeat_at=timezone.now()
    )


def batch_run(batch_id: int, *, budget_seconds: float | None = None) -> RunResult:
    """Import a confirmed batch. Safe to run twice: a batch is claimed once, rows once.

    With a time budget, stops after about that long and answers `more`: the caller queues
    the next slice, which skips the rows already imported (their fingerprints).
    """
    if not _claim(batch_id):
        return RunResult(created=0, more=False)
    started = time.monotonic()
    batch = ImportBatch.objects.select_related("organisation", "uploaded_by", "confirmed_by").get(
        pk=batch_id
    )
    try:
        checks = batch_dry_run(batch=batch).checks
        created = 0
        skipped = []
        for index, check in enumerate(checks, start=1):
            if check.outcome == "problems":
                skipped.append({"row": check.number, "problems": check.problems})
            elif check.outcome == "create":
                result = _import_row(batch=batch, check=check)
                if result == "created":
                    created += 1
                elif result != "already":
                    skipped.append({"row": check.number, "problems": [result]})
            if index % PROGRESS_EVERY == 0:
                ImportBatch.objects.filter(pk=batch.pk).update(
                    progress=min(99, int(100 * index / len(checks))), heartbeat_at=timezone.now()
                )
            # Out of time once this slice has created something (so every slice moves on,
            # and slices end): the rows left go to the next slice.
            out_of_time = budget_seconds is not None and time.monotonic() - started > budget_seconds
            if out_of_time and created and index < len(checks):
                _release(batch)
                return RunResult(created=created, more=True)
    except Exception as exc:
        logger.exception("Import %s failed", batch_id)
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                state=ImportBatch.State.FAILED,
                error=str(exc)[:500] if isinstance(exc, Refused) else "",
                finished_at=timezone.now(),
            )
            _delete_file(batch)
        raise
    # Count from the rows themselves, so a run resumed after a lost worker counts the
    # concerns its first attempt created too.
    created_rows = ImportedRow.objects.filter(batch=batch, concern__isnull=False).count()
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.DONE,
            progress=100,
            created_rows=created_rows,
            duplicate_rows=len(checks) - len(skipped) - created_rows,
            problem_rows=len(skipped),
            skipped=skipped,
            finished_at=timezone.now(),
        )
        record_event(
            organisation_id=batch.organisation_id,
            actor=batch.confirmed_by,
            kind=EventKind.IMPORT_FINISHED,
            after={
                "batch": batch.pk,
                "created": created_rows,
                "already_imported": len(checks) - len(skipped) - created_rows,
                "skipped": len(skipped),
                "file_deleted": True,
            },
        )
        _delete_file(batch)
    return RunResult(created=created, more=False)


# --- The uploaded file's life ---------------------------------------------------------------


def _delete_file(batch: ImportBatch) -> None:
    """Forget the stored spreadsheet; the storage file goes once the transaction commits.

    The file names employees and describes allegations: once its rows are concerns (which
    have their own retention and disposal), or it will never be imported, it is not kept.
    """
    name = batch.file.name
    if not name:
        return
    ImportBatch.objects.filter(pk=batch.pk).update(file="")
    storage = batch.file.storage
    transaction.on_commit(lambda: storage.delete(name))


def expire_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Expire checked uploads left unconfirmed for `IMPORT_UNCONFIRMED_DAYS`; delete their
    files. Idempotent: an expired batch is not found again. Returns how many expired."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IMPORT_UNCONFIRMED_DAYS)
    expired = 0
    stale = ImportBatch.objects.filter(state=ImportBatch.State.CHECKED, created_at__lt=cutoff)
    for batch in stale.order_by("pk").iterator():
        with transaction.atomic():
            claimed = ImportBatch.objects.filter(
                pk=batch.pk, state=ImportBatch.State.CHECKED
            ).update(state=ImportBatch.State.EXPIRED, finished_at=now)
            if not claimed:
                continue  # confirmed meanwhile
            _delete_file(batch)
            record_event(
                organisation_id=batch.organisation_id,
                actor=None,
                kind=EventKind.IMPORT_EXPIRED,
                after={
                    "batch": batch.pk,
                    "file_sha256": batch.sha256,
                    "days": settings.IMPORT_UNCONFIRMED_DAYS,
                    "file_deleted": True,
                },
            )
            expired += 1
    return expired
