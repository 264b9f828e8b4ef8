"""API test helpers: a token for any persona or service identity, and a client that sends it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api import tokens


@pytest.fixture(autouse=True)
def _fresh_throttle_and_rate(settings):
    """Each test starts with an empty request budget and a limit no test reaches by accident."""
    from django.core.cache import cache

    cache.clear()
    settings.API_REQUESTS_PER_MINUTE = 10_000


@pytest.fixture
def make_token():
    """make_token(person) -> their personal token; make_token(service, actor=hr_manager)
    -> a service identity's token made by that HR manager."""

    def make(user, scope="read_write", *, actor=None, days=30, name="Test token"):
        _, plaintext = tokens.token_create(
            actor=actor or user,
            user=user,
            name=name,
            scope=scope,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return plaintext

    return make


@pytest.fixture
def api(make_token):
    """api(user) -> a client with a read-write token for that user; api(None) is anonymous."""

    def client(user=None, scope="read_write", *, token=None):
        c = APIClient()
        if token is None and user is not None:
            token = make_token(user, scope)
        if token is not None:
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return c

    return client


@pytest.fixture
def hr_system(org):
    """The organisation's HR system: a service identity with the HR manager role."""
    from accounts.models import Role
    from tests.factories import ServiceIdentityFactory

    return ServiceIdentityFactory(
        username="hr-system", first_name="HR system", organisation=org, roles=[Role.HR_MANAGER]
    )
