"""What the concern page shows of previews and case documents: one query at most (none
when the concern, read with its record, has no case documents)."""

from __future__ import annotations

from incidents import permissions
from incidents.evidence.previews import is_pdf, is_previewable
from incidents.models import CaseDocument, Concern
from incidents.selectors import holds_none

from .forms import CaseDocumentForm


def documents_context(user, concern: Concern, bound: dict) -> dict:
    """Evidence previews (from the evidence already loaded with the concern) and, for
    those who may see them, the case documents (one query) and the form to add one."""
    if not permissions.can_view_case_record(user, concern):
        return {}
    context = {
        "evidence_previews": [
            {"item": item, "is_pdf": is_pdf(item)}
            for item in concern.evidence.all()
            if is_previewable(item)
        ]
        if concern.disposed_at is None
        else [],
        "show_case_documents": False,
    }
    if not permissions.can_view_case_documents(user, concern):
        return context
    documents = (
        []
        if holds_none(concern, "documents")
        else CaseDocument.objects.filter(concern=concern).select_related("uploaded_by")
    )
    can_add = permissions.can_add_case_document(user, concern)
    context.update(
        show_case_documents=True,
        case_documents=[
            {"item": item, "previewable": is_previewable(item), "is_pdf": is_pdf(item)}
            for item in documents
        ],
        document_form=(bound.get("document") or CaseDocumentForm(user=user)) if can_add else None,
        document_failed="document" in bound,
        documents_closed=(
            permissions.DOCUMENTS_CLOSED
            if not can_add and not concern.is_open and concern.disposed_at is None
            else ""
        ),
    )
    return context
