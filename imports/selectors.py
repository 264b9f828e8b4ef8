"""Reads for the import pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ImportBatch, ImportedRow
from .permissions import imports_visible_to


def past_imports(user) -> QuerySet[ImportBatch]:
    return imports_visible_to(user).select_related("uploaded_by", "confirmed_by")


def created_rows(batch: ImportBatch) -> QuerySet[ImportedRow]:
    """The rows this batch imported, with the concern each created (one query)."""
    return (
        ImportedRow.objects.filter(batch=batch)
        .select_related("concern")
        .only("row_number", "concern__reference", "concern__id", "concern__restricted")
        .order_by("row_number")
    )
