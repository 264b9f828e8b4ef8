"""Settings come from the environment strictly: bad values stop start-up and name the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("Yes", True), ("1", True), ("off", False), ("0", False)]
)
def test_bool_accepts_the_usual_spellings(raw, expected):
    assert Env({"DEBUG": raw}).bool("DEBUG", False) is expected


def test_bool_rejects_anything_else_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of true/false"):
        Env({"DEBUG": "maybe"}).bool("DEBUG", False)


def test_missing_value_falls_back_to_the_default():
    env = Env({})
    assert env.bool("DEBUG", False) is False
    assert env.int("EMAIL_PORT", 25) == 25
    assert env.list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


def test_required_value_without_default_is_an_error():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        Env({}).str("SECRET_KEY")


def test_int_rejects_words_and_values_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        Env({"EMAIL_PORT": "twenty-five"}).int("EMAIL_PORT", 25)
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE must be at least 300"):
        Env({"SESSION_COOKIE_AGE": "10"}).int("SESSION_COOKIE_AGE", 600, minimum=300)


def test_list_is_split_on_commas_and_rejects_empty_items():
    assert Env({"ALLOWED_HOSTS": "a.gov.au, b.gov.au"}).list("ALLOWED_HOSTS") == [
        "a.gov.au",
        "b.gov.au",
    ]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS must be a comma-separated"):
        Env({"ALLOWED_HOSTS": "a.gov.au,,b"}).list("ALLOWED_HOSTS")


def test_database_url_is_parsed_for_postgres_and_sqlite():
    pg = Env({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/conduct"}).database(
        "DATABASE_URL", "sqlite:///x.db"
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["HOST"], pg["PORT"], pg["NAME"]) == ("127.0.0.1", 5432, "conduct")
    lite = Env({}).database("DATABASE_URL", "sqlite:////tmp/x.db")
    assert lite["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("bad", ["conduct", "mysql://u@h/db", "postgres://127.0.0.1"])
def test_malformed_database_url_names_the_variable(bad):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must"):
        Env({"DATABASE_URL": bad}).database("DATABASE_URL", "sqlite:///x.db")


def test_redis_url_must_be_a_redis_url():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must be a URL starting with"):
        Env({"REDIS_URL": "127.0.0.1:6379"}).url("REDIS_URL", "", schemes={"redis", "rediss"})


def _start(settings_module: str, **overrides: str) -> subprocess.CompletedProcess:
    """Start Django with a clean environment plus overrides, as a deployment would."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": settings_module,
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start("config.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _start("config.settings.production", SECRET_KEY="short")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_starts_with_a_proper_secret_key():
    result = _start("config.settings.production", SECRET_KEY="k" * 64)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_malformed_value_stops_start_up_with_the_variable_named():
    result = _start("config.settings.local", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be one of true/false" in result.stderr


def test_no_environment_gives_the_embedded_default():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_env_example_lists_every_variable_the_settings_read():
    import re

    read = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        read |= set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', path.read_text()))
    listed = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert read, "expected to find env reads in config/settings"
    assert read - listed == set(), f"missing from .env.example: {sorted(read - listed)}"


def test_the_outbox_claim_timeout_comes_from_the_environment_and_has_a_floor():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.NOTIFICATION_CLAIM_TIMEOUT)"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "NOTIFICATION_CLAIM_TIMEOUT": "150",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["150"]
    # Shorter than a send may run would let a live send lose its claim.
    result = _start("config.settings.local", NOTIFICATION_CLAIM_TIMEOUT="30")
    assert result.returncode != 0
    assert "NOTIFICATION_CLAIM_TIMEOUT must be at least 90" in result.stderr
