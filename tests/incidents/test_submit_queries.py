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

# Session, the user with their roles; the permission-checked getter; then in one transaction: the
# draft locked with its organisation, the compare-and-set update, the status event
# (chain head locked, event, head moved on), the counter locked and moved on, the
# reference written, its event (three again), the HR managers, and the outbox row
# (its dedupe check, the insert, the rows read back for sending after the commit).
SUBMIT_QUERIES = 22
# The organisation's first concern of the year also makes the counter's row.
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
