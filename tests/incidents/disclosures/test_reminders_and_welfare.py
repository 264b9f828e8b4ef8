"""Reminders before a disclosure's clock runs out (once each, content-free), and welfare
contacts (an event, and no access to the case)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Event, EventKind
from incidents.disclosures import services
from incidents.models import DisclosureAssessment
from notifications.models import Kind, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _due(concern):
    clocks = services.clocks_of(
        concern, services.assessment_of(concern), services.policy_of(concern.organisation)[0]
    )
    return {clock.key: clock.due_on for clock in clocks}


def test_reminders_are_sent_once_from_the_lead_time(
    restricted, coordinator, django_capture_on_commit_callbacks
):
    due = _due(restricted)["notify"]
    assert services.remind_disclosure_clocks(today=due - dt.timedelta(days=8)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_disclosure_clocks(today=due - dt.timedelta(days=7)) == 2
    assert services.remind_disclosure_clocks(today=due - dt.timedelta(days=7)) == 0
    assert services.remind_disclosure_clocks(today=due + dt.timedelta(days=3)) == 0  # still once
    rows = Notification.objects.filter(kind=Kind.DISCLOSURE_DUE)
    assert rows.count() == 2 and {row.recipient for row in rows} == {coordinator}
    events = Event.objects.filter(concern=restricted, kind=EventKind.DISCLOSURE_REMINDED)
    assert sorted(e.after["clock"] for e in events) == ["advice", "notify"]
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Farthingale" not in text and "Quillon" not in text
        assert restricted.description[:30] not in text
        assert "Jordan Example" not in text


def test_a_step_done_is_not_reminded_and_a_new_due_date_is(restricted, coordinator):
    today = timezone.localdate()
    services.disclosure_record_assessment(
        concern=restricted,
        actor=coordinator,
        received_on=today,
        assessment="may_be",
        assessed_on=today,
    )
    services.disclosure_record_ibac_notification(
        concern=restricted, actor=coordinator, notified_on=today
    )
    due = _due(restricted)["advice"]
    assert services.remind_disclosure_clocks(today=due) == 1  # the advice only
    assert services.remind_disclosure_clocks(today=due) == 0
    # Received earlier than first recorded: the clocks move, and the new date is reminded.
    services.disclosure_record_assessment(
        concern=restricted,
        actor=coordinator,
        received_on=today - dt.timedelta(days=2),
        assessment="may_be",
        assessed_on=today,
    )
    assert services.remind_disclosure_clocks(today=due) == 1
    assert DisclosureAssessment.objects.get(concern=restricted).advice_reminded_for != (
        due.isoformat()
    )


def test_an_unrestricted_concern_has_no_clocks(submitted_concern):
    far = timezone.localdate() + dt.timedelta(days=40)
    assert services.remind_disclosure_clocks(today=far) == 0
    assert not DisclosureAssessment.objects.exists()


def test_the_reminder_job_is_in_the_beat_schedule(settings):
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["remind-disclosure-clocks"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.fixture
def colleague(org):
    return UserFactory(
        username="colleague",
        first_name="Wes",
        last_name="Welfare",
        organisation=org,
        roles=[Role.INVESTIGATOR, Role.REPORTER],
    )


def test_naming_a_welfare_contact_is_an_event_and_gives_no_access(
    client, restricted, coordinator, colleague
):
    client.force_login(coordinator)
    for for_whom in ("discloser", "employee"):
        response = client.post(
            reverse("incidents:welfare_contact_add", args=[restricted.pk]),
            {"for_whom": for_whom, "contact": colleague.pk},
        )
        assert response.status_code == 302
    events = Event.objects.filter(concern=restricted, kind=EventKind.WELFARE_CONTACT_NAMED)
    assert sorted(e.after["for"] for e in events) == ["discloser", "employee"]
    assert all(e.after["contact"] == colleague.pk and e.actor == coordinator for e in events)
    page = client.get(reverse("incidents:disclosure", args=[restricted.pk])).content.decode()
    assert "Wes Welfare" in page

    client.force_login(colleague)
    for url in (
        reverse("incidents:detail", args=[restricted.pk]),
        reverse("incidents:disclosure", args=[restricted.pk]),
        reverse("incidents:timeline", args=[restricted.pk]),
        reverse("api:concern", args=[restricted.pk]),
    ):
        assert client.get(url).status_code == 404, url
    queue = client.get(reverse("incidents:list")).content.decode()
    assert restricted.reference not in queue


def test_the_discloser_cannot_be_their_own_welfare_contact(
    client, restricted, coordinator, discloser
):
    client.force_login(coordinator)
    response = client.post(
        reverse("incidents:welfare_contact_add", args=[restricted.pk]),
        {"for_whom": "discloser", "contact": discloser.pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(Exception, match="their own welfare contact"):
        services.welfare_contact_name(
            concern=restricted, actor=coordinator, for_whom="discloser", contact=discloser
        )
