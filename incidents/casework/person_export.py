"""Everything held about one employee concerned, for an access request."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.collection_notice import collection_notice_for
from audit.chain import record_event
from audit.models import EventKind
from incidents import permissions
from incidents.models import Person


def person_export(*, user, person: Person) -> bytes:
    """A JSON document of the person's record and every concern about them that the HR
    manager may see, with sections, findings, notes, HR's questions to the reporter (with
    the answers) and the reporter's additions, evidence (with why material from a private
    account is relevant) and case document details, interim measures, the timeline, and the
    organisation's collection notice. The files themselves are not included (their names or
    titles and hashes are). Recorded."""
    concerns = (
        permissions.person_concerns_for_export(user, person)
        .select_related("platform_category", "business_unit", "reporter", "assignee")
        .prefetch_related(
            "links",
            "reported_sections",
            "findings__section",
            "notes__author",
            "questions__asked_by",
            "additions__evidence",
            "evidence",
            "documents",
            "events__actor",
            "interim_measures",
        )
        .order_by("submitted_at")
    )
    document = {
        "marking": "OFFICIAL: Sensitive",
        "produced_at": timezone.now(),
        "produced_by": user.display_name,
        # What the organisation tells people about collecting their information.
        "collection_notice": collection_notice_for(person.organisation),
        "person": {
            "name": person.full_name,
            "position": person.position,
            "business_unit": str(person.business_unit or ""),
            "organisation": person.organisation.name,
        },
        "concerns": [
            {
                "reference": concern.reference,
                "status": concern.get_status_display(),
                "submitted_at": concern.submitted_at,
                "occurred_on": concern.occurred_on,
                "description": concern.description,
                "platform": str(concern.platform_category or ""),
                "platform_name": concern.platform_name,
                "use": concern.get_use_context_display(),
                "links": [link.url for link in concern.links.all()],
                "sections_reported": [str(s) for s in concern.reported_sections.all()],
                "sections_confirmed": [
                    {"section": str(row.section), "finding": row.get_finding_display()}
                    for row in concern.findings.all()
                ],
                "risk_rating": concern.get_risk_rating_display(),
                "response_chosen": concern.get_graduated_response_display(),
                "told_of_allegations_on": concern.allegation_notified_on,
                "response_due_on": concern.response_due_on,
                "response_received_on": concern.response_received_on,
                "action_taken": concern.get_action_taken_display(),
                "outcome": concern.outcome_summary,
                "notes": [
                    {"at": note.created_at, "by": note.author.display_name, "text": note.text}
                    for note in concern.notes.all()
                ],
                "questions_to_reporter": [
                    {
                        "asked_at": question.asked_at,
                        "asked_by": question.asked_by.display_name,
                        "question": question.text,
                        "answered_at": question.answered_at,
                        "answer": question.answer,
                    }
                    for question in concern.questions.all()
                ],
                "added_by_reporter": [
                    {
                        "at": addition.created_at,
                        "note": addition.note,
                        "files": [item.original_name for item in addition.evidence.all()],
                    }
                    for addition in concern.additions.all()
                ],
                "evidence": [
                    {
                        "name": item.original_name,
                        "sha256": item.sha256,
                        "captured_url": item.captured_url,
                        "captured_at": item.captured_at,
                        "from_a_private_account": item.private_account,
                        "why_relevant": item.relevance,
                    }
                    for item in concern.evidence.all()
                ],
                "interim_measures": [
                    {
                        "measure": item.label,
                        "reason": item.reason,
                        "starts_on": item.starts_on,
                        "review_on": item.review_on,
                        "ended_on": item.ended_on,
                        "why_it_ended": item.end_reason,
                    }
                    for item in concern.interim_measures.all()
                ],
                "case_documents": [
                    {
                        "kind": item.get_kind_display(),
                        "title": item.title,
                        "added_at": item.uploaded_at,
                        "sha256": item.sha256,
                    }
                    for item in concern.documents.all()
                ],
                "timeline": [
                    {"at": event.at, "what": event.label, "by": _actor_shown(concern, event)}
                    for event in concern.events.all()
                ],
            }
            for concern in concerns
        ],
    }
    record_event(
        organisation_id=person.organisation_id,
        actor=user,
        kind=EventKind.PERSON_EXPORTED,
        after={"person": person.pk, "concerns": [c["reference"] for c in document["concerns"]]},
    )
    return json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


# Who acted, in place of the reporter of a possible public interest disclosure: naming them
# in a document handed to the employee concerned could identify the discloser (s 53 of the
# Public Interest Disclosures Act 2012), whoever makes the export.
DISCLOSER_WITHHELD = "The person who made the disclosure (withheld)"


def _actor_shown(concern, event) -> str:
    if concern.restricted and event.actor_id is not None and event.actor_id == concern.reporter_id:
        return DISCLOSER_WITHHELD
    return getattr(event.actor, "display_name", "")
