"""Redis, as the cache, unreachable: pages keep working from the database.

The cache holds only optimisations (built dashboard figures, API request budgets), so
`config.cache.FailSoftRedisCache` turns a Redis outage into misses. The cache here points
at a port nothing listens on, which refuses at once; no Redis is needed to run these.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_concern

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REPORT_CACHE_SECONDS = 300  # the dashboard would use the cache


def test_the_cache_answers_misses_and_drops_writes(redis_down, caplog):
    cache.set("key", "value")
    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("key", "value") is False
    cache.delete_many(["a", "b"])
    assert "Cache unavailable" in caplog.text


def test_the_dashboard_still_shows_the_figures(redis_down, client, guidance, reporter, executive):
    make_concern(reporter, links=[])
    client.force_login(executive)

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert response.context["panels"] is not None


def test_the_api_still_answers_within_its_request_budget(redis_down, client, hr_manager):
    client.force_login(hr_manager)

    response = client.get(reverse("api:concerns"), HTTP_ACCEPT="application/json")

    assert response.status_code == 200


def test_liveness_stays_up_while_the_cache_is_down(redis_down, client):
    """A load balancer must not take every web server out for a Redis outage."""
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_status_page_reports_the_cache_down_as_degraded(redis_down, client):
    response = client.get("/health/status/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["cache"]["status"] == "degraded"
    assert body["components"]["database"]["status"] == "ok"
    assert "127.0.0.1" not in response.content.decode()  # no internal addresses shown
