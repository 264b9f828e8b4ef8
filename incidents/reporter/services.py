"""Writes on the reporter's side after submitting, and HR's questions to the reporter.

Each service is atomic, keyword-only, checks its rule (incidents.permissions), leaves an
event without the words typed (they stay in their own row, which disposal destroys), and
queues a content-free email for after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from audit.chain import record_event, redact_concern_events
from audit.models import EventKind
from config.errors import Refused
from incidents import permissions
from incidents.evidence.previews import delete_previews
from incidents.intake.services import evidence_add
from incidents.models import (
    Concern,
    Evidence,
    Person,
    ReporterAddition,
    ReporterQuestion,
    Status,
)
from notifications.models import Kind
from notifications.services import notify

logger = logging.getLogger(__name__)

MAX_TEXT = 5_000


def _lock(concern: Concern) -> Concern:
    return (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=concern.pk)
    )


def _reporter_refusal(concern: Concern) -> Refused:
    if not concern.is_open and concern.status != Status.DRAFT:
        return Refused(permissions.REPORTER_CLOSED)
    return Refused("You are not allowed to do that to this concern.")


@dataclass(frozen=True)
class EvidenceUpload:
    """One file the reporter adds, with its capture details (as intake takes them)."""

    upload: UploadedFile
    captured_url: str = ""
    captured_at: object = None
    post_deleted: str = "unsure"
    private_account: bool = False
    relevance: str = ""


@transaction.atomic
def addition_add(
    *, concern: Concern, actor, note: str = "", files: Sequence[EvidenceUpload] = ()
) -> ReporterAddition:
    """A dated addition to a submitted concern: a note, files, or both. The concern as
    submitted stays as it was; HR handling it is told (without the content)."""
    locked = _lock(concern)
    if not permissions.can_add_further_information(actor, locked):
        raise _reporter_refusal(locked)
    note = (note or "").strip()
    if not note and not files:
        raise Refused("Add a note or attach a file.")
    addition = ReporterAddition(concern=locked, author=actor, note=note)
    addition.full_clean()
    addition.save()
    added = [
        evidence_add(
            concern=locked,
            actor=actor,
            upload=item.upload,
            captured_url=item.captured_url,
            captured_at=item.captured_at,
            post_deleted=item.post_deleted,
            private_account=item.private_account,
            relevance=item.relevance,
        )
        for item in files
    ]
    if added:
        Evidence.objects.filter(pk__in=[item.pk for item in added]).update(addition=addition)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.REPORTER_ADDED,
        at=addition.created_at,
        after={
            "addition": addition.pk,
            "note_length": len(note),
            "evidence": [item.pk for item in added],
        },
    )
    notify(
        recipients=permissions.reporter_contacts(locked),
        kind=Kind.REPORTER_ADDED,
        concern=locked,
        dedupe_key_suffix=str(addition.pk),
    )
    return addition


@transaction.atomic
def question_ask(*, concern: Concern, actor, text: str) -> ReporterQuestion:
    """HR asks the reporter a question; the reporter is emailed that there is one."""
    locked = _lock(concern)
    if not permissions.can_ask_reporter(actor, locked):
        raise Refused("You cannot send the reporter a question on this concern.")
    text = (text or "").strip()
    if not text:
        raise Refused("The question is empty.")
    question = ReporterQuestion(concern=locked, asked_by=actor, text=text)
    question.full_clean()
    question.save()
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.QUESTION_ASKED,
        at=question.asked_at,
        after={"question": question.pk, "length": len(text)},
    )
    notify(
        recipients=[locked.reporter],
        kind=Kind.QUESTION_ASKED,
        concern=locked,
        dedupe_key_suffix=str(question.pk),
    )
    return question


@transaction.atomic
def question_answer(*, question: ReporterQuestion, actor, answer: str) -> ReporterQuestion:
    """The reporter answers HR's question, once; HR handling it is told."""
    locked = _lock(question.concern)
    if not permissions.can_answer_questions(actor, locked):
        raise _reporter_refusal(locked)
    row = ReporterQuestion.objects.select_for_update().get(pk=question.pk, concern=locked)
    if row.is_answered:
        raise Refused("You have already answered this question.")
    answer = (answer or "").strip()
    if not answer:
        raise Refused("The answer is empty.")
    row.answer, row.answered_at = answer, timezone.now()
    row.full_clean()
    row.save(update_fields=["answer", "answered_at"])
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.QUESTION_ANSWERED,
        at=row.answered_at,
        after={"question": row.pk, "length": len(answer)},
    )
    notify(
        recipients=permissions.reporter_contacts(locked),
        kind=Kind.QUESTION_ANSWERED,
        concern=locked,
        dedupe_key_suffix=str(row.pk),
    )
    return row


DISCARDED = "discarded draft"


@transaction.atomic
def concern_discard_draft(*, concern: Concern, actor, expected_version: int) -> Concern:
    """Throw a draft away: its content, links, sections and files are destroyed and its
    events redacted; one event remains that a draft was discarded, without its content.
    The row stays (events point at it), with no reporter, so it leaves every list."""
    locked = _lock(concern)
    if not permissions.can_discard_draft(actor, locked):
        raise Refused("Only the author of a draft can discard it.")
    if locked.version != expected_version:
        raise Refused(
            "This draft was changed in another window or tab after you opened it. "
            "Reload it, then discard it again if you still want to."
        )
    now = timezone.now()
    evidence = list(Evidence.objects.filter(concern=locked))
    files = [name for item in evidence for name in (item.file.name, item.derived.name) if name]
    Evidence.objects.filter(concern=locked).delete()
    locked.links.all().delete()
    locked.reported_sections.clear()
    subject_id = locked.subject_id
    Concern.objects.filter(pk=locked.pk).update(
        reporter=None,
        subject=None,
        description="",
        platform_name="",
        context_answers={},
        intake_token=None,
        disposed_at=now,
        version=locked.version + 1,
    )
    if subject_id is not None and not Concern.objects.filter(subject_id=subject_id).exists():
        Person.objects.filter(pk=subject_id).delete()
    locked.refresh_from_db()
    redact_concern_events(locked, disposal=DISCARDED)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.DRAFT_DISCARDED,
        at=now,
        after={"evidence_destroyed": len(evidence)},
    )

    def delete_files() -> None:
        for name in files:
            try:
                default_storage.delete(name)
            except OSError:
                logger.exception("Could not delete a discarded draft's file; remove it by hand")
        for item in evidence:
            try:
                delete_previews("evidence", item.pk)
            except OSError:
                logger.exception("Could not delete a discarded draft's previews")

    transaction.on_commit(delete_files)
    return locked
