"""Contract tests: schemathesis generates requests from the live OpenAPI schema and sends
each one, in-process through the WSGI application, with a token for every role.

No answer may be a server error, and every answer must match the schema (status code,
content type and body). Path ids are mapped onto real concerns and files, so the
generated requests reach real records in every state, not only 404s.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from incidents import services
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


@pytest.fixture
def world(request, settings, guidance, media, make_token, reporter, investigating_concern):
    """Concerns in several states, a file on a draft, and a token for each role."""
    settings.REPORT_CACHE_SECONDS = 300  # as in production: figures built once per filter set
    draft = make_concern(reporter, submit=False)
    evidence = services.evidence_add(concern=draft, actor=reporter, upload=png_upload())
    submitted = make_concern(reporter)
    tokens = {role: make_token(request.getfixturevalue(role), "read_write") for role in ROLES}
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
