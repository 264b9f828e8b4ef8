import pytest

from accounts.models import Role
from tests.factories import UserFactory, make_concern


@pytest.fixture(autouse=True)
def _closed_redis_breakers():
    """Each test starts and ends with every Redis breaker closed (config/breaker.py)."""
    from config.breaker import reset_all

    reset_all()
    yield
    reset_all()


@pytest.fixture
def concern(guidance, reporter):
    """A submitted concern, made before the recipients below exist.

    Submitting may queue its own notices to the HR managers; making the concern first
    keeps the outbox of each test down to what the test itself queues.
    """
    return make_concern(reporter)


@pytest.fixture
def manager(concern, org):
    return UserFactory(username="manager", organisation=org, roles=[Role.HR_MANAGER])


@pytest.fixture
def assignee(concern, org):
    return UserFactory(username="assignee", organisation=org, roles=[Role.INVESTIGATOR])
