"""Personal API tokens: stored hashed, scoped, expiring, revocable, each use recorded."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from api import tokens
from api.models import ApiToken, ApiTokenUse
from audit.models import Event
from config.errors import Refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _expiry(days=30):
    return timezone.now() + dt.timedelta(days=days)


def test_only_a_hash_of_the_secret_is_stored(reporter):
    token, plaintext = tokens.token_create(
        actor=reporter, user=reporter, name="BI", scope="read", expires_at=_expiry()
    )
    prefix, secret = tokens.parse(plaintext)
    stored = ApiToken.objects.get(pk=token.pk)
    assert plaintext.startswith("smct_") and stored.prefix == prefix
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert Event.objects.filter(kind="api_token_created", actor=reporter).exists()


def test_each_use_is_recorded_with_when_and_what(api, reporter, make_token):
    plaintext = make_token(reporter, "read")
    client = api(token=plaintext)
    client.get("/api/v1/sections/")
    client.get("/api/v1/platforms/")

    token = ApiToken.objects.get(user=reporter)
    uses = list(ApiTokenUse.objects.filter(token=token).order_by("at", "pk"))
    assert [(u.method, u.path) for u in uses] == [
        ("GET", "/api/v1/sections/"),
        ("GET", "/api/v1/platforms/"),
    ]
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="wrong-secret"),
        pytest.param(lambda t: "smct_nothere_" + t.rsplit("_", 1)[1], id="unknown-prefix"),
        pytest.param(lambda t: "not-a-token", id="not-a-token"),
        pytest.param(lambda t: "", id="empty"),
    ],
)
def test_a_wrong_token_gets_401_in_the_error_shape(api, reporter, make_token, mangle):
    response = api(token=mangle(make_token(reporter))).get("/api/v1/sections/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert "API token is not valid" in response.json()["error"]["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not ApiTokenUse.objects.exists()


def test_an_expired_token_is_refused(api, reporter, make_token):
    plaintext = make_token(reporter)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api(token=plaintext).get("/api/v1/sections/").status_code == 401


def test_a_revoked_token_is_refused_at_once(api, reporter, make_token):
    plaintext = make_token(reporter)
    client = api(token=plaintext)
    assert client.get("/api/v1/sections/").status_code == 200
    tokens.token_revoke(token=ApiToken.objects.get(), actor=reporter)
    assert client.get("/api/v1/sections/").status_code == 401
    assert Event.objects.filter(kind="api_token_revoked").count() == 1


def test_a_deactivated_persons_token_stops_working(api, reporter, make_token):
    plaintext = make_token(reporter)
    reporter.is_active = False
    reporter.save()
    assert api(token=plaintext).get("/api/v1/sections/").status_code == 401


def test_a_read_only_token_cannot_write(api, reporter, guidance):
    response = api(reporter, "read").post("/api/v1/concerns/", {}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]


def test_the_expiry_is_required_and_bounded(reporter, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    with pytest.raises(Refused, match="at most 30 days"):
        tokens.token_create(
            actor=reporter, user=reporter, name="x", scope="read", expires_at=_expiry(31)
        )
    with pytest.raises(Refused, match="future"):
        tokens.token_create(
            actor=reporter, user=reporter, name="x", scope="read", expires_at=_expiry(-1)
        )


def test_an_hr_manager_cannot_make_a_token_for_another_person(hr_manager, reporter, investigator):
    for person in (reporter, investigator):
        with pytest.raises(Refused, match="always for the person who makes it"):
            tokens.token_create(
                actor=hr_manager, user=person, name="x", scope="read", expires_at=_expiry()
            )
    assert not ApiToken.objects.exists()


def test_hr_managers_make_tokens_for_their_organisations_service_identities_only(
    hr_manager, hr_system, other_org
):
    from tests.factories import ServiceIdentityFactory

    token, _ = tokens.token_create(
        actor=hr_manager, user=hr_system, name="HR system", scope="read", expires_at=_expiry()
    )
    assert token.user == hr_system and token.created_by == hr_manager
    elsewhere = ServiceIdentityFactory(
        username="other-system", organisation=other_org, roles=[Role.HR_MANAGER]
    )
    with pytest.raises(Refused):
        tokens.token_create(
            actor=hr_manager, user=elsewhere, name="x", scope="read", expires_at=_expiry()
        )


def test_other_people_make_tokens_only_for_themselves(reporter, second_reporter, executive):
    for actor in (second_reporter, executive):
        with pytest.raises(Refused):
            tokens.token_create(
                actor=actor, user=reporter, name="x", scope="read", expires_at=_expiry()
            )


def test_token_management_needs_the_session_not_a_token(api, reporter):
    response = api(reporter, "read_write").get("/api/v1/tokens/")
    assert response.status_code == 403
    assert "signed in" in response.json()["error"]["message"]


def test_a_signed_in_person_makes_lists_and_revokes_a_token_through_the_api(reporter):
    client = APIClient()
    client.force_login(reporter)
    made = client.post(
        "/api/v1/tokens/",
        {"name": "Power BI", "scope": "read", "expires_at": _expiry(10).isoformat()},
        format="json",
    )
    assert made.status_code == 201, made.json()
    plaintext = made.json()["token"]
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [row["name"] for row in listed] == ["Power BI"]
    assert "token" not in listed[0], "the token itself is shown once only"

    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert reader.get("/api/v1/sections/").status_code == 200

    revoked = client.delete(f"/api/v1/tokens/{made.json()['id']}/")
    assert revoked.json()["state"] == "revoked"
    assert reader.get("/api/v1/sections/").status_code == 401


def test_an_hr_manager_sees_and_revokes_tokens_of_their_organisation(
    hr_manager, reporter, outsider, make_token
):
    make_token(reporter, name="Reporter's")
    make_token(outsider, name="Outsider's")
    client = APIClient()
    client.force_login(hr_manager)
    names = [row["name"] for row in client.get("/api/v1/tokens/").json()["results"]]
    assert names == ["Reporter's"]
    outsiders = ApiToken.objects.get(user=outsider)
    assert client.delete(f"/api/v1/tokens/{outsiders.pk}/").status_code == 404


# --- The web pages ----------------------------------------------------------------------


def test_the_token_page_shows_the_new_token_once(client, reporter):
    client.force_login(reporter)
    expires = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("api:tokens"), {"name": "Power BI", "scope": "read", "expires_on": expires}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=reporter)
    plaintext = response.context["plaintext"]
    assert plaintext in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert tokens.find_active(plaintext) == token

    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Power BI" in listing and plaintext not in listing


def test_the_token_page_refuses_a_past_or_too_distant_expiry(client, reporter, settings):
    settings.API_TOKEN_MAX_DAYS = 10
    client.force_login(reporter)
    for days in (0, 11):
        expires = (timezone.localdate() + dt.timedelta(days=days)).isoformat()
        response = client.post(
            reverse("api:tokens"), {"name": "x", "scope": "read", "expires_on": expires}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["expires_on"]
    assert not ApiToken.objects.exists()


def test_the_token_page_no_longer_offers_other_people(client, hr_manager, reporter):
    client.force_login(hr_manager)
    page = client.get(reverse("api:tokens"))
    assert "user" not in page.context["form"].fields
    assert "Acts as" not in page.content.decode()
    expires = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data = {"name": "HR system", "scope": "read_write", "expires_on": expires}
    refused = client.post(reverse("api:tokens"), {**data, "user": reporter.pk})
    assert refused.status_code == 400
    assert "always for the person who makes it" in refused.content.decode()
    assert not ApiToken.objects.exists()


def test_an_hr_manager_makes_a_service_identitys_token_on_the_page(
    client, hr_manager, hr_system, other_org
):
    from tests.factories import ServiceIdentityFactory

    elsewhere = ServiceIdentityFactory(
        username="other-system", organisation=other_org, roles=[Role.HR_MANAGER]
    )
    client.force_login(hr_manager)
    expires = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data = {"name": "HR system", "scope": "read_write", "expires_on": expires}
    response = client.post(reverse("api:tokens"), {**data, "service": hr_system.pk})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.user == hr_system and token.created_by == hr_manager
    assert "HR system (service identity)" in response.content.decode()

    refused = client.post(reverse("api:tokens"), {**data, "service": elsewhere.pk})
    assert refused.status_code == 400
    assert ApiToken.objects.count() == 1


def test_revoking_from_the_page(client, reporter, make_token):
    make_token(reporter)
    token = ApiToken.objects.get()
    client.force_login(reporter)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.state == "revoked"


def test_someone_without_an_organisation_cannot_hold_tokens(client):
    loner = UserFactory(username="loner", organisation=None, roles=[Role.REPORTER])
    client.force_login(loner)
    assert client.get(reverse("api:tokens")).status_code == 403


def test_administrators_see_and_revoke_tokens_but_never_edit_them(
    client, administrator, reporter, make_token
):
    from django.conf import settings
    from django.contrib.auth.models import Permission

    administrator.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    make_token(reporter, name="Power BI")
    token = ApiToken.objects.get()
    client.force_login(administrator)

    base = f"/{settings.ADMIN_URL}api/apitoken/"
    listing = client.get(base)
    assert listing.status_code == 200 and "Power BI" in listing.content.decode()
    assert client.get(f"{base}add/").status_code == 403
    response = client.post(base, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == administrator
