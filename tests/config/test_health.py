"""Liveness (/health/) and the detailed status (/health/status/)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db

DB_DOWN = OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def test_liveness_answers_200_while_the_database_answers(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_answers_503_when_the_database_does_not(client):
    with mock.patch("config.health.connection.cursor", side_effect=DB_DOWN):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "5432" not in response.content.decode()


def test_liveness_does_not_touch_redis(client):
    with mock.patch("config.health._redis_ping") as ping:
        client.get(reverse("health"))
    ping.assert_not_called()


def test_the_status_page_lists_every_component(client, media):
    response = client.get("/health/status/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "cache", "broker", "storage"}
    assert {c["status"] for c in body["components"].values()} == {"ok"}


def test_the_status_page_is_unavailable_without_the_database(client, media):
    with mock.patch("config.health.connection.cursor", side_effect=DB_DOWN):
        response = client.get("/health/status/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["components"]["database"]["status"] == "unavailable"


def test_a_broker_that_does_not_answer_is_degraded(client, media, celery_app):
    keys = ("broker_url", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    try:
        response = client.get("/health/status/")
    finally:
        celery_app.conf.update(saved)
        from config.breaker import reset_all

        reset_all()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["broker"] == {
        "status": "degraded",
        "message": "The task broker does not answer; emails wait in the outbox until it is back.",
    }


def test_unwritable_evidence_storage_is_degraded(client, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.MEDIA_ROOT = str(tmp_path / "a-file" / "media")  # can never be made
    body = client.get("/health/status/").json()
    assert body["status"] == "degraded"
    assert body["components"]["storage"]["status"] == "degraded"


def test_evidence_storage_not_made_yet_is_fine_when_it_can_be(client, settings, tmp_path):
    """A fresh installation has no evidence folder until the first file arrives."""
    settings.MEDIA_ROOT = str(tmp_path / "var" / "media")
    body = client.get("/health/status/").json()
    assert body["components"]["storage"]["status"] == "ok"
