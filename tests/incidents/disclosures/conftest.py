import pytest

from accounts.models import Role
from tests.factories import UserFactory, make_concern


@pytest.fixture
def discloser(org, unit):
    """A reporter whose name, sign-in and email are easy to find on any page."""
    return UserFactory(
        username="qfarthingale",
        first_name="Quillon",
        last_name="Farthingale",
        email="quillon.farthingale@example.org",
        organisation=org,
        business_unit=unit,
        roles=[Role.REPORTER],
    )


@pytest.fixture
def coordinator(org):
    person = UserFactory(
        username="coordinator",
        first_name="Cora",
        last_name="Ordway",
        organisation=org,
        roles=[Role.HR_MANAGER],
    )
    org.pid_coordinator = person
    org.save()
    return person


@pytest.fixture
def restricted(guidance, discloser, coordinator):
    return make_concern(discloser, possible_pid="yes", subject_name="Jordan Example")
