"""docker-compose.yml stays valid without a Docker engine: parse it and check the shape."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_declares_the_production_like_stack():
    services = _compose()["services"]
    assert {"db", "redis", "web", "worker", "beat", "mail"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_web_worker_and_beat_share_one_image_and_one_environment():
    services = _compose()["services"]
    app = [services[name] for name in ("web", "worker", "beat")]
    assert len({s["image"] for s in app}) == 1
    assert all(s.get("build") == "." for s in app)
    assert all(s["environment"] == app[0]["environment"] for s in app)
    assert all(s["env_file"] == app[0]["env_file"] for s in app)
    env = app[0]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_each_process_runs_what_it_should():
    services = _compose()["services"]
    assert services["web"]["command"][0] == "gunicorn"
    assert services["web"]["command"][1] == "config.wsgi:application"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_app_waits_for_healthy_services_and_migrations():
    services = _compose()["services"]
    assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_evidence_volume_is_not_inside_the_static_root():
    services = _compose()["services"]
    media = services["web"]["environment"]["MEDIA_ROOT"]
    assert any(v.endswith(":" + media) for v in services["web"]["volumes"])
    assert "static" not in media


def test_dockerfile_exists_and_runs_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert "\nUSER app" in dockerfile


def test_the_web_healthcheck_asks_for_liveness_only():
    """A Redis outage must not take web out: the check hits /health/, not the status page."""
    web = _compose()["services"]["web"]
    command = " ".join(web["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/'" in command
    assert "/health/status/" not in command
    assert "ALLOWED_HOSTS" in command  # a Host the site answers to
    for name in ("worker", "beat"):
        assert "healthcheck" not in _compose()["services"][name]
