"""Ids and numbers too large for the database are refused as the input they are.

An id past the 64-bit range once reached SQLite's driver and answered 500 (HTML, even
under /api/). Every address that takes an id is tried here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

HUGE = "9" * 25
PLACEHOLDER = 7_654_321


def _id_routes(resolver=None, prefix=""):
    """(route text, name) for every URL pattern that takes an `<id:...>`."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _id_routes(entry, route)
        elif isinstance(entry, URLPattern) and ("<id:" in route or "<int:" in route):
            yield route


def _path_with(route: str, number: str) -> str:
    import re

    path = re.sub(r"<(?:id|int):[^>]+>", number, route)
    path = re.sub(r"<slug:action>", "close", path)
    path = re.sub(r"<[^>]+>", "x", path)
    return "/" + path.lstrip("^").rstrip("$")


ROUTES = sorted(set(_id_routes()))


def test_every_id_route_is_covered():
    assert len(ROUTES) >= 30, ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_an_id_beyond_64_bits_is_404_not_a_server_error(client, hr_manager, administrator, route):
    path = _path_with(route, HUGE)
    is_admin = not path.startswith(("/concerns/", "/reports/", "/records/", "/imports/", "/api/"))
    client.force_login(administrator if is_admin else hr_manager)
    for method in ("get", "post"):
        response = getattr(client, method)(path, {"version": HUGE})
        expected = (403, 404) if is_admin else (404,)
        assert response.status_code in expected, (method, path, response.status_code)
        if path.startswith("/api/v1/"):
            assert response["Content-Type"].startswith("application/json")


def test_administrators_cannot_read_a_persons_authenticator_secret(
    client, administrator, hr_manager
):
    """The admin's device pages once showed the secret and its QR code (and answered 500
    for an id that does not exist)."""
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=hr_manager, name="phone", confirmed=True)
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    base = f"/{settings.ADMIN_URL}otp_totp/totpdevice/{device.pk}/"
    for page in ("config/", "qrcode/"):
        response = client.get(base + page)
        assert response.status_code == 403
        assert device.key not in response.content.decode(errors="replace")


@pytest.mark.parametrize("who", ["outsider", "investigator_of_another", "conflicted", "reporter"])
def test_a_forbidden_concern_costs_what_a_missing_one_does(
    client, guidance, org, reporter, second_reporter, investigator, outsider, who
):
    """A forbidden id once ran more queries than a missing one (its permission checks),
    so the time of a 404 told whether a concern existed. The same queries now run, in the
    same shapes, for both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role
    from tests.factories import UserFactory, make_concern

    target = make_concern(second_reporter)
    person = {
        "outsider": outsider,
        "investigator_of_another": investigator,
        "conflicted": UserFactory(username="aside", organisation=org, roles=[Role.HR_MANAGER]),
        "reporter": reporter,
    }[who]
    if who == "investigator_of_another":
        target.assignee = UserFactory(
            username="other_inv", organisation=org, roles=[Role.INVESTIGATOR]
        )
        target.save()
    if who == "conflicted":
        from incidents.models import ConflictDeclaration

        ConflictDeclaration.objects.create(concern=target, user=person, reason="Stepped aside")
    missing = target.pk + 1000
    client.force_login(person)
    client.get("/")  # warm the session and the person's roles

    def queries(pk):
        with CaptureQueriesContext(connection) as seen:
            assert client.get(f"/concerns/{pk}/").status_code == 404
        import re

        return [
            re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "S", q["sql"]))
            for q in seen.captured_queries
        ]

    assert queries(target.pk) == queries(missing)
