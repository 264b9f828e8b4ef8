"""The case file: asked for by HR, built on a worker with progress, downloaded as a
recorded access, deleted when it expires.

`case_file_start` records the request as an event naming the purpose and the kinds of
thing left out (never the names HR listed) and queues the build after commit; in the
embedded default (eager Celery) the build runs there and then. `case_file_build` is safe
to run twice (a finished job, or one another worker holds, is left alone; one whose
worker died is taken over). `case_file_expire` deletes files older than
CASE_FILE_KEEP_HOURS, and queues again a job whose task was lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone

from audit.access import access_record
from audit.chain import record_event
from audit.models import AccessRecord, EventKind
from config.errors import Refused
from incidents import permissions
from incidents.documents.pdf import render_pdf_template_with_pages
from incidents.models import CaseFileJob, Concern
from operations.queueing import queue, queue_on_commit

from .content import build_context
from .options import CaseFileOptions

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died (longer than the task's hard
# time limit), so a redelivered or requeued task takes the job over.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
# A job still waiting this long after it was asked for lost its task (the broker was down).
GRACE = dt.timedelta(minutes=2)
PDF_TYPE = "application/pdf"


def case_file_start(*, concern: Concern, actor, options: CaseFileOptions) -> CaseFileJob:
    """Ask for a case file; the event says for what and what is left out."""
    from .tasks import build_case_file

    with transaction.atomic():
        if not permissions.can_produce_case_file(actor, concern):
            raise Refused("You cannot produce a case file of this concern.", status=403)
        job = CaseFileJob.objects.create(
            concern=concern, requested_by=actor, options=options.to_json()
        )
        record_event(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=actor,
            kind=EventKind.CASE_FILE_REQUESTED,
            after={"job": job.pk, **options.for_event()},
        )
        queue_on_commit(build_case_file, job.pk)
    return job


def _set(job_id: int, **fields) -> None:
    CaseFileJob.objects.filter(pk=job_id).update(**fields)


def case_file_build(job_id: int) -> None:
    """Build the PDF. The requester's permission is checked again on the worker: a
    concern restricted or reassigned in the meantime produces nothing."""
    now = timezone.now()
    abandoned = Q(state=CaseFileJob.State.RUNNING, started_at__lt=now - CLAIM_TIMEOUT)
    claimed = (
        CaseFileJob.objects.filter(pk=job_id)
        .filter(Q(state=CaseFileJob.State.QUEUED) | abandoned)
        .update(state=CaseFileJob.State.RUNNING, progress=5, started_at=now)
    )
    if not claimed:
        return
    job = CaseFileJob.objects.select_related("requested_by", "concern").get(pk=job_id)
    try:
        concern = Concern.objects.select_related("organisation", "subject").get(pk=job.concern_id)
        if not permissions.can_produce_case_file(job.requested_by, concern):
            _set(
                job_id,
                state=CaseFileJob.State.FAILED,
                error="no longer permitted",
                finished_at=timezone.now(),
            )
            return
        options = CaseFileOptions.from_json(job.options)
        shown = [5]

        def progress(value: int) -> None:
            # A write per step of 10 at most: each one is a commit of its own.
            if value >= shown[0] + 10:
                shown[0] = value
                _set(job_id, progress=value)

        context = build_context(
            user=job.requested_by, concern=concern, options=options, progress=progress
        )
        content, pages = render_pdf_template_with_pages("documents/case_file.html", context)
        _set(job_id, progress=95)
        job.file.save("casefile", ContentFile(content), save=False)
        _set(
            job_id,
            file=job.file.name,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            pages=pages,
            state=CaseFileJob.State.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
    except Exception as exc:
        _set(
            job_id,
            state=CaseFileJob.State.FAILED,
            error=str(exc)[:500],
            finished_at=timezone.now(),
        )
        raise


def case_file_download(*, job: CaseFileJob, user) -> FileResponse:
    """The PDF as an attachment, with an event (its hash) and an access record."""
    concern = job.concern
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=user,
        kind=EventKind.CASE_FILE_DOWNLOADED,
        after={"job": job.pk, "sha256": job.sha256, "pages": job.pages},
    )
    access_record(
        concern=concern,
        user=user,
        action=AccessRecord.Action.DOWNLOADED,
        detail="case file (PDF)",
    )
    stamp = timezone.localdate(job.finished_at or job.created_at).isoformat()
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"case-file-{concern.reference}-{stamp}.pdf",
        content_type=PDF_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=settings.CASE_FILE_KEEP_HOURS)


def expires_at(job: CaseFileJob) -> dt.datetime | None:
    return job.finished_at + keep_for() if job.finished_at else None


def _delete_file(job: CaseFileJob) -> None:
    if job.file.name:
        try:
            job.file.storage.delete(job.file.name)
        except OSError:
            logger.exception("Could not delete an expired case file; remove it by hand")


def _expire(job: CaseFileJob) -> bool:
    claimed = CaseFileJob.objects.filter(pk=job.pk, state=job.state).update(
        state=CaseFileJob.State.EXPIRED,
        file="",
        options={**job.options, "extra_names": []},
    )
    if claimed:
        _delete_file(job)
    return bool(claimed)


def case_file_current(job: CaseFileJob, *, now: dt.datetime | None = None) -> CaseFileJob:
    """The job as it stands now: one past its time is expired there and then, so a file is
    never served late because the periodic sweep has not run yet."""
    due = expires_at(job)
    if job.state == CaseFileJob.State.DONE and due is not None and due <= (now or timezone.now()):
        _expire(job)
        job.refresh_from_db()
    return job


def case_file_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of case files finished more than CASE_FILE_KEEP_HOURS ago (and of
    failed ones), forget the names HR listed, and queue again any job whose task was
    lost. Idempotent: each job is claimed by a conditional update. Returns how many expired."""
    from .tasks import build_case_file

    now = now or timezone.now()
    due = CaseFileJob.objects.filter(
        state__in=(CaseFileJob.State.DONE, CaseFileJob.State.FAILED),
        finished_at__lt=now - keep_for(),
    )
    expired = 0
    for job in due.iterator():
        expired += _expire(job)
    stalled = CaseFileJob.objects.filter(
        Q(state=CaseFileJob.State.QUEUED, created_at__lt=now - GRACE)
        | Q(state=CaseFileJob.State.RUNNING, started_at__lt=now - CLAIM_TIMEOUT)
    ).values_list("pk", flat=True)[:100]
    for pk in stalled:
        if not queue(build_case_file, pk):
            break  # the broker is down: the next sweep tries again
    return expired


def case_files_delete_for(concern_id: int) -> int:
    """Delete every case file of a concern (at its disposal): rows and files."""
    jobs = list(CaseFileJob.objects.filter(concern_id=concern_id))
    CaseFileJob.objects.filter(concern_id=concern_id).delete()
    for job in jobs:
        _delete_file(job)
    return len(jobs)
