"""Retention and disposal: a class and date at closure, the daily listing, approval,
legal holds, and a disposal that destroys personal details but keeps the trends."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import AccessRecord, Event
from config.errors import Refused
from devtools.demo_people import administrators_group
from incidents.models import Concern, Evidence, Note, Person, Status
from notifications.models import Notification
from records import services
from records.models import DisposalRecord, LegalHold, RetentionRule, RetentionSchedule
from reporting import queries
from tests.factories import UserFactory, make_concern

from .conftest import act, close_with_finding

pytestmark = pytest.mark.django_db


def _due(concern) -> None:
    """Move the concern's disposal date into the past and run the daily listing."""
    RetentionSchedule.objects.filter(concern=concern).update(
        disposal_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    services.list_due_disposals()


def _approve(concern, hr_manager, note="Disposal authority class 1.2.3"):
    return services.disposal_approve(actor=hr_manager, concern_ids=[concern.pk], note=note)


# --- A retention class and date at closure -------------------------------------------


def test_closing_a_concern_gives_it_a_retention_class_and_disposal_date(closed_concern):
    schedule = RetentionSchedule.objects.get(concern=closed_concern)
    closed_on = timezone.localdate(closed_concern.closed_at)
    assert schedule.outcome == "substantiated"
    assert schedule.retention_class == "Conduct matter: breach found"
    assert schedule.disposal_due_on == closed_on.replace(year=closed_on.year + 7)
    assert schedule.listed_at is None and schedule.approved_at is None


def test_the_organisations_own_rule_sets_the_period(org, guidance, reporter, hr_manager):
    RetentionRule.objects.create(
        organisation=org,
        outcome="dismissed",
        retention_class="Complaints: no action",
        authority="RDA 2099/01 class 4",
        years=3,
    )
    concern = make_concern(reporter)
    concern = act(concern, hr_manager, "start_triage")
    concern = act(concern, hr_manager, "dismiss", reason="Not about a public servant.")
    schedule = RetentionSchedule.objects.get(concern=concern)
    closed_on = timezone.localdate(concern.closed_at)
    assert (schedule.retention_class, schedule.authority, schedule.years) == (
        "Complaints: no action",
        "RDA 2099/01 class 4",
        3,
    )
    assert schedule.disposal_due_on == closed_on.replace(year=closed_on.year + 3)


def test_a_withdrawn_concern_gets_the_withdrawn_class(guidance, reporter):
    concern = make_concern(reporter)
    concern = act(concern, reporter, "withdraw", reason="Logged twice by mistake.")
    assert RetentionSchedule.objects.get(concern=concern).outcome == "withdrawn"


def test_reopening_removes_the_disposal_date_and_closing_again_sets_it(closed_concern, hr_manager):
    act(closed_concern, hr_manager, "reopen", reason="New material came to light.")
    assert not RetentionSchedule.objects.filter(concern=closed_concern).exists()


def test_a_retention_rule_needs_a_sensible_period(org):
    rule = RetentionRule(organisation=org, outcome="withdrawn", retention_class="x", years=0)
    with pytest.raises(Exception, match="greater than or equal to 1"):
        rule.full_clean()


# --- The daily listing ---------------------------------------------------------------


def test_the_daily_job_lists_due_concerns_once_and_tells_hr_managers_once(
    closed_concern, hr_manager, guidance, reporter, django_capture_on_commit_callbacks
):
    not_due = make_concern(reporter)
    not_due = act(not_due, reporter, "withdraw", reason="Mistake.")
    RetentionSchedule.objects.filter(concern=closed_concern).update(
        disposal_due_on=timezone.localdate()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.list_due_disposals() == 1
        assert services.list_due_disposals() == 0
    assert RetentionSchedule.objects.get(concern=not_due).listed_at is None
    sent = Notification.objects.filter(kind="disposal_due")
    assert [n.recipient for n in sent] == [hr_manager]
    assert "Closed concerns are due for disposal" in mail.outbox[-1].subject
    assert closed_concern.reference not in mail.outbox[-1].body


def test_the_daily_job_is_declared_in_the_beat_schedule(settings):
    jobs = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "records.tasks.list_due_disposals" in jobs


# --- Nothing is destroyed without approval -------------------------------------------


def test_nothing_is_disposed_of_without_approval(closed_concern):
    _due(closed_concern)
    assert services.concern_dispose(closed_concern.pk) is None
    closed_concern.refresh_from_db()
    assert closed_concern.disposed_at is None and closed_concern.description
    assert Evidence.objects.filter(concern=closed_concern).count() == 1


def test_a_concern_not_yet_due_cannot_be_approved(closed_concern, hr_manager):
    with pytest.raises(Refused, match="not listed"):
        _approve(closed_concern, hr_manager)


def test_approval_needs_a_recorded_authority(closed_concern, hr_manager):
    _due(closed_concern)
    with pytest.raises(Refused, match="authority or reason"):
        _approve(closed_concern, hr_manager, note="  ")


def test_investigators_and_other_organisations_cannot_approve(
    closed_concern, investigator, outsider
):
    _due(closed_concern)
    for person in (investigator, outsider):
        with pytest.raises(Refused):
            _approve(closed_concern, person)
    assert RetentionSchedule.objects.get(concern=closed_concern).approved_at is None


# --- Disposal ------------------------------------------------------------------------


def _trend_figures(org):
    scope = queries.ReportScope(organisation_ids=(org.pk,))
    return (
        queries.by_month(scope),
        queries.by_section(scope),
        queries.by_platform(scope),
        queries.findings_by_section(scope),
        queries.time_to_close(scope),
    )


def test_approved_disposal_destroys_the_case_file_and_keeps_the_trends(
    closed_concern, hr_manager, org, django_capture_on_commit_callbacks
):
    evidence = Evidence.objects.get(concern=closed_concern)
    stored = evidence.file.name
    assert default_storage.exists(stored)
    person_id = closed_concern.subject_id
    figures_before = _trend_figures(org)
    _due(closed_concern)

    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)

    concern = Concern.objects.get(pk=closed_concern.pk)
    assert concern.disposed_at is not None
    assert (concern.description, concern.platform_name, concern.outcome_summary) == ("", "", "")
    assert concern.reporter_id is None and concern.subject_id is None
    assert not Person.objects.filter(pk=person_id).exists()
    assert not Evidence.objects.filter(concern=concern).exists()
    assert not default_storage.exists(stored)
    assert not Note.objects.filter(concern=concern).exists()
    assert not concern.links.exists()
    # What the trend reports count is untouched.
    assert concern.status == Status.CLOSED and concern.reference
    assert _trend_figures(org) == figures_before

    record = DisposalRecord.objects.get(concern=concern)
    assert record.number == f"DR-{timezone.localdate().year}-00001"
    assert record.approved_by == hr_manager and record.approval_note.startswith("Disposal")
    assert record.evidence_sha256 == [evidence.sha256]
    assert (record.evidence_destroyed, record.notes_destroyed) == (1, 1)


def test_disposal_redacts_the_events_and_the_chain_still_verifies(
    closed_concern, hr_manager, org, django_capture_on_commit_callbacks
):
    assert "Jordan Example" in json.dumps(list(Event.objects.values("before", "after")))
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)

    payloads = json.dumps(list(Event.objects.filter(concern=closed_concern).values("after")))
    assert "Jordan Example" not in payloads
    assert "client file" not in payloads
    assert list(verify_chain(org.pk)) == []
    kinds = list(Event.objects.filter(concern=closed_concern).values_list("kind", flat=True))
    assert kinds[-2:] == ["disposal_approved", "disposed"]
    disposed = Event.objects.filter(concern=closed_concern, kind="disposed").get()
    assert disposed.after["register"] == DisposalRecord.objects.get().number


def test_a_redaction_marker_on_a_concern_never_disposed_of_is_detected(
    closed_concern, org, guidance, reporter
):
    other = make_concern(reporter)
    event = Event.objects.filter(concern=other).first()
    Event.objects.filter(pk=event.pk).update(
        before={}, after={"redacted": {"payload_sha256": "0" * 64, "disposal": "DR-1"}}
    )
    messages = [problem.message for problem in verify_chain(org.pk)]
    assert "redacted, but its concern was never disposed of" in messages


def test_disposal_runs_once(closed_concern, hr_manager, django_capture_on_commit_callbacks):
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)
    assert services.concern_dispose(closed_concern.pk) is None
    assert DisposalRecord.objects.count() == 1
    assert Event.objects.filter(concern=closed_concern, kind="disposed").count() == 1


def test_a_person_with_other_concerns_is_kept(
    closed_concern, hr_manager, reporter, django_capture_on_commit_callbacks
):
    later = make_concern(reporter)
    later.subject = closed_concern.subject
    later.save(update_fields=["subject"])
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)
    later.refresh_from_db()
    assert later.subject is not None and later.subject.full_name == "Jordan Example"


def test_access_records_lose_their_detail_but_keep_who_looked(
    closed_concern, hr_manager, django_capture_on_commit_callbacks
):
    AccessRecord.objects.create(
        concern=closed_concern, user=hr_manager, action="downloaded", detail="jordan-post.png"
    )
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)
    record = AccessRecord.objects.get(concern=closed_concern, action="downloaded")
    assert record.user == hr_manager and record.detail == ""


def test_a_disposed_concern_cannot_be_reopened(
    closed_concern, hr_manager, django_capture_on_commit_callbacks
):
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)
    closed_concern.refresh_from_db()
    with pytest.raises(Refused):
        act(closed_concern, hr_manager, "reopen", reason="Try")


# --- Legal holds ---------------------------------------------------------------------


def test_a_legal_hold_stops_approval(closed_concern, hr_manager):
    services.legal_hold_place(concern=closed_concern, actor=hr_manager, reason="Court summons.")
    _due(closed_concern)
    with pytest.raises(Refused, match="legal hold"):
        _approve(closed_concern, hr_manager)


def test_a_hold_placed_after_approval_stops_the_disposal(closed_concern, hr_manager):
    _due(closed_concern)
    _approve(closed_concern, hr_manager)  # the disposal task is not run yet
    services.legal_hold_place(concern=closed_concern, actor=hr_manager, reason="Inquiry.")
    assert services.concern_dispose(closed_concern.pk) is None
    closed_concern.refresh_from_db()
    assert closed_concern.disposed_at is None
    assert Evidence.objects.filter(concern=closed_concern).exists()


def test_releasing_the_hold_lets_disposal_go_ahead(closed_concern, hr_manager):
    _due(closed_concern)
    services.legal_hold_place(concern=closed_concern, actor=hr_manager, reason="Inquiry.")
    services.legal_hold_release(concern=closed_concern, actor=hr_manager, reason="Inquiry ended.")
    _approve(closed_concern, hr_manager)
    assert services.concern_dispose(closed_concern.pk) is not None
    kinds = set(Event.objects.filter(concern=closed_concern).values_list("kind", flat=True))
    assert {"legal_hold_placed", "legal_hold_released", "disposed"} <= kinds


def test_one_hold_at_a_time_and_each_needs_a_reason(closed_concern, hr_manager):
    with pytest.raises(Refused, match="say why"):
        services.legal_hold_place(concern=closed_concern, actor=hr_manager, reason=" ")
    services.legal_hold_place(concern=closed_concern, actor=hr_manager, reason="Inquiry.")
    with pytest.raises(Refused, match="already on legal hold"):
        services.legal_hold_place(concern=closed_concern, actor=hr_manager, reason="Again.")
    assert LegalHold.objects.count() == 1


def test_only_hr_managers_place_holds(closed_concern, investigator, executive, outsider):
    for person in (investigator, executive, outsider):
        with pytest.raises(Refused):
            services.legal_hold_place(concern=closed_concern, actor=person, reason="x")


# --- The pages -----------------------------------------------------------------------


def test_the_hr_manager_approves_from_the_disposal_list(
    closed_concern, hr_manager, client, django_capture_on_commit_callbacks
):
    _due(closed_concern)
    client.force_login(hr_manager)
    page = client.get(reverse("records:disposal"))
    assert page.status_code == 200
    assert closed_concern.reference in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("records:approve"),
            {"concerns": [closed_concern.pk], "note": "Authority 2099/01 class 4"},
        )
    assert response.status_code == 302
    closed_concern.refresh_from_db()
    assert closed_concern.disposed_at is not None  # Celery is eager here
    register = client.get(reverse("records:register")).content.decode()
    assert closed_concern.reference in register and "Authority 2099/01 class 4" in register


def test_approval_without_a_note_keeps_the_choice_and_says_what_is_missing(
    closed_concern, hr_manager, client
):
    _due(closed_concern)
    client.force_login(hr_manager)
    response = client.post(reverse("records:approve"), {"concerns": [closed_concern.pk]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required" in html
    assert f'value="{closed_concern.pk}" id="dispose-{closed_concern.pk}" checked' in html
    closed_concern.refresh_from_db()
    assert closed_concern.disposed_at is None


def test_a_concern_on_hold_cannot_be_chosen_on_the_page(closed_concern, hr_manager, client):
    _due(closed_concern)
    services.legal_hold_place(concern=closed_concern, actor=hr_manager, reason="Court summons.")
    client.force_login(hr_manager)
    html = client.get(reverse("records:disposal")).content.decode()
    assert "On legal hold" in html and f'id="dispose-{closed_concern.pk}"' not in html
    response = client.post(
        reverse("records:approve"), {"concerns": [closed_concern.pk], "note": "x"}
    )
    assert response.status_code == 400


def test_the_concern_page_shows_retention_and_takes_a_hold(closed_concern, hr_manager, client):
    client.force_login(hr_manager)
    html = client.get(reverse("incidents:detail", args=[closed_concern.pk])).content.decode()
    assert "Conduct matter: breach found" in html and "Place a legal hold" in html
    response = client.post(reverse("records:hold_place", args=[closed_concern.pk]), {"reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(
        reverse("records:hold_place", args=[closed_concern.pk]),
        {"reason": "Court summons.", "confirm": "on"},
    )
    assert response.status_code == 302
    html = client.get(reverse("incidents:detail", args=[closed_concern.pk])).content.decode()
    assert "On legal hold" in html and "Release the hold" in html


def test_a_disposed_concern_page_says_what_happened(
    closed_concern, hr_manager, reporter, client, django_capture_on_commit_callbacks
):
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)
    client.force_login(hr_manager)
    response = client.get(reverse("incidents:detail", args=[closed_concern.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "was disposed of" in html and "Jordan Example" not in html
    assert "Place a legal hold" not in html
    client.force_login(reporter)
    assert closed_concern.reference not in client.get(reverse("incidents:mine")).content.decode()


@pytest.mark.parametrize("persona", ["reporter", "investigator", "executive", "administrator"])
def test_records_pages_are_for_hr_managers(persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("records:disposal")).status_code == 403
    assert client.get(reverse("records:register")).status_code == 403


def test_another_organisations_hr_manager_sees_nothing_of_ours(
    closed_concern, outsider, client, hr_manager, django_capture_on_commit_callbacks
):
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)
    client.force_login(outsider)
    assert closed_concern.reference not in client.get(reverse("records:register")).content.decode()
    response = client.post(reverse("records:hold_place", args=[closed_concern.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_a_concern_disposed_of_leaves_the_register_readable_for_a_new_hr_manager(
    closed_concern, hr_manager, org, client, django_capture_on_commit_callbacks
):
    _due(closed_concern)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(closed_concern, hr_manager)
    newcomer = UserFactory(organisation=org, roles=["hr_manager"])
    client.force_login(newcomer)
    assert closed_concern.reference in client.get(reverse("records:register")).content.decode()


def test_list_of_disposal_candidates_takes_constant_queries(
    guidance, reporter, hr_manager, investigator, client, django_assert_max_num_queries, media
):
    for _ in range(3):
        concern = make_concern(reporter)
        close_with_finding(concern, hr_manager, investigator, finding="no_case")
    RetentionSchedule.objects.update(disposal_due_on=timezone.localdate())
    services.list_due_disposals()
    client.force_login(hr_manager)
    with django_assert_max_num_queries(14) as captured:
        client.get(reverse("records:disposal"))
    few = len(captured)
    for _ in range(3):
        concern = make_concern(reporter)
        close_with_finding(concern, hr_manager, investigator, finding="no_case")
    RetentionSchedule.objects.update(disposal_due_on=timezone.localdate())
    services.list_due_disposals()
    with django_assert_max_num_queries(few):
        client.get(reverse("records:disposal"))


# --- Administrators set the periods, and see no case records --------------------------


def test_an_administrator_sets_an_organisations_retention_period(client, administrator, org):
    administrator.groups.add(administrators_group())
    client.force_login(administrator)
    url = reverse("admin:records_retentionrule_add")
    response = client.post(
        url,
        {
            "organisation": org.pk,
            "outcome": "not_substantiated",
            "retention_class": "Conduct matter: no breach found",
            "authority": "RDA 2099/01 class 5",
            "years": "3",
        },
    )
    assert response.status_code == 302
    assert RetentionRule.objects.get(organisation=org, outcome="not_substantiated").years == 3
    bad = client.post(url, {"organisation": org.pk, "outcome": "withdrawn", "years": "0"})
    assert bad.status_code == 200 and "greater than or equal to 1" in bad.content.decode()


def test_the_admin_holds_no_schedules_holds_or_register(client, administrator):
    administrator.groups.add(administrators_group())
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Retention rules" in index
    for name in ("retentionschedule", "legalhold", "disposalrecord"):
        assert f"/records/{name}/" not in index
