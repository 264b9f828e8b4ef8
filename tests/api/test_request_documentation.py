"""The documented request body of every API write is the web form that validates it: the
same field names, and a field is documented as required exactly when the form needs it.

The input serializers only document (api/serializers.py); the forms decide. This keeps
the two from drifting apart.
"""

from __future__ import annotations

import pytest

from api.views import ApiEvidenceForm
from incidents import workflow
from incidents.casework.forms import (
    ActionForm,
    AssignForm,
    FairnessForm,
    FindingsForm,
    NoteForm,
    TriageForm,
)
from incidents.intake.forms import ConcernForm

pytestmark = pytest.mark.django_db

# Made by their own serializer: there is no web form for them (the token page asks for a
# date, not a time, and offers only the service identities you may choose).
NOT_FORM_VALIDATED = {"tokens_create"}


def _documented(schema: dict, operation_id: str) -> dict:
    for item in schema["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                content = operation["requestBody"]["content"]
                media = next(iter(content))
                ref = content[media]["schema"]["$ref"].rsplit("/", 1)[-1]
                return schema["components"]["schemas"][ref]
    raise AssertionError(f"{operation_id} is not in the schema")


def _needed(form) -> set[str]:
    """What the API refuses if left out: required, and not posted by the page already
    (a choice with a value chosen in advance is taken as sent; api/formdata.py)."""
    return {
        name
        for name, field in form.fields.items()
        if field.required and form.get_initial_for_field(field, name) in (None, "")
    }


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


@pytest.fixture
def forms(org, reporter, investigating_concern):
    """Operation id -> (the form's field names as the API names them, what it needs)."""
    rows = list(investigating_concern.findings.select_related("section"))
    findings = FindingsForm(findings=rows)
    assert findings.finding_fields, "the concern has a confirmed section"
    as_api = {name: "findings" for _, name in findings.finding_fields}
    actions = [ActionForm(rule=rule) for rule in workflow.TRANSITIONS]
    evidence = ApiEvidenceForm(user=reporter)
    simple = {
        "concerns_create": ConcernForm(organisation=org),
        "concerns_triage": TriageForm(),
        "concerns_assign": AssignForm(),
        "concerns_fairness": FairnessForm(),
        "concerns_notes_create": NoteForm(),
    }
    return {
        **{key: (set(form.fields), _needed(form)) for key, form in simple.items()},
        # One body for every action: each action's inputs, needed by that action only
        # (GET .../actions/ says which an action needs).
        "concerns_act": (
            set().union(*(form.fields for form in actions)),
            set.intersection(*(_needed(form) for form in actions)),
        ),
        "concerns_findings": (
            {as_api.get(name, name) for name in findings.fields},
            _needed(findings),
        ),
        # The form checks for a file itself (clean_file), so that a page can offer a
        # file kept from an earlier attempt; the API has no such file.
        "concerns_evidence_create": (set(evidence.fields), _needed(evidence) | {"file"}),
    }


def test_every_write_is_documented_with_its_forms_fields(schema, forms):
    for operation_id, (names, needed) in forms.items():
        documented = _documented(schema, operation_id)
        assert set(documented["properties"]) == names, operation_id
        assert set(documented.get("required", [])) == needed, operation_id


def test_every_write_the_schema_lists_is_checked_here(schema, forms):
    writes = {
        operation["operationId"]
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in {"post", "put", "patch"} and "requestBody" in operation
    }
    assert writes == set(forms) | NOT_FORM_VALIDATED
