"""How people sign in: a username and password, or their organisation's identity provider."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def _password_allowed(user) -> bool:
    organisation = getattr(user, "organisation", None)
    return organisation is None or organisation.local_passwords_allowed


class PeopleBackend(ModelBackend):
    """Django's model backend, except that a service identity never signs in, and nor
    does a person whose organisation has switched local passwords off.

    A service identity has no usable password anyway; this also refuses one that an
    administrator gave a password by mistake, and any session it might have (Django asks
    the backend for the session's user at every request). The organisation's password
    switch is read at sign-in only (so pages cost no extra query): password sessions
    started before it was switched off end with their idle or absolute timeout.
    """

    def get_user(self, user_id):
        """The session's person, with their organisation and roles (which nearly every
        page reads) in the same query."""
        from .models import with_roles

        UserModel = get_user_model()
        try:
            user = with_roles(UserModel._default_manager.select_related("organisation")).get(
                pk=user_id
            )
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not _password_allowed(user):
            return None
        return user

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(
            user, "is_service_identity", False
        )


class IdentityProviderBackend(ModelBackend):
    """The sessions of people signed in through their organisation's identity provider
    (accounts.views.sso_callback calls login() with it). It authenticates no password;
    a session of it lasts while the person is active and their organisation's provider
    is switched on."""

    def authenticate(self, request, **credentials):
        return None

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user) or getattr(user, "is_service_identity", False):
            return False
        provider = (
            getattr(user.organisation, "identity_provider", None) if user.organisation_id else None
        )
        return bool(provider is not None and provider.is_active and user.sso_subject)

    def get_user(self, user_id):
        from .models import User, with_roles

        try:
            user = with_roles(User.objects.select_related("organisation__identity_provider")).get(
                pk=user_id
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
