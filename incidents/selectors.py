"""Reads every room shares: a concern's whole record, loaded in a fixed number of queries."""

from __future__ import annotations

from .models import Concern

# What the permission rules have already read about this concern (incidents.permissions
# keeps it on the instance): the same facts, so the reloaded record need not ask again.
_RULE_CACHES = (
    "_conflict_sets",
    "_was_investigated",
    "_investigation_participants",
    "_kept_from_approving",
)


def concern_record(concern: Concern) -> Concern:
    """The concern with everything its page shows, in a fixed number of queries."""
    record = (
        Concern.objects.select_related(
            "organisation",
            "reporter",
            "business_unit",
            "platform_category",
            "subject",
            "subject__business_unit",
            "code_edition",
            "assignee",
            "retention",
            "retention__approved_by",
        )
        .prefetch_related(
            "links", "reported_sections", "evidence", "findings__section", "subject__reporting_line"
        )
        .get(pk=concern.pk)
    )
    for name in _RULE_CACHES:
        if name in concern.__dict__:
            record.__dict__[name] = concern.__dict__[name]
    return record
