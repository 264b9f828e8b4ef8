"""Signing in with a username and password, for people only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PeopleBackend(ModelBackend):
    """Django's model backend, except that a service identity never signs in.

    A service identity has no usable password anyway; this also refuses one that an
    administrator gave a password by mistake, and any session it might have (Django asks
    the backend for the session's user at every request).
    """

    def get_user(self, user_id):
        """The session's person, with their organisation (which nearly every page reads)
        in the same query."""
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.select_related("organisation").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(
            user, "is_service_identity", False
        )
