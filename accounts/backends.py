"""Signing in with a username and password, for people only."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class PeopleBackend(ModelBackend):
    """Django's model backend, except that a service identity never signs in.

    A service identity has no usable password anyway; this also refuses one that an
    administrator gave a password by mistake, and any session it might have (Django asks
    the backend for the session's user at every request).
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(
            user, "is_service_identity", False
        )
