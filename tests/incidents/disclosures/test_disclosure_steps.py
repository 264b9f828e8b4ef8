"""The coordinator's record of a possible public interest disclosure: each step with its
date and document, refused out of order, seen and written by the coordinator alone."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event, EventKind
from incidents.disclosures import services
from incidents.models import DisclosureAssessment, DisclosurePolicy

pytestmark = pytest.mark.django_db


def _step(client, concern, step, **data):
    return client.post(reverse("incidents:disclosure_step", args=[concern.pk, step]), data)


def test_the_coordinator_records_assessment_notification_and_advice(
    client, restricted, coordinator, media
):
    from incidents.documents.services import case_document_add
    from tests.incidents.files import pdf_upload

    letter = case_document_add(
        concern=restricted, actor=coordinator, upload=pdf_upload(), kind="other", title="IBAC form"
    )
    today = timezone.localdate()
    client.force_login(coordinator)
    received = timezone.localdate(restricted.submitted_at)
    response = _step(
        client,
        restricted,
        "assessment",
        received_on=received,
        assessment="may_be",
        assessed_on=today,
    )
    assert response.status_code == 302
    assert (
        _step(client, restricted, "ibac", notified_on=today, document=letter.pk).status_code == 302
    )
    assert _step(client, restricted, "advice", advised_on=today).status_code == 302

    row = DisclosureAssessment.objects.get(concern=restricted)
    assert (row.assessment, row.assessed_on, row.ibac_notified_on, row.discloser_advised_on) == (
        "may_be",
        today,
        today,
        today,
    )
    assert row.ibac_document == letter
    kinds = list(
        Event.objects.filter(concern=restricted, kind__startswith="disclosure_")
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "disclosure_assessed",
        "disclosure_ibac_notified",
        "disclosure_discloser_advised",
    ]
    notified = Event.objects.get(concern=restricted, kind=EventKind.DISCLOSURE_IBAC_NOTIFIED)
    assert notified.after == {"ibac_notified_on": today.isoformat(), "ibac_document_id": letter.pk}

    page = client.get(reverse("incidents:disclosure", args=[restricted.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "IBAC form" in text and text.count('badge text-bg-success">Done') == 2
    concern_page = client.get(reverse("incidents:detail", args=[restricted.pk])).content.decode()
    assert 'id="disclosure-summary"' in concern_page and "Notify IBAC" in concern_page


def test_steps_out_of_order_are_refused_with_the_form_as_typed(client, restricted, coordinator):
    client.force_login(coordinator)
    today = timezone.localdate()
    response = _step(client, restricted, "ibac", notified_on=today)
    assert response.status_code == 409
    assert "Record the assessment that it may be" in response.content.decode()
    response = _step(client, restricted, "advice", advised_on=today)
    assert response.status_code == 409
    assert not DisclosureAssessment.objects.filter(ibac_notified_on__isnull=False).exists()


def test_a_future_date_is_refused_beside_its_field(client, restricted, coordinator):
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _step(
        client,
        restricted,
        "assessment",
        received_on=timezone.localdate(),
        assessment="may_be",
        assessed_on=tomorrow,
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "This date is in the future" in text
    assert f'value="{tomorrow.isoformat()}"' in text  # kept as typed
    assert not Event.objects.filter(kind=EventKind.DISCLOSURE_ASSESSED).exists()


def test_a_statement_after_the_window_is_not_an_opt_out(client, restricted, coordinator):
    client.force_login(coordinator)
    received = timezone.localdate() - dt.timedelta(days=60)
    _step(
        client,
        restricted,
        "assessment",
        received_on=received,
        assessment="may_be",
        assessed_on=received + dt.timedelta(days=1),
    )
    response = _step(client, restricted, "opt-out", received_on=timezone.localdate())
    assert response.status_code == 409
    assert "Attach it as a case document instead" in response.content.decode()
    inside = received + dt.timedelta(days=3)
    assert _step(client, restricted, "opt-out", received_on=inside).status_code == 302
    assert DisclosureAssessment.objects.get(concern=restricted).opted_out_on == inside


def test_nobody_but_the_coordinator_reaches_the_disclosure_pages(
    client, restricted, submitted_concern, coordinator, hr_manager, investigator, discloser
):
    pages = [
        ("get", reverse("incidents:disclosure", args=[restricted.pk])),
        ("post", reverse("incidents:disclosure_step", args=[restricted.pk, "assessment"])),
        ("post", reverse("incidents:welfare_contact_add", args=[restricted.pk])),
    ]
    for person in (hr_manager, investigator, discloser):
        client.force_login(person)
        for method, url in pages:
            assert getattr(client, method)(url).status_code == 404, (person.username, url)
    # An ordinary concern has no disclosure record at all.
    client.force_login(hr_manager)
    url = reverse("incidents:disclosure", args=[submitted_concern.pk])
    assert client.get(url).status_code == 404
    assert not Event.objects.filter(kind__startswith="disclosure_").exists()


def test_the_organisations_periods_and_wording_apply(client, org, restricted, coordinator):
    DisclosurePolicy.objects.create(
        organisation=org, notify_days=10, handling_note="Ring the integrity unit first."
    )
    client.force_login(coordinator)
    page = client.get(reverse("incidents:detail", args=[restricted.pk])).content.decode()
    assert "Ring the integrity unit first." in page
    clock = {
        c.key: c
        for c in services.clocks_of(
            restricted, services.assessment_of(restricted), services.policy_of(org)[0]
        )
    }["notify"]
    received = timezone.localdate(restricted.submitted_at)
    assert clock.due_on >= received + dt.timedelta(days=10)
    assert clock.due_on < received + dt.timedelta(days=14)


def test_the_coordinators_queue_shows_the_next_clock(client, restricted, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("incidents:list")).content.decode()
    assert "Notify IBAC: by" in page


def test_the_queues_clocks_cost_the_same_for_one_restricted_row_as_for_five(
    client, restricted, discloser, coordinator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_concern

    client.force_login(coordinator)
    url = reverse("incidents:list")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).content.decode().count("Notify IBAC: by") == 1
    for _ in range(4):
        make_concern(discloser, possible_pid="yes")
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).content.decode().count("Notify IBAC: by") == 5
    assert len(five) == len(one)


def test_an_organisations_administrator_edits_its_policy_in_the_admin(
    client, org, other_org, administrator
):
    from devtools.demo_people import administrators_group

    administrator.groups.add(administrators_group())
    client.force_login(administrator)
    response = client.get(reverse("admin:incidents_disclosurepolicy_add"))
    assert response.status_code == 200
    response = client.post(
        reverse("admin:incidents_disclosurepolicy_add"),
        {
            "organisation": org.pk,
            "notify_days": 21,
            "advice_days": 28,
            "opt_out_days": 28,
            "reminder_days": 5,
            "handling_note": "",
        },
    )
    assert response.status_code == 302
    assert DisclosurePolicy.objects.get(organisation=org).notify_days == 21
    # Another organisation's policy cannot be made from here (its choice is not offered).
    response = client.post(
        reverse("admin:incidents_disclosurepolicy_add"),
        {
            "organisation": other_org.pk,
            "notify_days": 1,
            "advice_days": 28,
            "opt_out_days": 28,
            "reminder_days": 5,
            "handling_note": "",
        },
    )
    assert response.status_code == 200  # the form again, with the choice refused
    assert not DisclosurePolicy.objects.filter(organisation=other_org).exists()
