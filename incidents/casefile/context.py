"""The concern page's part: whether to offer the case file (no query of its own)."""

from __future__ import annotations

from incidents import permissions
from incidents.models import Concern


def case_file_context(user, concern: Concern) -> dict:
    return {"can_produce_case_file": permissions.can_produce_case_file(user, concern)}
