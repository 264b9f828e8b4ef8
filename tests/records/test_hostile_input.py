"""The payload corpus through the retention forms: never a 500, always escaped, kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from records import services
from records.models import LegalHold, RetentionSchedule
from tests.security.test_output_escaping import (
    PAYLOADS,
    _keeps,
    _post_raw,
    assert_no_raw_markup,
    assert_shown_escaped,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_a_hold_reason_is_kept_and_shown_escaped(client, closed_concern, hr_manager, payload):
    client.force_login(hr_manager)
    response = client.post(
        reverse("records:hold_place", args=[closed_concern.pk]), {"reason": payload}
    )
    assert_no_raw_markup(response)
    if response.status_code == 302:
        assert LegalHold.objects.get(concern=closed_concern).reason == payload.strip()
        page = client.get(reverse("incidents:detail", args=[closed_concern.pk]))
        assert_shown_escaped(page, payload.strip())
        listing = client.get(reverse("records:disposal"))
        assert_no_raw_markup(listing)
    else:
        assert response.status_code == 400
        if _keeps(payload):
            assert escape(payload) in response.content.decode(), "what was typed was lost"


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_a_disposal_note_is_kept_and_shown_escaped(
    client, closed_concern, hr_manager, payload, django_capture_on_commit_callbacks
):
    RetentionSchedule.objects.filter(concern=closed_concern).update(disposal_due_on="2000-01-01")
    services.list_due_disposals()
    client.force_login(hr_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("records:approve"), {"concerns": [closed_concern.pk], "note": payload}
        )
    assert_no_raw_markup(response)
    if response.status_code == 302:
        register = client.get(reverse("records:register"))
        assert_shown_escaped(register, payload.strip())
    else:
        assert response.status_code == 400
        if _keeps(payload):
            assert escape(payload) in response.content.decode(), "what was typed was lost"


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "1 OR 1=1"])
def test_hostile_concern_ids_are_refused_with_a_message(client, closed_concern, hr_manager, value):
    client.force_login(hr_manager)
    response = client.post(reverse("records:approve"), {"concerns": [value], "note": "x"})
    assert response.status_code == 400
    assert_no_raw_markup(response)


@pytest.mark.parametrize("view", ["records:hold_place", "records:hold_release"])
def test_invalid_utf8_on_a_hold_is_not_a_server_error(client, closed_concern, hr_manager, view):
    client.force_login(hr_manager)
    response = _post_raw(client, reverse(view, args=[closed_concern.pk]), {}, "reason")
    assert_no_raw_markup(response)
    assert response.status_code in (302, 400, 409)


def test_invalid_utf8_on_approval_is_not_a_server_error(client, closed_concern, hr_manager):
    client.force_login(hr_manager)
    response = _post_raw(
        client, reverse("records:approve"), {"concerns": [closed_concern.pk]}, "note"
    )
    assert_no_raw_markup(response)
    assert response.status_code == 400
