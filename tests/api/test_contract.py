"""Contract tests: schemathesis generates requests from the live OpenAPI schema and sends
each one, in-process through the WSGI application, with a token for every role (and one
for a service identity).

No answer may be a server error, and every answer must match the schema (status code,
content type and body). Path ids are mapped onto real concerns and files, so the
generated requests reach real records in every state, not only 404s.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from incidents.intake import services as intake
from tests.factories import make_concern, png_upload

ROLES = ("reporter", "investigator", "hr_manager", "executive", "outsider")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Generated examples only (the exhaustive "coverage" phase would take many minutes); the
# count per operation is bounded below, so the whole file runs in about two minutes.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
# Fetched from the application itself at collection, as any client would fetch it.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """A real WSGI handler closes the database connection around each request, which would
    end the test's transaction on PostgreSQL; Django's test client switches that off the
    same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(request, settings, guidance, media, make_token, reporter, investigating_concern):
    """Concerns in several states, a file on a draft, and a token for each role."""
    settings.REPORT_CACHE_SECONDS = 300  # as in production: figures built once per filter set
    draft = make_concern(reporter, submit=False)
    evidence = intake.evidence_add(concern=draft, actor=reporter, upload=png_upload())
    submitted = make_concern(reporter)
    tokens = {role: make_token(request.getfixturevalue(role), "read_write") for role in ROLES}
    # A system's token: a service identity's, made by an HR manager holding its role.
    tokens["service"] = make_token(
        request.getfixturevalue("hr_system"),
        "read_write",
        actor=request.getfixturevalue("hr_manager"),
    )
    return {
        "concerns": [draft.pk, submitted.pk, investigating_concern.pk],
        "evidence": evidence.pk,
        "tokens": tokens,
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_schema_for_every_role(case, world):
    parameters = case.path_parameters or {}
    if "id" in parameters and "/tokens/" not in case.operation.path:
        concerns = world["concerns"]
        generated = parameters["id"] if isinstance(parameters["id"], int) else 0
        parameters["id"] = concerns[generated % len(concerns)]
    if "evidence_pk" in parameters:
        parameters["evidence_pk"] = world["evidence"]
    for token in world["tokens"].values():
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)


# Tokens are managed with the signed-in session only, so the test above sees 403 there.
# Here the same checks run for those operations as a signed-in person (with the CSRF pair a
# browser sends), so the answers a person gets are checked against the schema too.
tokens_schema = schema.include(path_regex="^/api/v1/tokens/")


@pytest.fixture
def signed_in(client, reporter, hr_manager, make_token):
    from django.conf import settings as django_settings
    from django.middleware.csrf import _get_new_csrf_string

    make_token(reporter, "read", name="Reporter's")
    client.force_login(hr_manager)
    csrf = _get_new_csrf_string()
    cookies = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        django_settings.CSRF_COOKIE_NAME: csrf,
    }
    return {"cookies": cookies, "headers": {"X-CSRFToken": csrf}}


@pytest.mark.django_db
@tokens_schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_token_answers_to_a_signed_in_person_match_the_schema(case, signed_in):
    from api.models import ApiToken

    parameters = case.path_parameters or {}
    if "id" in parameters:
        ids = list(ApiToken.objects.values_list("pk", flat=True)) or [1]
        generated = parameters["id"] if isinstance(parameters["id"], int) else 0
        parameters["id"] = ids[generated % len(ids)]
    response = case.call(cookies=signed_in["cookies"], headers=signed_in["headers"])
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
def test_a_made_token_matches_the_schema(signed_in):
    import datetime as dt

    from django.utils import timezone

    expires = (timezone.now() + dt.timedelta(days=7)).isoformat()
    case = schema["/api/v1/tokens/"]["POST"].Case(
        body={"name": "Power BI", "scope": "read", "expires_at": expires},
        media_type="application/json",
    )
    response = case.call(cookies=signed_in["cookies"], headers=signed_in["headers"])
    assert response.status_code == 201
    case.validate_response(response, checks=CHECKS)
    assert response.json()["token"].startswith("smct_")
