"""The cache after an upgrade: values pickled by the previous release.

The dashboard keeps built panels in Redis for a few minutes. When a release moves the
class a pickle names (the panels moved from `incidents.dashboard` to
`reporting.dashboard`), reading the old value back raises while unpickling. Such a value
is a miss: the page rebuilds its figures instead of answering 500 until the entry
expires. Found by the benchmark run after the move; these need a real Redis.
"""

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from reporting import dashboard
from reporting.queries import ReportFilters, ReportScope
from tests import services
from tests.factories import make_concern

pytestmark = pytest.mark.django_db


# A pickle (protocol 0) of the class `incidents.dashboard.Panel`, where the previous
# release kept the dashboard's panels: reading it back imports a module that is gone.
EARLIER_RELEASE = b"cincidents.dashboard\nPanel\n."


@pytest.fixture
def real_cache(settings):
    services.require_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": django_settings.REDIS_URL,
            "KEY_PREFIX": "earlier-release-test",
        }
    }
    settings.REPORT_CACHE_SECONDS = 300
    cache.clear()
    yield cache
    cache.clear()


def _plant(key: str) -> None:
    """Write what the previous release wrote: a pickle naming a module that is gone."""
    raw = redis.Redis.from_url(django_settings.REDIS_URL)
    raw.set(cache.make_and_validate_key(key), EARLIER_RELEASE, ex=60)


def test_a_value_pickled_by_an_earlier_release_is_a_miss(real_cache, caplog):
    _plant("old")
    assert cache.get("old", "fallback") == "fallback"
    assert "could not be read" in caplog.text
    assert cache.get("old") is None  # deleted, not read and refused again
    _plant("old")
    assert cache.get_many(["old", "other"]) == {}


def test_the_dashboard_rebuilds_over_panels_of_an_earlier_release(
    real_cache, client, guidance, reporter, executive, monkeypatch
):
    make_concern(reporter, links=[])
    client.force_login(executive)
    # Even under the key the page will use (had the key's version not changed):
    scope = ReportScope(organisation_ids=(executive.organisation_id,), filters=ReportFilters())
    _plant(dashboard.cache_key(scope))

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert response.context["panels"]
    assert cache.get(dashboard.cache_key(scope))  # rebuilt and kept again
