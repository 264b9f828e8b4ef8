"""Concerns at the end of their life: closed with evidence, notes and a full timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from guidance.models import CodeSection
from incidents.casework import services as casework
from incidents.intake import services as intake
from tests.factories import RIGHTS, concern_data, png_upload, rights_answers


def act(concern, actor, action, **inputs):
    concern.refresh_from_db()
    return casework.concern_act(
        concern=concern, actor=actor, action=action, expected_version=concern.version, inputs=inputs
    )


def close_with_finding(concern, hr_manager, investigator, finding="substantiated"):
    """Take a submitted concern through triage, investigation and decision to closure."""
    act(concern, hr_manager, "start_triage")
    concern.refresh_from_db()
    casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData(
            "misconduct", "high", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )
    concern.refresh_from_db()
    casework.concern_assign(
        concern=concern, actor=hr_manager, assignee=investigator, expected_version=concern.version
    )
    act(concern, investigator, "start_investigation", **RIGHTS)
    today = timezone.localdate()
    concern.refresh_from_db()
    casework.concern_record_fairness(
        concern=concern,
        actor=investigator,
        data=casework.FairnessData(
            allegation_notified_on=today - dt.timedelta(10),
            response_due_on=today - dt.timedelta(3),
            response_received_on=None,
        ),
        expected_version=concern.version,
    )
    concern.refresh_from_db()
    casework.concern_record_findings(
        concern=concern,
        actor=investigator,
        data=casework.FindingsData(
            findings={row.section_id: finding for row in concern.findings.all()},
            action_taken="formal_warning" if finding == "substantiated" else "none",
            outcome_summary="Jordan Example removed the post; a warning was issued.",
            rights=rights_answers(),
        ),
        expected_version=concern.version,
    )
    act(concern, investigator, "propose_decision")
    return act(concern, hr_manager, "close", reporter_message="Action has been taken.")


@pytest.fixture
def closed_concern(guidance, media, reporter, hr_manager, investigator):
    """Closed with a breach found, holding a screenshot, a note and the employee's name."""
    concern = intake.concern_create_draft(reporter=reporter, data=concern_data())
    intake.evidence_add(concern=concern, actor=reporter, upload=png_upload())
    concern.refresh_from_db()
    concern = intake.concern_submit(
        concern=concern, actor=reporter, expected_version=concern.version
    )
    casework.note_add(
        concern=concern, actor=hr_manager, text="Spoke with Jordan Example's manager on Tuesday."
    )
    return close_with_finding(concern, hr_manager, investigator)
