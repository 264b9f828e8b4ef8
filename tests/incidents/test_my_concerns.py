"""My concerns: each one recognisable (the employee, the first words, a plain status, the
last change), sortable, the same work for 1 row and 50; and a draft can be discarded."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import Event, EventKind
from incidents.intake import services as intake
from incidents.models import Concern, Evidence
from tests.factories import make_concern, png_upload

pytestmark = pytest.mark.django_db

MY_CONCERNS_QUERIES = 4


def test_each_concern_is_listed_with_its_employee_first_words_and_plain_status(
    client, guidance, reporter
):
    make_concern(reporter, subject_name="Robin Draft", submit=False, description="Half typed")
    make_concern(reporter, subject_name="Sam Sent", description="Shared a client's photo " * 20)
    client.force_login(reporter)

    body = client.get(reverse("incidents:mine")).content.decode()

    assert "Robin Draft" in body and "Half typed" in body and "Not sent yet" in body
    assert "Sam Sent" in body and "Shared a client&#x27;s photo" in body and "Received" in body
    assert "last change" in body
    assert ">Draft<" not in body and ">Submitted<" not in body


def test_the_list_sorts_by_the_order_asked_for(client, guidance, reporter):
    first = make_concern(reporter, subject_name="First Person")
    second = make_concern(reporter, subject_name="Second Person")
    client.force_login(reporter)

    newest = client.get(reverse("incidents:mine")).content.decode()
    oldest = client.get(reverse("incidents:mine"), {"sort": "oldest"}).content.decode()
    unknown = client.get(reverse("incidents:mine"), {"sort": "nonsense"})

    assert newest.index(second.subject.full_name) < newest.index(first.subject.full_name)
    assert oldest.index(first.subject.full_name) < oldest.index(second.subject.full_name)
    assert unknown.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_my_concerns_reads_the_same_number_of_queries_for_1_and_50_rows(
    client, guidance, reporter, rows, django_assert_num_queries
):
    for _ in range(rows):
        make_concern(reporter)
    client.force_login(reporter)

    with django_assert_num_queries(MY_CONCERNS_QUERIES):
        response = client.get(reverse("incidents:mine"), {"sort": "status"})

    assert response.status_code == 200


def test_a_discarded_draft_leaves_the_list_and_only_an_event_that_it_was_discarded(
    client, draft_concern, reporter, media, django_capture_on_commit_callbacks
):
    evidence = intake.evidence_add(concern=draft_concern, actor=reporter, upload=png_upload())
    client.force_login(reporter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("incidents:discard_draft", args=[draft_concern.pk]),
            {"version": draft_concern.version, "confirm": "on"},
        )

    assert response.status_code == 302
    assert "Jordan Example" not in client.get(reverse("incidents:mine")).content.decode()
    concern = Concern.objects.get(pk=draft_concern.pk)
    assert concern.description == "" and concern.subject_id is None
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not media.joinpath(evidence.file.name).exists()
    events = Event.objects.filter(concern=concern)
    assert events.filter(kind=EventKind.DRAFT_DISCARDED).count() == 1
    payloads = json.dumps(list(events.values_list("after", flat=True)))
    assert "client file" not in payloads and "Jordan" not in payloads
    assert client.get(reverse("incidents:detail", args=[concern.pk])).status_code == 404


def test_discarding_needs_the_tick_box_and_keeps_the_draft_without_it(
    client, draft_concern, reporter
):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:discard_draft", args=[draft_concern.pk]),
        {"version": draft_concern.version},
    )

    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    draft_concern.refresh_from_db()
    assert draft_concern.description


def test_a_submitted_concern_cannot_be_discarded(client, submitted_concern, reporter):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:discard_draft", args=[submitted_concern.pk]),
        {"version": submitted_concern.version, "confirm": "on"},
    )

    assert response.status_code == 404
