"""Whose rules a request must pass: the rules every area's permission module builds on.

A service identity (an HR system, a BI tool) uses the API through a token that an HR
manager made for it. Its request answers to that maker too: every area's rules let it
see or do something only if both the service identity and the maker may (so the
maker's conflicts of interest and the restricted rule bind it), and nothing at all
without a maker.

This module imports nothing from the other apps, so each of their `permissions.py`
can import it without a cycle.
"""

from __future__ import annotations


def is_service_identity(user) -> bool:
    """An account for another system, not a person (an anonymous visitor is not one)."""
    return bool(getattr(user, "is_service_identity", False))


def answers_to(user) -> tuple:
    """Whose rules a request of this user must pass: the user, and the token's maker for
    a service identity (an empty tuple when there is no maker: it may do nothing)."""
    if not is_service_identity(user):
        return (user,)
    maker = user.token_maker
    return (user, maker) if maker is not None else ()
