"""Submitting is the most frequent write: its query count is pinned, with the event, the
reference counter's lock and the outbox row all still written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Event, EventKind
from incidents.models import Concern, Status
from notifications.models import Notification
from tests.factories import make_concern

pytestmark = pytest.mark.django_db

# Session, the user with their roles; then in one transaction: the permission-checked read of the
# draft, which locks its row, with its organisation; the compare-and-set update; the
# counter moved on and read in one locking UPDATE; the reference written; the HR
# managers; the outbox row (inserted, its own dedupe by the unique key, then read back
# for sending after the commit); and the two events (status, reference) appended to the
# chain together: its head locked, both inserted, the head moved on. It was 22 (and 23
# before the person's roles were read with them).
SUBMIT_QUERIES = 14
# The organisation's first concern of the year also makes the counter's row (the first
# step finds none, the row is made, the step again).
FIRST_OF_THE_YEAR = SUBMIT_QUERIES + 2


@pytest.mark.parametrize("earlier", [0, 1, 30])
def test_submitting_costs_a_fixed_number_of_queries(
    client, guidance, reporter, hr_manager, earlier, django_assert_num_queries
):
    for _ in range(earlier):
        make_concern(reporter)
    draft = make_concern(reporter, submit=False)
    client.force_login(reporter)

    with django_assert_num_queries(SUBMIT_QUERIES if earlier else FIRST_OF_THE_YEAR):
        response = client.post(
            reverse("incidents:submit", args=[draft.pk]), {"version": draft.version}
        )

    assert response.status_code == 302
    concern = Concern.objects.get(pk=draft.pk)
    assert concern.status == Status.SUBMITTED
    assert concern.reference.endswith(f"{earlier + 1:05d}")
    assert Event.objects.filter(concern=concern, kind=EventKind.STATUS_CHANGED).exists()
    assert Event.objects.filter(concern=concern, kind=EventKind.REFERENCE_ISSUED).exists()
    assert Notification.objects.filter(concern=concern, recipient=hr_manager).exists()
