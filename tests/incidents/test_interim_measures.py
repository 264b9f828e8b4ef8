"""Interim measures during an investigation: recorded and ended on the concern page by HR
handling it, only while the concern is open, each an event, reminded once when the
review date has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import Event, EventKind
from incidents.casework import interim
from incidents.casework import services as casework
from incidents.models import InterimMeasure, InterimMeasureKind
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _record(concern, actor, **overrides):
    data = {
        "kind": InterimMeasureKind.OFFICIAL_ACCOUNT,
        "reason": "Posts from the agency account while the matter is looked into.",
        "starts_on": TODAY(),
        "review_on": TODAY() + dt.timedelta(days=14),
        **overrides,
    }
    return interim.interim_measure_record(
        concern=concern, actor=actor, data=interim.InterimData(**data)
    )


def _form(**overrides):
    return {
        "kind": "take_down",
        "other": "",
        "reason": "The post names a client.",
        "starts_on": TODAY().isoformat(),
        "review_on": (TODAY() + dt.timedelta(days=7)).isoformat(),
        **overrides,
    }


def test_the_investigator_records_a_measure_and_sees_it_on_the_page(
    client, investigating_concern, investigator
):
    client.force_login(investigator)
    url = reverse("incidents:interim_record", args=[investigating_concern.pk])
    response = client.post(url, _form())
    assert response.status_code == 302
    measure = InterimMeasure.objects.get(concern=investigating_concern)
    assert measure.kind == "take_down" and measure.recorded_by == investigator
    event = Event.objects.get(concern=investigating_concern, kind=EventKind.INTERIM_RECORDED)
    assert event.after["measure"] == measure.pk
    assert "names a client" not in str(event.after)  # the reason stays on the measure
    page = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
    body = page.content.decode()
    assert "Asked to take a post down" in body and "The post names a client." in body
    assert "In place" in body
    assert 'id="panel-interim_end"' in body  # one in place: it can be ended


def test_a_bad_form_comes_back_with_what_was_typed_and_a_message(
    client, investigating_concern, investigator
):
    client.force_login(investigator)
    url = reverse("incidents:interim_record", args=[investigating_concern.pk])
    response = client.post(url, _form(kind="other", other="", review_on="", reason="Kept words"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say what the measure is." in body
    assert "Give a date to review the measure by." in body
    assert "Kept words" in body
    assert not InterimMeasure.objects.exists()


def test_none_needs_no_review_date(client, investigating_concern, investigator):
    client.force_login(investigator)
    url = reverse("incidents:interim_record", args=[investigating_concern.pk])
    response = client.post(url, _form(kind="none", review_on="", reason="Low risk."))
    assert response.status_code == 302
    assert InterimMeasure.objects.get().review_on is None


def test_review_date_must_follow_the_start(client, investigating_concern, investigator):
    client.force_login(investigator)
    url = reverse("incidents:interim_record", args=[investigating_concern.pk])
    response = client.post(url, _form(review_on=TODAY().isoformat()))
    assert response.status_code == 400
    assert "must come after the start date" in response.content.decode()


def test_ending_a_measure_records_when_and_why(client, investigating_concern, investigator):
    measure = _record(investigating_concern, investigator)
    client.force_login(investigator)
    response = client.post(
        reverse("incidents:interim_end", args=[investigating_concern.pk]),
        {"measure": measure.pk, "ended_on": TODAY().isoformat(), "end_reason": "Post removed."},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.ended_on == TODAY() and measure.end_reason == "Post removed."
    assert measure.ended_by == investigator
    assert (
        Event.objects.filter(kind=EventKind.INTERIM_ENDED, concern=investigating_concern).count()
        == 1
    )
    # A second try is refused beside the form, not a second end.
    again = client.post(
        reverse("incidents:interim_end", args=[investigating_concern.pk]),
        {"measure": measure.pk, "ended_on": TODAY().isoformat(), "end_reason": "Again."},
    )
    assert again.status_code == 400
    assert Event.objects.filter(kind=EventKind.INTERIM_ENDED).count() == 1


def test_an_end_before_the_start_is_refused(client, investigating_concern, investigator):
    measure = _record(investigating_concern, investigator)
    client.force_login(investigator)
    response = client.post(
        reverse("incidents:interim_end", args=[investigating_concern.pk]),
        {
            "measure": measure.pk,
            "ended_on": (TODAY() - dt.timedelta(days=3)).isoformat(),
            "end_reason": "Typed the wrong date.",
        },
    )
    assert response.status_code == 409
    assert "end before it started" in response.content.decode()
    assert "Typed the wrong date." in response.content.decode()


def test_nothing_can_be_recorded_once_the_concern_is_finished(client, triage_concern, hr_manager):
    concern = casework.concern_act(
        concern=triage_concern,
        actor=hr_manager,
        action="dismiss",
        expected_version=triage_concern.version,
        inputs={"reason": "Not about work."},
    )
    client.force_login(hr_manager)
    response = client.post(reverse("incidents:interim_record", args=[concern.pk]), _form())
    assert response.status_code == 403
    page = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    assert "Record an interim measure" not in page


def test_the_reporter_never_sees_the_measures(
    client, investigating_concern, investigator, reporter
):
    _record(investigating_concern, investigator, reason="Confidential reason")
    client.force_login(reporter)
    page = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Confidential reason" not in body and "Interim measure" not in body
    response = client.post(
        reverse("incidents:interim_record", args=[investigating_concern.pk]), _form()
    )
    assert response.status_code == 404


def test_the_record_form_opens_as_a_lazy_panel(client, investigating_concern, investigator):
    client.force_login(investigator)
    page = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
    assert 'name="review_on"' not in page.content.decode()  # fetched only when opened
    form = client.get(reverse("incidents:panel", args=[investigating_concern.pk, "interim"]))
    assert form.status_code == 200
    assert 'name="review_on"' in form.content.decode()


# --- The reminder ---------------------------------------------------------------------


def test_a_passed_review_date_reminds_the_investigator_and_hr_manager_once(
    investigating_concern, investigator, hr_manager, django_capture_on_commit_callbacks
):
    measure = _record(investigating_concern, investigator)
    later = measure.review_on + dt.timedelta(days=1)
    assert interim.remind_interim_reviews(today=measure.review_on) == 0  # not passed yet
    with django_capture_on_commit_callbacks(execute=True):
        assert interim.remind_interim_reviews(today=later) == 1
    assert interim.remind_interim_reviews(today=later) == 0  # a rerun sends nothing more
    assert interim.remind_interim_reviews(today=later + dt.timedelta(days=5)) == 0
    rows = Notification.objects.filter(kind=Kind.INTERIM_REVIEW)
    assert {row.recipient for row in rows} == {investigator, hr_manager}
    assert Event.objects.filter(kind=EventKind.INTERIM_REVIEW_DUE).count() == 1
    # Content-free: the reference and a link, never the measure or its reason.
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "agency account" not in message.body
        assert "official account" not in message.body.lower()
        assert investigating_concern.reference in message.subject


def test_a_concurrent_claim_reminds_once(investigating_concern, investigator):
    measure = _record(investigating_concern, investigator)
    later = measure.review_on + dt.timedelta(days=1)
    # Another run claimed it between this run's read and its update.
    InterimMeasure.objects.filter(pk=measure.pk).update(reminded_for=measure.review_on)
    assert interim.remind_interim_reviews(today=later) == 0
    assert not Notification.objects.filter(kind=Kind.INTERIM_REVIEW).exists()


def test_ended_measures_and_finished_concerns_are_not_reminded(investigating_concern, investigator):
    measure = _record(investigating_concern, investigator)
    interim.interim_measure_end(
        concern=investigating_concern,
        actor=investigator,
        measure_id=measure.pk,
        ended_on=TODAY(),
        reason="No longer needed.",
    )
    assert interim.remind_interim_reviews(today=measure.review_on + dt.timedelta(days=2)) == 0


def test_the_reminder_runs_from_celery_beat(settings):
    from config.celery_app import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "incidents.tasks.remind_interim_reviews" in tasks
    assert "incidents.tasks.remind_interim_reviews" in app.tasks


@pytest.mark.parametrize("count", [1, 3])
def test_the_investigation_page_costs_one_query_more_with_measures_whatever_their_number(
    client, investigating_concern, investigator, count, django_assert_num_queries
):
    from tests.incidents.test_case_views import INVESTIGATION_PAGE_QUERIES

    for index in range(count):
        _record(investigating_concern, investigator, reason=f"Reason {index}")
    client.force_login(investigator)
    with django_assert_num_queries(INVESTIGATION_PAGE_QUERIES + 1):
        response = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
    assert response.status_code == 200
    assert len(response.context["interim"]["measures"]) == count
