"""Small template filters for the concern's pages."""

from __future__ import annotations

from django import template

from incidents.models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """A stored status ("investigation") as people read it ("Investigation")."""
    try:
        return Status(value).label
    except ValueError:  # a status from another version of the app
        return str(value).replace("_", " ").capitalize()
