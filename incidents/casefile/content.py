"""What goes into a case file: the concern's record as this person may see it, with what
was left out already taken out (incidents.casefile.redaction), ready for the template.

Everything is read in a fixed number of queries (the record with its evidence, the
documents, notes, exchange, related concerns, the timeline), whatever the history's
length. Evidence thumbnails come from the previews the concern page uses
(incidents.evidence.previews: the clean re-encoded copy of an image, page 1 of a PDF
rendered by PDFium in its own process), kept in storage once made, and are embedded as
data: URLs, so WeasyPrint fetches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.utils import timezone

from audit.models import Event, EventKind
from incidents import charter, permissions
from incidents.casework import selectors as casework_selectors
from incidents.casework.related import related_concerns
from incidents.documents.pdf import data_url
from incidents.evidence.previews import PreviewUnavailable, is_pdf, is_previewable, preview_png
from incidents.evidence.storage import file_sha256
from incidents.models import CaseDocument, Concern, Evidence, InterimMeasure, OutcomeReview
from incidents.reporter.selectors import exchange_of
from incidents.selectors import concern_record

from .options import DISCLOSURE, NOTES, REPORTER, THIRD_PARTIES, CaseFileOptions, marker
from .redaction import Redactor

Progress = Callable[[int], None]
THUMBNAIL_WORKERS = 2  # PDF pages render in processes of their own; two at a time


def _thumbnail(item) -> tuple[str, str]:
    """(data URL, "") or ("", why there is none)."""
    if not is_previewable(item):
        return "", "No preview: this kind of file is read by downloading it."
    try:
        return data_url(preview_png("evidence", item, page=1, size="thumb"), "image/png"), ""
    except PreviewUnavailable as exc:
        return "", str(exc)


def _stored_hash_matches(item) -> bool | None:
    try:
        return file_sha256(item.file) == item.sha256
    except OSError:
        return None


def _actor(event: Event, concern: Concern, options: CaseFileOptions) -> str:
    if event.actor_id is None:
        return "System"
    if event.actor_id == concern.reporter_id:
        return "The reporter" if options.leaves_out(REPORTER) else event.actor.display_name
    return event.actor.display_name


def build_context(
    *, user, concern: Concern, options: CaseFileOptions, progress: Progress = lambda _: None
) -> dict:
    """The template's context for `user`'s case file of `concern` (the caller checked
    permissions.can_produce_case_file)."""
    concern = concern_record(concern)
    events = list(casework_selectors.timeline(concern))
    staff_ids = {e.actor_id for e in events if e.actor_id and e.actor_id != concern.reporter_id}
    if concern.assignee_id:
        staff_ids.add(concern.assignee_id)
    redactor = Redactor(concern=concern, options=options, staff_ids=staff_ids)
    details_out = concern.restricted and options.leaves_out(DISCLOSURE)
    third_out = options.leaves_out(THIRD_PARTIES)
    images_out = details_out or third_out
    links_out = details_out or third_out

    evidence = list(Evidence.objects.filter(concern=concern).select_related("uploaded_by"))
    documents = list(CaseDocument.objects.filter(concern=concern).select_related("uploaded_by"))
    notes = [] if options.leaves_out(NOTES) else list(casework_selectors.notes(concern))
    exchange = (
        exchange_of(concern)
        if permissions.can_view_reporter_exchange(user, concern) and not details_out
        else []
    )
    related = related_concerns(user, concern)
    rights = charter.records(concern)
    measures = list(
        InterimMeasure.objects.filter(concern=concern).select_related("recorded_by").order_by("pk")
    )
    reviews = list(
        OutcomeReview.objects.filter(concern=concern).select_related("reviewer").order_by("pk")
    )
    progress(15)

    texts = [
        concern.description,
        concern.outcome_summary,
        concern.status_reason,
        concern.reporter_message,
        concern.referred_to,
        options.purpose_other,
        *(item.original_name for item in evidence),
        *(f"{d.title} {d.original_name}" for d in documents),
        *(note.text for note in notes),
        *(row["item"].note if row["kind"] == "addition" else row["item"].text for row in exchange),
        *(row["item"].answer for row in exchange if row["kind"] == "question"),
        *(str((e.after or {}).get("reason", "")) for e in events),
        *(f"{r.expression} {r.privacy} {r.proportionality}" for r in rights),
        *(review.reasons for review in reviews),
        *(f"{m.other} {m.reason} {m.end_reason}" for m in measures),
    ]
    redactor.prepare(texts)
    scrub = redactor.text
    progress(20)

    thumbnails: dict[int, tuple[str, str]] = {}
    if images_out:
        why = marker(DISCLOSURE) if details_out else marker(THIRD_PARTIES)
        thumbnails = {item.pk: ("", f"Image {why}") for item in evidence}
    else:
        done = 0
        with ThreadPoolExecutor(THUMBNAIL_WORKERS) as pool:
            for item, result in zip(evidence, pool.map(_thumbnail, evidence), strict=True):
                thumbnails[item.pk] = result
                done += 1
                progress(20 + int(55 * done / max(len(evidence), 1)))
    progress(75)

    reporter_identity = None
    if concern.reporter is not None and not options.leaves_out(REPORTER):
        reporter_identity = {
            "name": concern.reporter.display_name,
            "email": concern.reporter.email,
        }

    def who(user_id, person) -> str:
        if user_id is None:
            return ""
        if user_id == concern.reporter_id and options.leaves_out(REPORTER):
            return "The reporter"
        return person.display_name

    evidence_rows = [
        {
            "name": scrub(item.original_name),
            "content_type": item.content_type,
            "size": item.size,
            "sha256": item.sha256,
            "intact": _stored_hash_matches(item),
            "captured_url": "" if links_out else scrub(item.captured_url),
            "captured_at": item.captured_at,
            "post_deleted": item.get_post_deleted_display(),
            "uploaded_by": who(item.uploaded_by_id, item.uploaded_by),
            "uploaded_at": item.uploaded_at,
            "after_submitting": item.addition_id is not None,
            "is_pdf": is_pdf(item),
            "thumbnail": thumbnails[item.pk][0],
            "no_thumbnail": thumbnails[item.pk][1],
        }
        for item in evidence
    ]
    exchange_rows = []
    for row in exchange:
        item = row["item"]
        if row["kind"] == "question":
            exchange_rows.append(
                {
                    "kind": "question",
                    "text": scrub(item.text),
                    "asked_by": who(item.asked_by_id, item.asked_by),
                    "at": item.asked_at,
                    "answer": scrub(item.answer) if item.is_answered else "",
                    "answered_at": item.answered_at,
                }
            )
        else:
            exchange_rows.append(
                {
                    "kind": "addition",
                    "text": scrub(item.note),
                    "at": item.created_at,
                    "files": [scrub(f.original_name) for f in row["files"]],
                }
            )
    timeline = []
    for event in events:
        after = event.after if isinstance(event.after, dict) else {}
        reason = str(after.get("reason") or "")
        timeline.append(
            {
                "seq": event.seq,
                "at": event.at,
                "label": event.label,
                "status": after.get("status") if event.kind == EventKind.STATUS_CHANGED else "",
                "other": after.get("other") or "",
                "actor": _actor(event, concern, options),
                "reason": (marker(DISCLOSURE) if details_out else scrub(reason)) if reason else "",
            }
        )
    subject = concern.subject
    return {
        "concern": concern,
        "options": options,
        "produced_by": user.display_name,
        "produced_at": timezone.localtime(),
        "purpose": scrub(options.purpose_label),
        "left_out": options.left_out,
        "markers": {key: marker(key) for key in (REPORTER, NOTES, DISCLOSURE, THIRD_PARTIES)},
        "details_out": details_out,
        "links_out": links_out,
        "images_out": images_out,
        "reporter_identity": reporter_identity,
        "reporter_left_out": concern.reporter is not None and options.leaves_out(REPORTER),
        "description": marker(DISCLOSURE) if details_out else scrub(concern.description),
        "links": [] if links_out else [scrub(link.url) for link in concern.links.all()],
        "subject": subject,
        "reporting_line": (
            [person.display_name for person in subject.reporting_line.all()] if subject else []
        ),
        "findings": list(concern.findings.all()),
        # The Charter record (s 38) of each decision that limited the employee's rights,
        # and any review of the outcome (issue 19).
        "rights": [
            {
                "step": row.get_step_display(),
                "current": row.current,
                "recorded_by": who(row.recorded_by_id, row.recorded_by),
                "recorded_at": row.recorded_at,
                "expression": scrub(row.expression),
                "privacy": scrub(row.privacy),
                "proportionality": scrub(row.proportionality),
            }
            for row in rights
        ],
        "measures": [
            {
                "label": scrub(row.label),
                "reason": scrub(row.reason),
                "starts_on": row.starts_on,
                "review_on": row.review_on,
                "ended_on": row.ended_on,
                "end_reason": scrub(row.end_reason),
                "recorded_by": who(row.recorded_by_id, row.recorded_by),
            }
            for row in measures
        ],
        "reviews": [
            {
                "issued_at": row.issued_at,
                "due_on": row.review_due_on,
                "requested_on": row.requested_on,
                "reviewer": who(row.reviewer_id, row.reviewer) if row.reviewer_id else "",
                "result": row.get_result_display(),
                "reasons": scrub(row.reasons),
                "decided_at": row.decided_at,
            }
            for row in reviews
        ],
        "outcome_summary": scrub(concern.outcome_summary),
        "status_reason": (
            marker(DISCLOSURE)
            if details_out and concern.status_reason
            else scrub(concern.status_reason)
        ),
        "reporter_message": scrub(concern.reporter_message),
        "referred_to": scrub(concern.referred_to),
        "evidence": evidence_rows,
        "documents": [
            {
                "kind": document.get_kind_display(),
                "title": scrub(document.title),
                "name": scrub(document.original_name),
                "uploaded_at": document.uploaded_at,
                "uploaded_by": who(document.uploaded_by_id, document.uploaded_by),
                "sha256": document.sha256,
                "size": document.size,
            }
            for document in documents
        ],
        "notes_left_out": options.leaves_out(NOTES),
        "notes": [
            {"text": scrub(note.text), "author": note.author.display_name, "at": note.created_at}
            for note in notes
        ],
        "exchange_shown": bool(exchange)
        or (permissions.can_view_reporter_exchange(user, concern) and not details_out),
        "exchange": exchange_rows,
        "related": related,
        "timeline": timeline,
    }
