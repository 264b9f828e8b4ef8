"""Who makes, holds, sees and revokes API tokens, and whether a token still works.

A token never carries more than its maker may do:
- a personal token is always for the person who makes it, and acts as them;
- a service token acts as a service identity (made by an administrator, with its own
  roles) and is made by an HR manager of the same organisation who holds every role the
  identity has. It works only while that stays true (checked at each request:
  `token_in_force`), and its requests see only what both the identity and the maker may
  see (`accounts.permissions.answers_to`).
Administrators define service identities but never make their tokens.
HR managers also see and revoke the tokens of their organisation; a token anyone else
may not see answers 404, the same as one that does not exist (`get_token_for_user`).

What a request made with a token may then do is each area's own rules; the DRF
authentication and scope classes that read the token are in `api/auth.py`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, ServiceIdentity
from accounts.permissions import is_service_identity

from .models import ApiToken


def is_token_manager(actor) -> bool:
    """Sees and revokes every token of the organisation, and makes service tokens: an HR
    manager of an organisation who is a person (a service identity never is one)."""
    return (
        actor.is_authenticated
        and actor.organisation_id is not None
        and actor.has_role(Role.HR_MANAGER)
        and not is_service_identity(actor)
    )


def can_hold_token(user) -> bool:
    """May make (and hold) personal tokens: a person of an organisation."""
    return (
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and not is_service_identity(user)
    )


def can_make_service_token(actor, service) -> bool:
    """A token for this service identity: a token manager of its organisation, neither
    superuser nor administrator, who holds every role the identity has."""
    return (
        is_token_manager(actor)
        and actor.is_active
        and not actor.is_superuser
        and not actor.has_role(Role.ADMINISTRATOR)
        and is_service_identity(service)
        and service.is_active
        and service.organisation_id == actor.organisation_id
        and service.roles <= actor.roles
    )


def can_create_token_for(actor, user) -> bool:
    """A service token as above; a personal token only for oneself."""
    if is_service_identity(user):
        return can_make_service_token(actor, user)
    return can_hold_token(actor) and actor.pk == user.pk


def token_in_force(token: ApiToken) -> bool:
    """Whether a token that is neither expired nor revoked may still answer a request.

    A personal token works only for the person who made it (tokens once made by HR
    managers for other people never work); a service token only while its maker may
    still make it: active, in the identity's organisation, holding its roles.
    """
    holder, maker = token.user, token.created_by
    if maker is None or not holder.is_active:
        return False
    if is_service_identity(holder):
        return can_make_service_token(maker, holder)
    return maker.pk == holder.pk and can_hold_token(holder)


def service_identities_for(actor) -> QuerySet[ServiceIdentity]:
    """The service identities this HR manager may make tokens for (the queryset twin of
    can_make_service_token)."""
    if not is_token_manager(actor) or actor.is_superuser or actor.has_role(Role.ADMINISTRATOR):
        return ServiceIdentity.objects.none()
    missing = set(Role.values) - set(actor.roles)
    return (
        ServiceIdentity.objects.filter(organisation_id=actor.organisation_id, is_active=True)
        .exclude(role_grants__role__in=missing)
        .order_by("first_name", "username")
    )


def tokens_visible_to(actor) -> QuerySet[ApiToken]:
    """One's own tokens; for a token manager, every token of the organisation too."""
    if not can_hold_token(actor):
        return ApiToken.objects.none()
    mine = Q(user_id=actor.pk)
    if is_token_manager(actor):
        mine |= Q(user__organisation_id=actor.organisation_id)
    return ApiToken.objects.filter(mine).select_related("user", "created_by", "revoked_by")


def get_token_for_user(actor, pk) -> ApiToken:
    """The token, if this person may see it; else 404, the same as a missing one."""
    try:
        return tokens_visible_to(actor).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("No such token.") from None
