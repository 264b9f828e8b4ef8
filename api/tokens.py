"""Writes for personal API tokens (the rules are in incidents/permissions.py).

Anyone with an account in an organisation may make tokens for themselves; HR managers
may also make, see and revoke tokens for the people of their own organisation. Making
and revoking a token are events in the organisation's record.
"""

from __future__ import annotations

import datetime as dt
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents import permissions
from incidents.events import record_event

from .models import TOKEN_PREFIX, ApiToken, ApiTokenUse, hash_secret, new_token_parts

# Only refresh `last_used_at` this often, so most requests write a single row.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRefused(Exception):
    """The token cannot be made; the message says why."""


def max_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)


@transaction.atomic
def token_create(
    *, actor, user, name: str, scope: str, expires_at: dt.datetime
) -> tuple[ApiToken, str]:
    """Make a token and return it with its full text, which is never stored or shown again."""
    if not permissions.can_create_token_for(actor, user):
        raise TokenRefused(
            "You may make tokens only for yourself (HR managers: your organisation's people)."
        )
    now = timezone.now()
    if expires_at <= now:
        raise TokenRefused("The expiry must be in the future.")
    if expires_at > now + max_lifetime():
        raise TokenRefused(
            f"A token may last at most {settings.API_TOKEN_MAX_DAYS} days; "
            "choose an earlier expiry."
        )
    if scope not in ApiToken.Scope.values:
        raise TokenRefused("Choose read only or read and write.")
    name = name.strip()
    if not name:
        raise TokenRefused("Give the token a name that says what it is for.")
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
        kind="api_token_created",
        after={
            "token": token.pk,
            "prefix": token.display_prefix,
            "user": user.pk,
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
            kind="api_token_revoked",
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


def find_active(raw: str) -> ApiToken | None:
    """The active token this text is, or None. Records nothing."""
    parts = parse(raw)
    if parts is None:
        return None
    prefix, secret = parts
    token = (
        ApiToken.objects.select_related("user", "user__organisation").filter(prefix=prefix).first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None
    if not token.is_active() or not token.user.is_active:
        return None
    return token


def record_use(*, token: ApiToken, method: str, path: str, ip_address: str | None) -> None:
    now = timezone.now()
    ApiTokenUse.objects.create(
        token=token, at=now, method=method[:10], path=path[:255], ip_address=ip_address
    )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
