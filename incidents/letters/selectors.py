"""What the letters pages read."""

from __future__ import annotations

from django.db.models import QuerySet

from incidents.models import Concern, Letter, LetterKind, Status


def letters_of(concern: Concern) -> QuerySet[Letter]:
    return Letter.objects.filter(concern=concern).select_related(
        "template_version", "document", "created_by", "issued_by"
    )


def reporter_letters(concern: Concern) -> list[Letter]:
    """The closing messages issued to the reporter, for their own page (none until the
    concern is finished, so an open concern's page reads nothing more)."""
    if concern.closed_at is None or concern.status == Status.WITHDRAWN:
        return []
    return list(
        Letter.objects.filter(
            concern=concern, kind=LetterKind.REPORTER_CLOSURE, issued_at__isnull=False
        ).order_by("issued_at")
    )
