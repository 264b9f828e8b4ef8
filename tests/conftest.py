import pytest

from accounts.models import Role
from tests import services
from tests.factories import BusinessUnitFactory, OrganisationFactory, UserFactory, make_concern


@pytest.fixture
def postgres(db):
    services.require_postgres()


@pytest.fixture
def guidance(db):
    """The reference content, loaded from the project's files."""
    from guidance.loader import load_guidance

    load_guidance()


# --- Personas: one per role, plus an outsider from another organisation ------------


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Department of Examples", short_name="examples")


@pytest.fixture
def unit(org):
    return BusinessUnitFactory(organisation=org, name="Community Programs")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Other Agency", short_name="other")


@pytest.fixture
def reporter(org, unit):
    return UserFactory(
        username="reporter", organisation=org, business_unit=unit, roles=[Role.REPORTER]
    )


@pytest.fixture
def second_reporter(org, unit):
    return UserFactory(
        username="reporter2", organisation=org, business_unit=unit, roles=[Role.REPORTER]
    )


@pytest.fixture
def investigator(org):
    return UserFactory(username="investigator", organisation=org, roles=[Role.INVESTIGATOR])


@pytest.fixture
def hr_manager(org):
    return UserFactory(username="hrmanager", organisation=org, roles=[Role.HR_MANAGER])


@pytest.fixture
def executive(org):
    return UserFactory(username="executive", organisation=org, roles=[Role.EXECUTIVE])


@pytest.fixture
def administrator(org):
    return UserFactory(
        username="admin", organisation=org, roles=[Role.ADMINISTRATOR], is_staff=True
    )


@pytest.fixture
def outsider(other_org):
    """Every role, but in another organisation."""
    return UserFactory(username="outsider", organisation=other_org, roles=list(Role.values))


@pytest.fixture
def submitted_concern(guidance, reporter):
    return make_concern(reporter)


@pytest.fixture
def draft_concern(guidance, reporter):
    return make_concern(reporter, submit=False)


# --- Celery ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def celery_app():
    from config.celery_app import app

    return app


@pytest.fixture(scope="module")
def celery_worker(celery_app):
    """A real Celery worker thread consuming from the Redis broker in REDIS_URL."""
    services.require_redis()
    from celery.contrib.testing.worker import start_worker

    celery_app.loader.import_module("celery.contrib.testing.tasks")
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=True,
            shutdown_timeout=10,
            loglevel="WARNING",
        ) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = previous
