import pytest

from tests import services


@pytest.fixture
def postgres(db):
    services.require_postgres()


@pytest.fixture
def guidance(db):
    """The reference content, loaded from the project's files."""
    from guidance.loader import load_guidance

    load_guidance()


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
