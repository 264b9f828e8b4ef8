"""Reads for the sign-in pages."""

from __future__ import annotations

from .models import IdentityProvider


def sign_in_providers() -> list[IdentityProvider]:
    """The organisations whose people may sign in through their identity provider."""
    return list(
        IdentityProvider.objects.filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
