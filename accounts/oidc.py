"""Single sign-on with an organisation's OpenID Connect provider.

Authlib (its Django client) does the protocol: the authorisation code flow with PKCE
(S256), a state and a nonce kept in the session and used once, the ID token's signature
checked against the keys the provider publishes (its JWKS, fetched again when a key id is
new), and its issuer, audience, expiry and nonce checked with a bounded clock skew. This
module chooses the provider by organisation, refuses a token response without an ID
token, and reads the person's claims through the organisation's claim mapping; the write
is accounts.services.person_sign_in_through_provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError, JoseError

from .models import MAPPABLE_ROLES, IdentityProvider

# The session remembers which provider signed the person in (accounts.middleware).
SESSION_PROVIDER = "accounts_sso_provider"


class SignInRefused(Exception):
    """A sign-in through the identity provider that must not go ahead, and why (shown)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ProviderClaims:
    subject: str
    email: str
    given_name: str
    family_name: str
    position: str
    business_unit: str
    groups: frozenset[str]


def client_for(provider: IdentityProvider) -> DjangoOAuth2App:
    oauth = OAuth()
    return oauth.register(
        name=f"organisation-{provider.organisation_id}",
        client_id=provider.client_id,
        client_secret=provider.client_secret or None,
        server_metadata_url=f"{provider.issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256"},
    )


def exchange_code(request, provider: IdentityProvider) -> dict:
    """The verified ID token's claims for the code and state this request brings back."""
    client = client_for(provider)
    try:
        token = client.authorize_access_token(
            request,
            leeway=provider.clock_skew_seconds,
            claims_options={
                "iss": {"essential": True, "values": [provider.issuer]},
                "sub": {"essential": True},
                "exp": {"essential": True},
                "aud": {"essential": True, "values": [provider.client_id]},
            },
        )
    except OAuthError as error:
        if error.error == "mismatching_state":
            raise SignInRefused(
                "This sign-in link was already used or did not start here. Start again."
            ) from error
        raise SignInRefused(
            "Your organisation's sign-in service did not sign you in. Start again, or ask "
            "your administrator if it keeps happening."
        ) from error
    except JoseError as error:
        raise SignInRefused(_token_problem(error)) from error
    except requests.RequestException as error:
        raise SignInRefused(
            "Your organisation's sign-in service could not be reached. Try again in a minute."
        ) from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(
            "The sign-in service sent no identity token, so you were not signed in."
        )
    return dict(claims)


def _token_problem(error: JoseError) -> str:
    if isinstance(error, BadSignatureError):
        return (
            "The identity token was not signed by your organisation's sign-in service (it may "
            "have been changed on the way)."
        )
    if isinstance(error, ExpiredTokenError):
        return "The identity token had expired. Sign in again."
    if isinstance(error, InvalidClaimError) and "aud" in str(error):
        return "The identity token was issued for another application."
    if isinstance(error, InvalidClaimError) and "iss" in str(error):
        return "The identity token came from another sign-in service."
    if isinstance(error, InvalidClaimError) and ("iat" in str(error) or "nbf" in str(error)):
        return "The identity token is not valid yet. Check the clocks and sign in again."
    return "The identity token could not be checked, so you were not signed in."


def read_claims(provider: IdentityProvider, claims: dict) -> ProviderClaims:
    def text(name: str) -> str:
        value = claims.get(name) if name else None
        return str(value).strip() if value not in (None, "") else ""

    subject = text(provider.subject_claim)
    if not subject:
        raise SignInRefused(
            "The sign-in service did not say who you are, so you were not signed in."
        )
    groups = claims.get(provider.groups_claim) if provider.groups_claim else None
    if isinstance(groups, str):
        groups = [groups]
    return ProviderClaims(
        subject=subject,
        email=text(provider.email_claim),
        given_name=text(provider.given_name_claim),
        family_name=text(provider.family_name_claim),
        position=text(provider.position_claim),
        business_unit=text(provider.business_unit_claim),
        groups=frozenset(str(group) for group in groups or () if group),
    )


def mapped_roles(provider: IdentityProvider, groups: frozenset[str]) -> set[str]:
    return {mapping.role for mapping in provider.role_mappings.all() if mapping.group in groups}


MANAGED_ROLES = frozenset(value for value, _ in MAPPABLE_ROLES)
