"""Property-based: whatever JSON is sent to an API write, the web form reads it (through
api/formdata.py) and the answer is a result or a clear refusal, never a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.properties.test_forms_never_fail import CASE_FIELDS, INTAKE_FIELDS, text

pytestmark = pytest.mark.django_db

scalar = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
finding = st.fixed_dictionaries({"section": value, "finding": value}) | value
CASE_WRITES = (
    "actions/start_triage/",
    "actions/dismiss/",
    "triage/",
    "assign/",
    "fairness/",
    "findings/",
    "notes/",
)
FIELDS = (*INTAKE_FIELDS, *CASE_FIELDS, "intake_token", "captured_url", "captured_at")
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@SETTINGS
@given(body=st.dictionaries(st.sampled_from(FIELDS), value) | value)
def test_creating_a_draft_never_fails(guidance, reporter, body):
    response = _client(reporter).post("/api/v1/concerns/", body, format="json")
    assert response.status_code < 500


@SETTINGS
@given(
    address=st.sampled_from(CASE_WRITES),
    body=st.dictionaries(st.sampled_from((*CASE_FIELDS, "findings")), value)
    | st.fixed_dictionaries({"findings": st.lists(finding, max_size=3)})
    | value,
)
def test_case_writes_never_fail(submitted_concern, hr_manager, address, body):
    url = f"/api/v1/concerns/{submitted_concern.pk}/{address}"
    response = _client(hr_manager).post(url, body, format="json")
    assert response.status_code < 500
