"""Mass assignment: no form lets a user set the fields the server owns.

The server alone decides a concern's status, organisation, reporter, reference,
restriction, timestamps and version. Two layers are checked:

* statically, every form class in the project lists its fields explicitly and
  declares none of the server-owned names (the hidden optimistic-locking `version`
  and the two assignment forms' `assignee` are the deliberate exceptions);
* through the views, every create and update POST is sent its normal valid data plus
  every server-owned field with a hostile value, and afterwards only what the action
  itself changes has changed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse

from guidance.models import CodeSection, PlatformCategory
from incidents.models import Concern, Evidence, Note, Status
from reporting.models import ExportJob
from tests.factories import make_concern, png_upload

# The factories' concerns are about private use: a file needs its reason (issue 19).
RELEVANT = "It names the agency and a client."

pytestmark = pytest.mark.django_db

FORM_MODULES = (
    "incidents.intake.forms",
    "incidents.casework.forms",
    "reporting.forms",
    "accounts.forms",
    "records.forms",
    "imports.forms",
)

# Names a form must never offer: the server sets them.
SERVER_OWNED = (
    "status",
    "organisation",
    "reporter",
    "assignee",
    "restricted",
    "version",
    "reference",
    "escalated_for",
    "closed_at",
    "submitted_at",
    "triaged_at",
)

# (form, field) pairs that legitimately carry one of those names, and why.
LEGITIMATE = {
    ("AssignForm", "assignee"): "choosing the investigator is what the form is for",
    ("BulkAssignForm", "assignee"): "choosing the investigator is what the form is for",
    ("QueueFilterForm", "status"): "a GET filter on the HR work queue; it writes nothing",
    ("ReportFilterForm", "organisation"): (
        "a GET filter for sector analysts only (deleted for everyone else); it writes nothing"
    ),
}


def _project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                found.append(cls)
    return found


def _instances_with_dynamic_fields(org) -> list[forms.BaseForm]:
    """Forms that add fields in __init__, built so those fields are checked too."""
    from incidents import workflow
    from incidents.casework.forms import ActionForm, FindingsForm
    from incidents.intake.forms import ConcernForm

    built: list[forms.BaseForm] = [
        ConcernForm(organisation=org),
        FindingsForm(findings=()),
    ]
    built += [ActionForm(rule=rule) for rule in workflow.TRANSITIONS]
    return built


def _version_field_is_the_hidden_lock(field: forms.Field) -> bool:
    return isinstance(field, forms.IntegerField) and isinstance(field.widget, forms.HiddenInput)


def test_the_project_has_forms_to_check():
    names = {cls.__name__ for cls in _project_forms()}
    assert {"ConcernForm", "EvidenceForm", "TriageForm", "NoteForm", "SignInForm"} <= names


def test_no_model_form_takes_all_fields_or_excludes_some():
    offending = []
    for cls in _project_forms():
        if not issubclass(cls, forms.BaseModelForm):
            continue
        meta = getattr(cls, "Meta", None)
        fields = getattr(meta, "fields", None)
        if fields == forms.ALL_FIELDS or not isinstance(fields, list | tuple):
            offending.append(f"{cls.__name__}: fields must be an explicit list")
        if getattr(meta, "exclude", None):
            offending.append(f"{cls.__name__}: uses exclude")
    assert offending == []


def _offending_fields(form_name: str, fields: dict[str, forms.Field]) -> list[str]:
    offending = []
    for name, field in fields.items():
        base = name.removesuffix("_id")
        if base not in SERVER_OWNED or (form_name, base) in LEGITIMATE:
            continue
        if base == "version" and _version_field_is_the_hidden_lock(field):
            continue
        offending.append(f"{form_name}.{name}")
    return offending


def test_no_form_declares_a_field_the_server_owns():
    offending = []
    for cls in _project_forms():
        offending += _offending_fields(cls.__name__, cls.base_fields)
    assert offending == []


def test_no_form_adds_a_field_the_server_owns_when_built(org):
    offending = []
    for form in _instances_with_dynamic_fields(org):
        offending += _offending_fields(type(form).__name__, form.fields)
    assert offending == []


def test_the_allowed_exceptions_still_exist():
    """An exception for a field that has gone would silently allow it back later."""
    declared = {(cls.__name__, name) for cls in _project_forms() for name in cls.base_fields}
    assert set(LEGITIMATE) <= declared


# --- Through the views -----------------------------------------------------------------

WATCHED = (
    "status",
    "organisation_id",
    "reporter_id",
    "assignee_id",
    "restricted",
    "reference",
    "version",
    "submitted_at",
    "closed_at",
    "escalated_for",
    "triaged_at",
    "due_on",
)


def _snapshot(concern: Concern) -> dict:
    row = Concern.objects.get(pk=concern.pk)
    return {name: getattr(row, name) for name in WATCHED}


def _changed(before: dict, after: dict) -> set[str]:
    return {name for name in WATCHED if before[name] != after[name]}


@pytest.fixture
def hostile(other_org, second_reporter, outsider):
    """Every server-owned field with a value an attacker would like."""
    values = {
        "status": Status.CLOSED,
        "organisation": other_org.pk,
        "organisation_id": other_org.pk,
        "reporter": second_reporter.pk,
        "reporter_id": second_reporter.pk,
        "assignee": outsider.pk,
        "assignee_id": outsider.pk,
        "restricted": "true",
        "reference": "HACKED",
        "version": "999",
        "submitted_at": "2000-01-01 00:00",
        "closed_at": "2000-01-01 00:00",
        "escalated_for": "x",
        "triaged_at": "2000-01-01 00:00",
        "due_on": "2000-01-01",
    }

    def extra(data: dict) -> dict:
        merged = dict(values)
        merged.update(data)  # a field the form really has keeps its honest value
        return merged

    return extra


def _intake(**overrides) -> dict:
    data = {
        "occurred_on": "2026-03-14",
        "description": "Posted a photo of a client file.",
        "platform_category": PlatformCategory.objects.get(code="social-networking").pk,
        "platform_name": "Facebook",
        "links": "https://www.facebook.com/some.post/123",
        "use_context": "private",
        "subject_name": "Jordan Example",
        "subject_position": "Case Officer",
        "sections": [CodeSection.objects.current().get(code="6.2").pk],
        "possible_pid": "no",
    }
    data.update(overrides)
    return data


def _recent(value) -> bool:
    return value is not None and value.year > 2000


def test_create_ignores_every_server_owned_field(client, guidance, reporter, hostile):
    client.force_login(reporter)

    response = client.post(reverse("incidents:create"), hostile(_intake()))

    assert response.status_code == 302
    concern = Concern.objects.get()
    assert _snapshot(concern) == {
        "status": Status.DRAFT,
        "organisation_id": reporter.organisation_id,
        "reporter_id": reporter.pk,
        "assignee_id": None,
        "restricted": False,
        "reference": "",
        "version": 1,
        "submitted_at": None,
        "closed_at": None,
        "escalated_for": "",
        "triaged_at": None,
        "due_on": None,
    }


def test_edit_changes_only_the_version(client, draft_concern, reporter, hostile):
    before = _snapshot(draft_concern)
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:edit", args=[draft_concern.pk]),
        hostile(_intake(description="Edited.", version=draft_concern.version)),
    )

    assert response.status_code == 302
    after = _snapshot(draft_concern)
    assert _changed(before, after) == {"version"}
    assert after["version"] == before["version"] + 1


def test_evidence_upload_changes_nothing_on_the_concern_and_keeps_its_own_facts(
    client, media, draft_concern, reporter, outsider, hostile
):
    other = make_concern(outsider)
    before = _snapshot(draft_concern)
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:evidence_upload", args=[draft_concern.pk]),
        hostile(
            {
                "file": png_upload(),
                "relevance": RELEVANT,
                "post_deleted": "unsure",
                "concern": other.pk,
                "uploaded_by": outsider.pk,
                "sha256": "0" * 64,
                "size": "1",
                "content_type": "text/html",
                "original_name": "evil.html",
            }
        ),
    )

    assert response.status_code == 302
    assert _changed(before, _snapshot(draft_concern)) == set()
    evidence = Evidence.objects.get()
    assert evidence.concern_id == draft_concern.pk
    assert evidence.uploaded_by_id == reporter.pk
    assert evidence.sha256 != "0" * 64 and evidence.size > 1
    assert evidence.content_type == "image/png"
    assert evidence.original_name == "screenshot.png"
    assert not other.evidence.exists()


def test_triage_changes_only_the_version(client, submitted_concern, hr_manager, hostile):
    before = _snapshot(submitted_concern)
    client.force_login(hr_manager)

    response = client.post(
        reverse("incidents:triage", args=[submitted_concern.pk]),
        hostile(
            {
                "version": submitted_concern.version,
                "graduated_response": "informal",
                "risk_rating": "low",
                "sections": [CodeSection.objects.current().get(code="6.2").pk],
            }
        ),
    )

    assert response.status_code == 302
    after = _snapshot(submitted_concern)
    assert _changed(before, after) == {"version"}
    assert after["version"] == before["version"] + 1


def test_fairness_changes_only_the_version(client, investigating_concern, investigator, hostile):
    before = _snapshot(investigating_concern)
    client.force_login(investigator)

    response = client.post(
        reverse("incidents:fairness", args=[investigating_concern.pk]),
        hostile({"version": investigating_concern.version, "allegation_notified_on": "2026-01-05"}),
    )

    assert response.status_code == 302
    after = _snapshot(investigating_concern)
    assert _changed(before, after) == {"version"}
    assert after["version"] == before["version"] + 1


def test_findings_change_only_the_version(client, investigating_concern, investigator, hostile):
    before = _snapshot(investigating_concern)
    client.force_login(investigator)

    response = client.post(
        reverse("incidents:findings", args=[investigating_concern.pk]),
        hostile(
            {
                "version": investigating_concern.version,
                "action_taken": "",
                "outcome_summary": "In progress.",
            }
        ),
    )

    assert response.status_code == 302
    after = _snapshot(investigating_concern)
    assert _changed(before, after) == {"version"}
    assert after["version"] == before["version"] + 1


def test_start_triage_moves_to_triage_and_takes_nothing_else_from_the_request(
    client, submitted_concern, hr_manager, hostile
):
    before = _snapshot(submitted_concern)
    client.force_login(hr_manager)

    response = client.post(
        reverse("incidents:act", args=[submitted_concern.pk, "start_triage"]),
        hostile({"version": submitted_concern.version}),
    )

    assert response.status_code == 302
    after = _snapshot(submitted_concern)
    assert _changed(before, after) <= {"status", "version", "triaged_at", "due_on"}
    assert after["status"] == Status.TRIAGE
    assert after["version"] == before["version"] + 1
    assert _recent(after["triaged_at"])
    assert after["due_on"] is not None and after["due_on"] > dt.date(2000, 1, 1)


def test_adding_a_note_changes_nothing_on_the_concern(
    client, submitted_concern, hr_manager, outsider, hostile
):
    other = make_concern(outsider)
    before = _snapshot(submitted_concern)
    client.force_login(hr_manager)

    response = client.post(
        reverse("incidents:add_note", args=[submitted_concern.pk]),
        hostile(
            {
                "text": "Spoke to the reporter.",
                "author": outsider.pk,
                "concern": other.pk,
                "created_at": "2000-01-01 00:00",
            }
        ),
    )

    assert response.status_code == 302
    assert _changed(before, _snapshot(submitted_concern)) == set()
    note = Note.objects.get()
    assert (note.concern_id, note.author_id) == (submitted_concern.pk, hr_manager.pk)
    assert _recent(note.created_at)
    assert not other.notes.exists()


def test_an_export_job_belongs_to_the_requester_and_their_organisation(
    client, guidance, submitted_concern, executive, outsider, other_org, hostile
):
    before = _snapshot(submitted_concern)
    client.force_login(executive)

    response = client.post(
        reverse("reports:export_job_create"),
        hostile(
            {
                "requested_by": outsider.pk,
                "organisation_ids": other_org.pk,
                "state": ExportJob.State.DONE,
                "progress": "100",
                "file": "exports/other.xlsx",
                "error": "x",
            }
        ),
    )

    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.requested_by_id == executive.pk
    assert job.organisation_ids == [executive.organisation_id]
    assert job.state == ExportJob.State.QUEUED
    assert job.progress == 0 and not job.file and job.error == ""
    assert _changed(before, _snapshot(submitted_concern)) == set()
