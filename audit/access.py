"""Who opened what: the access log of a concern (never edited, never shown to the reporter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import AccessRecord

if TYPE_CHECKING:
    from incidents.models import Concern


def access_record(*, concern: Concern, user, action: str, detail: str = "") -> None:
    """Note that someone opened a concern, downloaded a file or read the access log."""
    AccessRecord.objects.create(concern=concern, user=user, action=action, detail=detail[:255])
