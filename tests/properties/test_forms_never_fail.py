"""Property-based: whatever is posted to the intake and workflow forms, the answer is a
page or a clear refusal (2xx, 3xx or 4xx), never a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.models import Status

pytestmark = pytest.mark.django_db

# Any text, including control characters, lone surrogates removed (they can't be encoded
# into a request at all), and values shaped like ids, dates and numbers.
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300
) | st.sampled_from(
    ["", "0", "-1", "99999999999999999999999", "2026-02-30", "1e9", "null", "<script>", "=1+1"]
)
INTAKE_FIELDS = (
    "occurred_on",
    "description",
    "platform_category",
    "platform_name",
    "links",
    "use_context",
    "subject_name",
    "subject_position",
    "subject_business_unit",
    "subject_not_known",
    "sections",
    "possible_pid",
    "q_official_account",
    "q_identifiable",
)
CASE_FIELDS = (
    "version",
    "graduated_response",
    "risk_rating",
    "sections",
    "assignee",
    "reason",
    "referred_to",
    "reporter_message",
    "allegation_notified_on",
    "response_due_on",
    "response_received_on",
    "action_taken",
    "outcome_summary",
    "text",
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=st.dictionaries(st.sampled_from(INTAKE_FIELDS), text, max_size=len(INTAKE_FIELDS)))
def test_intake_never_fails(client, guidance, reporter, data):
    client.force_login(reporter)
    response = client.post(reverse("incidents:create"), data)
    assert response.status_code < 500


@SETTINGS
@given(
    action=st.sampled_from(
        ["start_triage", "dismiss", "refer", "close", "reopen", "withdraw", "bogus"]
    ),
    view=st.sampled_from(["triage", "assign", "fairness", "findings", "add_note", "restrict"]),
    data=st.dictionaries(st.sampled_from(CASE_FIELDS), text, max_size=len(CASE_FIELDS)),
)
def test_workflow_forms_never_fail(client, submitted_concern, hr_manager, action, view, data):
    client.force_login(hr_manager)
    acted = client.post(reverse("incidents:act", args=[submitted_concern.pk, action]), data)
    assert acted.status_code < 500
    posted = client.post(reverse(f"incidents:{view}", args=[submitted_concern.pk]), data)
    assert posted.status_code < 500
    submitted_concern.refresh_from_db()
    assert submitted_concern.status in Status.values
