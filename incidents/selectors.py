"""Reads every room shares: a concern's whole record, loaded in a fixed number of queries."""

from __future__ import annotations

from .models import Concern


def concern_record(concern: Concern) -> Concern:
    """The concern with everything its page shows, in a fixed number of queries."""
    return (
        Concern.objects.select_related(
            "organisation",
            "reporter",
            "business_unit",
            "platform_category",
            "subject",
            "subject__business_unit",
            "code_edition",
            "assignee",
        )
        .prefetch_related(
            "links", "reported_sections", "evidence", "findings__section", "subject__reporting_line"
        )
        .get(pk=concern.pk)
    )
