"""Issue 19 through the API: the Charter consideration a formal investigation needs."""

import pytest

from guidance.models import CodeSection
from incidents import charter
from incidents.casework import services as casework
from incidents.models import RightsConsideration
from tests.factories import RIGHTS

pytestmark = pytest.mark.django_db


def _triage(concern, actor):
    concern.refresh_from_db()
    return casework.concern_record_triage(
        concern=concern,
        actor=actor,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )


def test_the_api_starts_a_formal_investigation_only_with_the_consideration(
    api, triage_concern, investigator
):
    _triage(triage_concern, investigator)
    triage_concern.refresh_from_db()
    url = f"/api/v1/concerns/{triage_concern.pk}/actions/start_investigation/"
    refused = api(investigator).post(url, {"version": triage_concern.version}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) >= set(charter.FIELDS)
    done = api(investigator).post(url, {"version": triage_concern.version, **RIGHTS}, format="json")
    assert done.status_code == 200, done.json()
    assert RightsConsideration.objects.filter(concern=triage_concern).count() == 1
