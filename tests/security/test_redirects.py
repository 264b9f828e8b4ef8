"""Open redirects: a `next` address from the request only ever leads somewhere on this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EVIL = {
    "absolute": "https://evil.example/",
    "scheme-relative": "//evil.example/",
    "backslash": "/\\evil.example",
    "user info": "http://testserver@evil.example/",
    "javascript": "javascript:alert(1)",
    "encoded slashes": "/%2F%2Fevil.example/",
    "tab in scheme": "ht\ttps://evil.example/",
    "triple slash": "///evil.example/",
}


def assert_local(location: str) -> None:
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == "", location
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", list(EVIL))
def test_sign_in_never_sends_anyone_off_site(client, reporter, target):
    response = client.post(
        reverse("accounts:login"),
        {"username": "reporter", "password": "pass", "next": EVIL[target]},
    )

    assert response.status_code == 302
    assert_local(response["Location"])


def test_sign_in_honours_a_local_next(client, reporter):
    response = client.post(
        reverse("accounts:login"),
        {"username": "reporter", "password": "pass", "next": "/guidance/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/guidance/"


@pytest.mark.parametrize("target", list(EVIL))
def test_sign_out_never_sends_anyone_off_site(client, reporter, target):
    client.force_login(reporter)

    response = client.post(reverse("accounts:logout"), {"next": EVIL[target]})

    assert response.status_code == 302
    assert_local(response["Location"])
    assert client.get(reverse("home")).status_code == 302  # and the session did end


def test_sign_out_honours_a_local_next(client, reporter):
    client.force_login(reporter)

    response = client.post(reverse("accounts:logout"), {"next": "/guidance/"})

    assert response.status_code == 302
    assert response["Location"] == "/guidance/"


def _current_code(device) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.mark.parametrize("target", list(EVIL))
def test_two_step_set_up_page_does_not_carry_an_off_site_next(client, reporter, target):
    client.force_login(reporter)

    response = client.get(reverse("accounts:mfa_setup"), {"next": EVIL[target]})

    assert response.status_code == 200
    values = re.findall(r'name="next" value="([^"]*)"', response.content.decode())
    assert values, "the page should carry a next field"
    for value in values:
        assert_local(value)


@pytest.mark.parametrize("target", list(EVIL))
def test_entering_the_two_step_code_never_sends_anyone_off_site(client, settings, reporter, target):
    from accounts import mfa

    settings.MFA_REQUIRED = True
    client.force_login(reporter)
    device = mfa.enrolment_device(reporter)

    response = client.post(
        reverse("accounts:mfa_setup"), {"code": _current_code(device), "next": EVIL[target]}
    )

    assert response.status_code == 302
    assert_local(response["Location"])


def test_entering_the_two_step_code_honours_a_local_next(client, settings, reporter):
    from accounts import mfa

    settings.MFA_REQUIRED = True
    client.force_login(reporter)
    device = mfa.enrolment_device(reporter)

    response = client.post(
        reverse("accounts:mfa_setup"), {"code": _current_code(device), "next": "/guidance/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/guidance/"


@pytest.mark.parametrize("target", list(EVIL))
def test_bulk_assignment_never_sends_anyone_off_site(
    client, submitted_concern, hr_manager, investigator, target
):
    """The work queue posts `next` (its own address) so the manager returns to the same page."""
    client.force_login(hr_manager)

    response = client.post(
        reverse("incidents:bulk_assign"),
        {"concerns": [submitted_concern.pk], "assignee": investigator.pk, "next": EVIL[target]},
    )

    assert response.status_code == 302
    assert_local(response["Location"])


def test_bulk_assignment_returns_to_the_local_page_it_came_from(
    client, submitted_concern, hr_manager, investigator
):
    client.force_login(hr_manager)
    back = reverse("incidents:list") + "?queue=unassigned"

    response = client.post(
        reverse("incidents:bulk_assign"),
        {"concerns": [submitted_concern.pk], "assignee": investigator.pk, "next": back},
    )

    assert response.status_code == 302
    assert response["Location"] == back
