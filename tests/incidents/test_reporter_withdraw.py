"""The reporter is offered "Withdraw" only where the transition table allows it, and a
refusal says so once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.casework import services as casework
from incidents.models import Status

pytestmark = pytest.mark.django_db


def _withdraw_offered(client, concern) -> bool:
    body = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    return reverse("incidents:act", args=[concern.pk, "withdraw"]) in body


def _close(concern, hr_manager):
    return casework.concern_act(
        concern=concern,
        actor=hr_manager,
        action="close",
        expected_version=concern.version,
        inputs={"reporter_message": "Thank you, we dealt with it."},
    )


def test_the_reporter_is_offered_withdraw_on_a_concern_just_submitted(
    client, submitted_concern, reporter
):
    client.force_login(reporter)

    assert _withdraw_offered(client, submitted_concern)


@pytest.mark.parametrize("stage", ["triage_concern", "decision_concern", "closed"])
def test_the_reporter_is_not_offered_withdraw_once_hr_has_started(
    client, request, reporter, hr_manager, stage
):
    if stage == "closed":
        concern = _close(request.getfixturevalue("decision_concern"), hr_manager)
    else:
        concern = request.getfixturevalue(stage)
    client.force_login(reporter)

    assert not _withdraw_offered(client, concern)


def test_withdrawing_a_closed_concern_is_refused_with_one_message(
    client, decision_concern, reporter, hr_manager
):
    concern = _close(decision_concern, hr_manager)
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:act", args=[concern.pk, "withdraw"]),
        {"version": concern.version, "reason": "Changed my mind", "confirm": "on"},
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert body.count("is not possible for a concern at the closed stage") == 1
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED


def test_a_withdrawal_without_its_reason_comes_back_with_the_form_open(
    client, submitted_concern, reporter
):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:act", args=[submitted_concern.pk, "withdraw"]),
        {"version": submitted_concern.version, "confirm": "on"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert '<details class="mb-3" id="withdraw" open>' in body
    assert 'id="id_withdraw_reason_error"' in body
