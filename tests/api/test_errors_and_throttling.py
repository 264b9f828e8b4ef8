"""One error shape everywhere, with a message a person can act on; a budget per account
across all its tokens; refused tokens recorded and throttled per address."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def test_no_credentials_401(api):
    response = api().get("/api/v1/concerns/")
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


def test_an_unknown_address_404_in_the_same_shape(api, reporter):
    for method in ("get", "post", "delete"):
        response = getattr(api(reporter), method)("/api/v1/nothing-here/")
        assert response.status_code == 404
        assert _error(response)["code"] == "not_found"


def test_a_concern_someone_may_not_see_is_not_found(api, submitted_concern, outsider):
    response = api(outsider).get(f"/api/v1/concerns/{submitted_concern.pk}/")
    assert response.status_code == 404
    assert _error(response) == {"code": "not_found", "message": "No such concern.", "fields": {}}


def test_refused_input_names_each_field(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/",
        {"occurred_on": "2999-01-01", "links": ["javascript:alert(1)"]},
        format="json",
    )
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert error["fields"]["occurred_on"] == ["The date can't be in the future."]
    assert "http:// or https://" in error["fields"]["links"][0]


def test_malformed_json_is_a_400_not_a_500(api, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert _error(response)["code"] == "parse_error"


def test_a_role_that_may_not_403(api, executive):
    response = api(executive).get("/api/v1/concerns/")
    assert response.status_code == 403
    assert _error(response)["message"] == "The concern list is for HR staff."


def test_a_workflow_refusal_is_409_with_the_reason(api, submitted_concern, hr_manager):
    response = api(hr_manager).post(
        f"/api/v1/concerns/{submitted_concern.pk}/actions/close/",
        {"version": submitted_concern.version},
        format="json",
    )
    assert response.status_code in (403, 409)
    assert _error(response)["message"]


def test_requests_beyond_the_budget_get_429_with_retry_after(settings, api, reporter):
    settings.API_REQUESTS_PER_MINUTE = 3
    client = api(reporter, "read")
    statuses = [client.get("/api/v1/sections/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/sections/")
    error = _error(response)
    assert error["code"] == "throttled"
    assert "Try again in" in error["message"]
    assert int(response["Retry-After"]) > 0


def test_more_tokens_do_not_multiply_a_persons_budget(
    settings, api, reporter, second_reporter, make_token
):
    settings.API_REQUESTS_PER_MINUTE = 2
    first, second = api(token=make_token(reporter)), api(token=make_token(reporter))
    assert [first.get("/api/v1/sections/").status_code for _ in range(2)] == [200, 200]
    refused = second.get("/api/v1/sections/")
    assert refused.status_code == 429
    assert "all its tokens count together" in _error(refused)["message"]
    assert api(second_reporter).get("/api/v1/sections/").status_code == 200


def test_a_service_identitys_tokens_share_its_budget(
    settings, api, make_token, hr_manager, hr_system
):
    settings.API_REQUESTS_PER_MINUTE = 2
    first = api(token=make_token(hr_system, actor=hr_manager))
    second = api(token=make_token(hr_system, actor=hr_manager))
    assert first.get("/api/v1/sections/").status_code == 200
    assert second.get("/api/v1/sections/").status_code == 200
    assert first.get("/api/v1/sections/").status_code == 429
    assert api(hr_manager).get("/api/v1/sections/").status_code == 200


# --- Refused tokens -----------------------------------------------------------------


def test_a_refused_token_is_recorded_as_a_security_event(api, reporter, make_token):
    from accounts.models import SecurityEvent
    from api import tokens
    from api.models import ApiToken

    plaintext = make_token(reporter)
    tokens.token_revoke(token=ApiToken.objects.get(), actor=reporter)
    assert api(token=plaintext).get("/api/v1/sections/").status_code == 401
    assert api(token="smct_nothere_guess").get("/api/v1/sections/").status_code == 401

    revoked, unknown = SecurityEvent.objects.filter(kind="api_token_refused").order_by("pk")
    prefix, secret = tokens.parse(plaintext)
    assert revoked.user == reporter and revoked.ip_address == "127.0.0.1"
    assert revoked.detail == f"smct_{prefix}: revoked"
    assert secret not in revoked.detail
    assert unknown.user is None and unknown.detail == "smct_nothere: unknown token"


def test_refused_tokens_are_throttled_per_address(api, reporter, make_token):
    from accounts.models import SecurityEvent
    from api.throttles import BAD_TOKEN_LIMIT

    guesser = api(token="smct_abcdef_guess")
    statuses = [guesser.get("/api/v1/sections/").status_code for _ in range(BAD_TOKEN_LIMIT)]
    assert statuses == [401] * BAD_TOKEN_LIMIT

    throttled = guesser.get("/api/v1/sections/")
    assert throttled.status_code == 429
    error = _error(throttled)
    assert error["code"] == "throttled"
    assert "tokens that are not valid came from this address" in error["message"]
    assert int(throttled["Retry-After"]) > 0
    # Nothing more is looked up or recorded for that address for a while.
    assert SecurityEvent.objects.filter(kind="api_token_refused").count() == BAD_TOKEN_LIMIT

    elsewhere = api(reporter, "read")
    assert elsewhere.get("/api/v1/sections/", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_a_made_up_forwarded_address_does_not_escape_the_refused_token_throttle(api):
    from api.throttles import BAD_TOKEN_LIMIT

    guesser = api(token="smct_abcdef_guess")
    statuses = [
        guesser.get("/api/v1/sections/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(BAD_TOKEN_LIMIT + 1)
    ]
    assert statuses == [401] * BAD_TOKEN_LIMIT + [429]
