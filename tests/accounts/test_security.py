"""Sign-in throttling, session limits, role changes ending sessions, deploy checks."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.middleware import SEEN, STARTED
from accounts.models import Role, RoleGrant, SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _sign_in(client, username, password, ip):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_repeated_failures_lock_out_that_username_from_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="riley")
    for _ in range(3):
        _sign_in(client, "riley", "wrong", "10.0.0.1")
    response = _sign_in(client, "riley", "pass", "10.0.0.1")  # right password, still paused
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="locked_out", username="riley").exists()
    assert SecurityEvent.objects.filter(kind="sign_in_failed", username="riley").count() >= 3


def test_an_attacker_cannot_lock_the_real_user_out_from_another_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="riley", roles=[Role.REPORTER])
    for _ in range(4):
        _sign_in(client, "riley", "wrong", "203.0.113.9")
    response = _sign_in(client, "riley", "pass", "10.0.0.2")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_successful_sign_in_is_recorded(client):
    UserFactory(username="riley")
    _sign_in(client, "riley", "pass", "10.0.0.3")
    event = SecurityEvent.objects.get(kind="signed_in")
    assert (event.username, event.ip_address) == ("riley", "10.0.0.3")


def test_removing_a_role_ends_the_persons_sessions_at_once(client, hr_manager):
    client.force_login(hr_manager)
    assert client.get(reverse("incidents:list")).status_code == 200
    RoleGrant.objects.filter(user=hr_manager, role=Role.HR_MANAGER).delete()
    response = client.get(reverse("incidents:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_deactivating_a_person_ends_their_sessions(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("home")).status_code == 200
    reporter.is_active = False
    reporter.save()
    assert client.get(reverse("home")).status_code == 302


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"started": STARTED, "seen": SEEN}[key]] = now - ago
    session.save()


def test_an_idle_session_ends(client, reporter, settings):
    client.force_login(reporter)
    _age_session(client, seen=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get(reverse("incidents:mine"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('incidents:mine')}"
    assert client.get(reverse("home")).status_code == 302  # signed out for good


def test_a_session_ends_after_its_absolute_lifetime_even_when_busy(client, reporter, settings):
    client.force_login(reporter)
    _age_session(client, started=settings.SESSION_ABSOLUTE_TIMEOUT + 5, seen=10)
    assert client.get(reverse("home")).status_code == 302


def test_an_active_session_carries_on(client, reporter):
    client.force_login(reporter)
    _age_session(client, started=600, seen=120)
    assert client.get(reverse("home")).status_code == 200


def test_passwords_are_hashed_with_argon2_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_session_cookie_is_http_only_and_same_site(client, reporter):
    UserFactory(username="casey")
    response = _sign_in(client, "casey", "pass", "10.0.0.4")
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def _deploy_check(**env):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "deploy-check-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
        "ALLOWED_HOSTS": "conduct.example.gov.au",
        "ADMIN_URL": "manage-7f3c/",
        "WEBAUTHN_RP_ID": "conduct.example.gov.au",
        "WEBAUTHN_ORIGINS": "https://conduct.example.gov.au",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_refuse_the_default_admin_address():
    result = _deploy_check(ADMIN_URL="admin/")
    assert result.returncode != 0
    assert "conduct.W005" in result.stdout + result.stderr


def test_deploy_checks_refuse_passkeys_set_up_for_a_local_address():
    result = _deploy_check(WEBAUTHN_RP_ID="localhost", WEBAUTHN_ORIGINS="http://localhost:8000")
    assert result.returncode != 0
    assert "conduct.W008" in result.stdout + result.stderr


def test_deploy_checks_refuse_long_sessions():
    result = _deploy_check(SESSION_ABSOLUTE_TIMEOUT=str(24 * 3600))
    assert result.returncode != 0
    assert "conduct.W001" in result.stdout + result.stderr
