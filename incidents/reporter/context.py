"""The exchange with the reporter on HR's concern page: HR's questions with the answers,
and the reporter's additions after submitting. Kept apart from the internal notes."""

from __future__ import annotations

from django.urls import reverse

from incidents import permissions
from incidents.models import Concern

from . import selectors
from .forms import QuestionForm


def reporter_exchange_context(user, concern: Concern, bound: dict) -> dict:
    """`reporter_exchange` for the partial: None when this person may not see it (for a
    restricted concern, anyone but its coordinator)."""
    if not permissions.can_view_reporter_exchange(user, concern):
        return {"reporter_exchange": None}
    can_ask = permissions.can_ask_reporter(user, concern)
    return {
        "reporter_exchange": {
            "items": selectors.exchange_of(concern),
            "form": (bound.get("question") or QuestionForm()) if can_ask else None,
            "failed": "question" in bound,
            "url": reverse("incidents:ask_reporter", args=[concern.pk]),
        }
    }
