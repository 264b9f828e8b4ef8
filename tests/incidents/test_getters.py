"""The getters of incidents.permissions: a concern, an evidence file and a person (for an
access-request export) answer 404 for one that does not exist and for one the user may
not see alike, in the answer and in the queries it took."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from incidents import permissions
from incidents.intake import services as intake
from tests.factories import png_upload

pytestmark = pytest.mark.django_db

MISSING = 10**9


def _query_shapes(call) -> list[str]:
    """The queries `call` ran (numbers and strings blanked out), after checking it said 404."""
    with CaptureQueriesContext(connection) as seen, pytest.raises(Http404):
        call()
    return [
        re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "S", query["sql"]))
        for query in seen.captured_queries
    ]


# --- Concerns ----------------------------------------------------------------------------


def test_an_outsider_gets_404_for_a_concern_with_the_work_of_a_missing_one(
    submitted_concern, outsider
):
    assert outsider.roles  # read once, as a request has before it reaches the getter

    forbidden = _query_shapes(
        lambda: permissions.get_concern_for_user(outsider, submitted_concern.pk)
    )
    missing = _query_shapes(lambda: permissions.get_concern_for_user(outsider, MISSING))

    assert forbidden == missing


def test_a_reporter_gets_their_concern_but_404_for_its_full_record(submitted_concern, reporter):
    assert permissions.get_concern_for_user(reporter, submitted_concern.pk) == submitted_concern

    with pytest.raises(Http404):
        permissions.get_concern_for_user(reporter, submitted_concern.pk, full_record=True)


def test_hr_get_the_full_record_of_a_submitted_concern_but_404_for_a_draft(
    submitted_concern, draft_concern, hr_manager
):
    concern = permissions.get_concern_for_user(hr_manager, submitted_concern.pk, full_record=True)

    assert concern == submitted_concern
    with pytest.raises(Http404):
        permissions.get_concern_for_user(hr_manager, draft_concern.pk, full_record=True)


def test_only_its_author_gets_a_draft_for_editing(
    draft_concern, submitted_concern, reporter, second_reporter, hr_manager
):
    assert permissions.get_concern_for_user(reporter, draft_concern.pk, for_write=True)
    for user, pk in (
        (second_reporter, draft_concern.pk),
        (hr_manager, draft_concern.pk),
        (reporter, submitted_concern.pk),  # submitted: no longer a draft to edit
    ):
        with pytest.raises(Http404):
            permissions.get_concern_for_user(user, pk, for_write=True)


def test_asking_for_a_draft_to_edit_and_the_full_record_at_once_is_a_mistake(
    draft_concern, reporter
):
    with pytest.raises(TypeError):
        permissions.get_concern_for_user(
            reporter, draft_concern.pk, for_write=True, full_record=True
        )


@pytest.mark.parametrize("pk", ["not-a-number", None])
def test_a_malformed_concern_id_is_404(reporter, pk):
    with pytest.raises(Http404):
        permissions.get_concern_for_user(reporter, pk)


# --- Evidence ----------------------------------------------------------------------------


@pytest.fixture
def evidence(draft_concern, reporter, media):
    return intake.evidence_add(concern=draft_concern, actor=reporter, upload=png_upload())


def test_an_outsider_gets_404_for_evidence_with_the_work_of_a_missing_file(evidence, outsider):
    assert outsider.roles
    concern_pk = evidence.concern_id

    forbidden = _query_shapes(
        lambda: permissions.get_evidence_for_user(outsider, concern_pk, evidence.pk)
    )
    missing = _query_shapes(
        lambda: permissions.get_evidence_for_user(outsider, concern_pk, MISSING)
    )

    assert forbidden == missing


def test_a_drafts_evidence_is_its_authors_and_a_submitted_concerns_is_hrs_and_still_its_own(
    evidence, reporter, hr_manager, second_reporter
):
    concern = evidence.concern
    assert permissions.get_evidence_for_user(reporter, concern.pk, evidence.pk) == evidence
    with pytest.raises(Http404):
        permissions.get_evidence_for_user(hr_manager, concern.pk, evidence.pk)

    intake.concern_submit(concern=concern, actor=reporter, expected_version=concern.version)

    assert permissions.get_evidence_for_user(hr_manager, concern.pk, evidence.pk) == evidence
    # The reporter keeps a read-only copy of the files they attached; nobody else does.
    assert permissions.get_evidence_for_user(reporter, concern.pk, evidence.pk) == evidence
    with pytest.raises(Http404):
        permissions.get_evidence_for_user(second_reporter, concern.pk, evidence.pk)


def test_evidence_asked_for_under_another_concern_is_404(evidence, submitted_concern, reporter):
    with pytest.raises(Http404):
        permissions.get_evidence_for_user(reporter, submitted_concern.pk, evidence.pk)


# --- A person, for an access-request export ----------------------------------------------


def test_an_outsider_gets_404_for_a_person_like_for_a_missing_one(submitted_concern, outsider):
    for pk in (submitted_concern.subject_id, MISSING):
        with pytest.raises(Http404):
            permissions.get_person_for_export(outsider, pk)


def test_an_hr_manager_gets_the_person_and_an_investigator_who_sees_them_is_refused(
    submitted_concern, hr_manager, investigator, executive
):
    pk = submitted_concern.subject_id

    assert permissions.get_person_for_export(hr_manager, pk) == submitted_concern.subject
    with pytest.raises(PermissionDenied):  # may see the person, may not export: 403
        permissions.get_person_for_export(investigator, pk)
    with pytest.raises(Http404):  # may not see them at all
        permissions.get_person_for_export(executive, pk)
