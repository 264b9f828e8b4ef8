import pytest

from accounts.models import Role
from tests import services
from tests.factories import (
    RIGHTS,
    BusinessUnitFactory,
    OrganisationFactory,
    UserFactory,
    make_concern,
    send_for_decision,
)


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


@pytest.fixture
def media(settings, tmp_path):
    """A throwaway MEDIA_ROOT for anything a test stores."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


# Concerns further along the workflow, made through the real services.


@pytest.fixture
def assigned_concern(submitted_concern, hr_manager, investigator):
    from incidents.casework import services as casework

    return casework.concern_assign(
        concern=submitted_concern, actor=hr_manager, assignee=investigator, expected_version=None
    )


@pytest.fixture
def triage_concern(assigned_concern, hr_manager):
    from incidents.casework import services as casework

    return casework.concern_act(
        concern=assigned_concern,
        actor=hr_manager,
        action="start_triage",
        expected_version=assigned_concern.version,
    )


@pytest.fixture
def investigating_concern(triage_concern, hr_manager, investigator):
    from guidance.models import CodeSection
    from incidents.casework import services as casework

    concern = casework.concern_record_triage(
        concern=triage_concern,
        actor=hr_manager,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=triage_concern.version,
    )
    return casework.concern_act(
        concern=concern,
        actor=investigator,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )


@pytest.fixture
def decision_concern(investigating_concern, investigator):
    """Fairness steps and findings recorded, sent for decision by the investigator."""
    return send_for_decision(investigating_concern, investigator)


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
