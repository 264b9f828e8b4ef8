"""Through the API a reporter reads their concern's status in words meant for them,
never an internal stage name; HR keeps the internal status."""

from __future__ import annotations

import pytest

from incidents.models import Status

pytestmark = pytest.mark.django_db

STAGE_NAMES = {s.value for s in Status} - {Status.DRAFT, Status.WITHDRAWN}


@pytest.mark.parametrize(
    ("stage", "key", "label", "internal"),
    [
        ("submitted_concern", "received", "Received", "submitted"),
        ("triage_concern", "looked_at", "Being looked at", "triage"),
        ("investigating_concern", "investigated", "Being investigated", "investigation"),
        ("decision_concern", "investigated", "Being investigated", "decision"),
    ],
)
def test_the_reporter_reads_the_plain_status_and_hr_the_stage(
    api, request, reporter, hr_manager, stage, key, label, internal
):
    concern = request.getfixturevalue(stage)
    url = f"/api/v1/concerns/{concern.pk}/"

    mine = api(reporter, "read").get(url).json()
    hrs = api(hr_manager, "read").get(url).json()

    assert (mine["status"], mine["status_label"]) == (key, label)
    assert mine["status"] not in STAGE_NAMES
    assert hrs["status"] == internal
    assert hrs["status_label"] == Status(internal).label


def test_a_finished_concern_reads_finished(api, decision_concern, reporter, hr_manager):
    from incidents.casework import services as casework

    closed = casework.concern_act(
        concern=decision_concern,
        actor=hr_manager,
        action="close",
        expected_version=decision_concern.version,
        inputs={"reporter_message": "Thank you."},
    )
    mine = api(reporter, "read").get(f"/api/v1/concerns/{closed.pk}/").json()
    assert (mine["status"], mine["status_label"]) == ("finished", "Finished")
    assert api(hr_manager, "read").get(f"/api/v1/concerns/{closed.pk}/").json()["status"] == (
        "closed"
    )


def test_the_reporters_own_list_reads_plain_statuses(api, investigating_concern, reporter):
    rows = api(reporter, "read").get("/api/v1/concerns/mine/").json()["results"]

    row = next(r for r in rows if r["id"] == investigating_concern.pk)
    assert (row["status"], row["status_label"]) == ("investigated", "Being investigated")
    assert not {r["status"] for r in rows} & STAGE_NAMES
