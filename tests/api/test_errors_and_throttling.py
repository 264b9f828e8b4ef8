"""One error shape everywhere, with a message a person can act on; a budget per token."""

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


def test_each_token_has_its_own_budget(settings, api, reporter, make_token):
    settings.API_REQUESTS_PER_MINUTE = 2
    first, second = api(token=make_token(reporter)), api(token=make_token(reporter))
    assert [first.get("/api/v1/sections/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/sections/").status_code == 200
