"""Writes for API tokens (the rules are in api/permissions.py).

Anyone with an account in an organisation may make personal tokens for themselves. An HR
manager may also make tokens for a service identity of their organisation (an HR system,
a BI tool) whose roles they all hold; such a token records its maker and works only while
the maker still could make it. HR managers see and revoke their organisation's tokens.
Making and revoking a token are events in the organisation's record.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused

from . import permissions
from .models import TOKEN_PREFIX, ApiToken, ApiTokenUse, hash_secret, new_token_parts

logger = logging.getLogger(__name__)

# Only refresh `last_used_at` this often, so most requests write a single row.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


REFUSED_HOLDER = (
    "A personal token is always for the person who makes it. For another system, make a "
    "token for its service identity: HR managers may do so for their organisation's "
    "service identities when they hold every role the identity has."
)


def max_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)


@transaction.atomic
def token_create(
    *, actor, user, name: str, scope: str, expires_at: dt.datetime
) -> tuple[ApiToken, str]:
    """Make a token and return it with its full text, which is never stored or shown again.

    `user` is the holder: the actor themselves, or a service identity they may make
    tokens for. A refusal is about what was asked for, so it answers 400 (refused input),
    as the API always has.
    """
    if not permissions.can_create_token_for(actor, user):
        raise Refused(REFUSED_HOLDER, status=400)
    now = timezone.now()
    if expires_at <= now:
        raise Refused("The expiry must be in the future.", status=400)
    if expires_at > now + max_lifetime():
        raise Refused(
            f"A token may last at most {settings.API_TOKEN_MAX_DAYS} days; "
            "choose an earlier expiry.",
            status=400,
        )
    if scope not in ApiToken.Scope.values:
        raise Refused("Choose read only or read and write.", status=400)
    name = name.strip()
    if not name:
        raise Refused("Give the token a name that says what it is for.", status=400)
    prefix, secret = new_token_parts()
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scope=scope,
        created_by=actor,
        expires_at=expires_at,
        created_at=now,
    )
    token.full_clean()
    token.save()
    record_event(
        organisation_id=user.organisation_id,
        actor=actor,
        kind=EventKind.API_TOKEN_CREATED,
        after={
            "token": token.pk,
            "prefix": token.display_prefix,
            "user": user.pk,
            "service_identity": user.is_service_identity,
            "scope": scope,
            "expires_at": expires_at.isoformat(),
        },
    )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke at once; revoking twice changes nothing."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    token.refresh_from_db()
    if updated:
        record_event(
            organisation_id=token.user.organisation_id,
            actor=actor,
            kind=EventKind.API_TOKEN_REVOKED,
            after={"token": token.pk, "prefix": token.display_prefix, "user": token.user_id},
        )
    return token


def parse(raw: str) -> tuple[str, str] | None:
    """Split `smct_<prefix>_<secret>`; None if it is not shaped like a token."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not prefix or not secret or len(prefix) > 12 or len(secret) > 100:
        return None
    return prefix, secret


def check(raw: str) -> tuple[ApiToken | None, str]:
    """The token this text is, if it may answer a request now; else None and why not.

    Records nothing. For a service identity's token, the holder comes back with its
    maker attached (`token_maker`), which the permission rules read.
    """
    parts = parse(raw)
    if parts is None:
        return None, "not shaped like a token"
    prefix, secret = parts
    token = (
        ApiToken.objects.select_related("user", "user__organisation", "created_by")
        .prefetch_related("user__role_grants", "created_by__role_grants")
        .filter(prefix=prefix)
        .first()
    )
    if token is None:
        return None, "unknown token"
    if not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None, "wrong secret"
    if token.revoked_at is not None:
        return None, "revoked"
    if not token.is_active():
        return None, "expired"
    if not permissions.token_in_force(token):
        return None, "its holder or maker may no longer use it"
    if token.user.is_service_identity:
        token.user.token_maker = token.created_by
    return token, ""


def find_active(raw: str) -> ApiToken | None:
    """The token this text is, if it may answer a request now. Records nothing."""
    return check(raw)[0]


def record_refusal(*, raw: str, reason: str, ip_address: str | None, limit_reached: bool) -> None:
    """A request's token was refused: a security event and a log line.

    The event names the holder when the text matched a token's public prefix, so a
    review can see someone trying a revoked or expired token. The secret is never kept.
    """
    from accounts.models import SecurityEvent

    parts = parse(raw)
    prefix = parts[0] if parts else ""
    holder = (
        ApiToken.objects.filter(prefix=prefix).select_related("user").first() if prefix else None
    )
    shown = f"{TOKEN_PREFIX}{prefix}" if prefix else "(no token prefix)"
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.API_TOKEN_REFUSED,
        username=holder.user.get_username() if holder else "",
        user=holder.user if holder else None,
        ip_address=ip_address,
        detail=f"{shown}: {reason}"[:200],
    )
    logger.warning("API token refused from %s: %s (%s)", ip_address, shown, reason)
    if limit_reached:
        logger.warning(
            "API token refusals from %s reached the limit; further tokens from there are "
            "refused unread for a while",
            ip_address,
        )


def record_use(*, token: ApiToken, method: str, path: str, ip_address: str | None) -> None:
    now = timezone.now()
    ApiTokenUse.objects.create(
        token=token, at=now, method=method[:10], path=path[:255], ip_address=ip_address
    )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
