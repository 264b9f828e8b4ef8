"""The review workflow from submission to a recorded outcome, enforced on the server."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role
from audit.chain import verify_chain
from audit.models import Event
from config.errors import Refused
from guidance.models import CodeSection
from incidents import permissions, workflow
from incidents.casework import services as casework
from incidents.intake import services as intake
from incidents.models import Concern, Status
from incidents.working_days import add_working_days
from tests.factories import RIGHTS, UserFactory, make_concern, rights_answers

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _act(concern, actor, action, **inputs):
    concern.refresh_from_db()
    return casework.concern_act(
        concern=concern, actor=actor, action=action, expected_version=concern.version, inputs=inputs
    )


def _triage(concern, actor, *, risk="high", codes=("6.2",)):
    concern.refresh_from_db()
    return casework.concern_record_triage(
        concern=concern,
        actor=actor,
        data=casework.TriageData(
            graduated_response="misconduct",
            risk_rating=risk,
            sections=list(CodeSection.objects.filter(code__in=codes)),
        ),
        expected_version=concern.version,
    )


def _assign(concern, actor, assignee):
    concern.refresh_from_db()
    return casework.concern_assign(
        concern=concern, actor=actor, assignee=assignee, expected_version=concern.version
    )


def _fairness(concern, actor, *, told, due, received=None):
    concern.refresh_from_db()
    return casework.concern_record_fairness(
        concern=concern,
        actor=actor,
        data=casework.FairnessData(
            allegation_notified_on=told, response_due_on=due, response_received_on=received
        ),
        expected_version=concern.version,
    )


def _findings(concern, actor, finding="substantiated", action="formal_warning"):
    concern.refresh_from_db()
    return casework.concern_record_findings(
        concern=concern,
        actor=actor,
        data=casework.FindingsData(
            findings={row.section_id: finding for row in concern.findings.all()},
            action_taken=action,
            outcome_summary="Post removed; warning issued.",
            rights=rights_answers(),
        ),
        expected_version=concern.version,
    )


def _to_investigation(concern, hr_manager, investigator):
    _act(concern, hr_manager, "start_triage")
    _triage(concern, hr_manager)
    _assign(concern, hr_manager, investigator)
    return _act(concern, investigator, "start_investigation", **RIGHTS)


def test_a_concern_goes_from_submission_to_closure(
    submitted_concern, hr_manager, investigator, reporter, django_capture_on_commit_callbacks
):
    concern = _to_investigation(submitted_concern, hr_manager, investigator)
    assert concern.status == Status.INVESTIGATION
    _fairness(concern, investigator, told=TODAY() - dt.timedelta(10), due=TODAY() - dt.timedelta(3))
    _findings(concern, investigator)
    _act(concern, investigator, "propose_decision")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        concern = _act(concern, hr_manager, "close", reporter_message="Action has been taken.")
    assert concern.status == Status.CLOSED and concern.closed_at is not None
    assert [m.to for m in mail.outbox] == [[reporter.email]]
    assert "Jordan" not in mail.outbox[0].body and "client file" not in mail.outbox[0].body
    statuses = list(
        Event.objects.filter(concern=concern, kind="status_changed").values_list(
            "after__status", flat=True
        )
    )
    assert statuses == ["submitted", "triage", "investigation", "decision", "closed"]


def test_every_status_change_in_the_journey_left_an_event(
    submitted_concern, hr_manager, investigator
):
    concern = _to_investigation(submitted_concern, hr_manager, investigator)
    changes = Event.objects.filter(concern=concern, kind="status_changed").count()
    assert changes == 3  # submitted, triage, investigation
    assert Concern.objects.get(pk=concern.pk).status == Status.INVESTIGATION


def test_forbidden_transitions_are_refused_with_a_clear_message(submitted_concern, hr_manager):
    with pytest.raises(Refused, match="not possible for a concern at the submitted stage"):
        workflow.transition(concern=submitted_concern, action="close", actor=hr_manager)
    _act(submitted_concern, hr_manager, "start_triage")
    with pytest.raises(Refused, match="the confirmed Code sections"):
        _act(submitted_concern, hr_manager, "start_investigation")


def test_dismissal_needs_a_reason(submitted_concern, hr_manager):
    _act(submitted_concern, hr_manager, "start_triage")
    with pytest.raises(Refused, match="reason"):
        _act(submitted_concern, hr_manager, "dismiss")
    concern = _act(submitted_concern, hr_manager, "dismiss", reason="Not about an employee.")
    assert concern.status == Status.DISMISSED and concern.status_reason == "Not about an employee."


def test_only_the_reporter_withdraws_and_only_before_triage(
    submitted_concern, reporter, hr_manager
):
    with pytest.raises(Refused):
        _act(submitted_concern, hr_manager, "withdraw", reason="x")
    _act(submitted_concern, hr_manager, "start_triage")
    with pytest.raises(Refused):
        _act(submitted_concern, reporter, "withdraw", reason="I was mistaken")


def test_reopening_needs_an_hr_manager_and_a_reason(submitted_concern, hr_manager, investigator):
    _act(submitted_concern, hr_manager, "start_triage")
    _act(submitted_concern, hr_manager, "dismiss", reason="Duplicate")
    with pytest.raises(Refused):
        _act(submitted_concern, investigator, "reopen", reason="New evidence")
    with pytest.raises(Refused, match="reason"):
        _act(submitted_concern, hr_manager, "reopen")
    concern = _act(submitted_concern, hr_manager, "reopen", reason="New evidence arrived.")
    assert concern.status == Status.TRIAGE and concern.closed_at is None


def test_referral_names_the_body(submitted_concern, hr_manager):
    _act(submitted_concern, hr_manager, "start_triage")
    concern = _act(
        submitted_concern, hr_manager, "refer", referred_to="Victoria Police", reason="Threats"
    )
    assert concern.status == Status.REFERRED and concern.referred_to == "Victoria Police"


def test_no_substantiated_finding_before_the_employee_could_respond(
    submitted_concern, hr_manager, investigator
):
    concern = _to_investigation(submitted_concern, hr_manager, investigator)
    with pytest.raises(Refused, match="told of the allegations"):
        _findings(concern, investigator)
    _fairness(concern, investigator, told=TODAY(), due=TODAY() + dt.timedelta(7))
    with pytest.raises(Refused, match="chance to respond has not ended"):
        _findings(concern, investigator)
    _fairness(concern, investigator, told=TODAY(), due=TODAY() + dt.timedelta(7), received=TODAY())
    concern = _findings(concern, investigator)
    assert concern.findings.get().finding == "substantiated"


def test_a_finding_of_no_case_needs_no_fairness_steps(submitted_concern, hr_manager, investigator):
    concern = _to_investigation(submitted_concern, hr_manager, investigator)
    concern = _findings(concern, investigator, finding="no_case", action="none")
    assert workflow.fairness_met(concern)


def test_the_investigator_cannot_also_make_the_decision(org, submitted_concern, hr_manager):
    both = UserFactory(organisation=org, roles=[Role.HR_MANAGER], username="both")
    concern = _to_investigation(submitted_concern, hr_manager, both)
    _fairness(concern, both, told=TODAY() - dt.timedelta(9), due=TODAY() - dt.timedelta(2))
    _findings(concern, both)
    _act(concern, both, "propose_decision")
    with pytest.raises(Refused, match="took part in this investigation"):
        _act(concern, both, "close")
    org.decision_maker_must_differ = False
    org.save()
    assert _act(concern, both, "close").status == Status.CLOSED


def test_reassigning_before_the_decision_does_not_let_the_investigator_approve(
    org, submitted_concern, hr_manager, investigator
):
    """The probe's path: an HR manager assigns himself, investigates, sends it for decision,
    hands it to someone else, then tries to approve. The event record still names him."""
    _act(submitted_concern, hr_manager, "start_triage")
    _triage(submitted_concern, hr_manager)
    _assign(submitted_concern, hr_manager, hr_manager)
    concern = _act(submitted_concern, hr_manager, "start_investigation", **RIGHTS)
    _fairness(concern, hr_manager, told=TODAY() - dt.timedelta(9), due=TODAY() - dt.timedelta(2))
    _findings(concern, hr_manager)
    _act(concern, hr_manager, "propose_decision")
    _assign(concern, hr_manager, investigator)
    concern.refresh_from_db()
    assert concern.assignee_id == investigator.pk

    close = workflow.BY_NAME["close"]
    assert not permissions.can_apply_transition(hr_manager, concern, close)
    assert close not in workflow.allowed_transitions(hr_manager, concern)
    with pytest.raises(Refused, match="another HR manager must approve"):
        _act(concern, hr_manager, "close")
    concern.refresh_from_db()
    assert concern.status == Status.DECISION

    other = UserFactory(organisation=org, roles=[Role.HR_MANAGER], username="second_manager")
    assert _act(concern, other, "close").status == Status.CLOSED


@pytest.mark.parametrize("step", ["fairness", "findings", "propose"])
def test_whoever_recorded_part_of_the_investigation_cannot_approve_it(
    org, submitted_concern, hr_manager, investigator, step
):
    """Recording the fairness steps or the findings, or sending it for decision, is taking
    part, even for an HR manager who was never its assignee."""
    helper = UserFactory(organisation=org, roles=[Role.HR_MANAGER], username="helper")
    concern = _to_investigation(submitted_concern, hr_manager, investigator)
    told, due = TODAY() - dt.timedelta(9), TODAY() - dt.timedelta(2)
    _fairness(concern, helper if step == "fairness" else investigator, told=told, due=due)
    _findings(concern, helper if step == "findings" else investigator)
    _act(concern, helper if step == "propose" else investigator, "propose_decision")
    with pytest.raises(Refused, match="took part"):
        _act(concern, helper, "close")
    assert _act(concern, hr_manager, "close").status == Status.CLOSED


def test_the_investigator_cannot_reopen_and_dismiss_their_own_investigated_case(
    org, submitted_concern, hr_manager
):
    """Return, refer, reopen, then dismiss at triage: a final outcome decided alone by the
    person who investigated it. Dismissing a concern that was investigated is an outcome."""
    both = UserFactory(organisation=org, roles=[Role.HR_MANAGER], username="both")
    concern = _to_investigation(submitted_concern, hr_manager, both)
    _fairness(concern, both, told=TODAY() - dt.timedelta(9), due=TODAY() - dt.timedelta(2))
    _findings(concern, both)
    _act(concern, both, "propose_decision")
    _act(concern, both, "return_to_investigation", reason="More to check")
    _act(concern, both, "refer", referred_to="Victoria Police", reason="Possible offence")
    _act(concern, both, "reopen", reason="Police declined to act")
    with pytest.raises(Refused, match="took part in this investigation"):
        _act(concern, both, "dismiss", reason="Done")
    assert _act(concern, hr_manager, "dismiss", reason="No further action").status == "dismissed"


def test_an_investigator_may_still_dismiss_at_first_triage(
    submitted_concern, hr_manager, investigator
):
    _act(submitted_concern, hr_manager, "start_triage")
    _assign(submitted_concern, hr_manager, investigator)
    assert (
        _act(submitted_concern, investigator, "dismiss", reason="Not about an employee.").status
        == "dismissed"
    )


def test_an_action_the_status_does_not_allow_is_refused_not_run_as_another(
    submitted_concern, hr_manager
):
    """'Reopen' on a submitted concern once moved it to triage, recorded as start_triage."""
    before = Event.objects.filter(concern=submitted_concern, kind="status_changed").count()
    with pytest.raises(Refused, match="“Reopen” is not possible"):
        _act(submitted_concern, hr_manager, "reopen", reason="Trying another door")
    submitted_concern.refresh_from_db()
    assert submitted_concern.status == Status.SUBMITTED
    after = Event.objects.filter(concern=submitted_concern, kind="status_changed").count()
    assert after == before


def test_closing_requires_findings_and_action(submitted_concern, hr_manager, investigator):
    concern = _to_investigation(submitted_concern, hr_manager, investigator)
    with pytest.raises(Refused, match="a finding for every confirmed"):
        _act(concern, investigator, "propose_decision")


def test_conflicted_people_cannot_be_assigned(
    org, submitted_concern, hr_manager, reporter, investigator
):
    _act(submitted_concern, hr_manager, "start_triage")
    reporter_hr = UserFactory(
        organisation=org, roles=[Role.REPORTER, Role.INVESTIGATOR], username="r-hr"
    )
    own = make_concern(reporter_hr, subject_name="Someone Else")
    # The person who logged it
    _act(own, hr_manager, "start_triage")
    with pytest.raises(Refused, match="logged the concern"):
        _assign(own, hr_manager, reporter_hr)
    # The employee concerned
    subject = UserFactory(
        organisation=org, roles=[Role.INVESTIGATOR], first_name="Jordan", last_name="Example"
    )
    with pytest.raises(Refused, match="about them"):
        _assign(submitted_concern, hr_manager, subject)
    # Someone in the employee's reporting line
    casework.person_set_reporting_line(
        concern=submitted_concern, actor=hr_manager, managers=[investigator]
    )
    with pytest.raises(Refused, match="reporting line"):
        _assign(submitted_concern, hr_manager, investigator)
    submitted_concern.refresh_from_db()
    assert not permissions.can_view_case_record(investigator, submitted_concern)
    assert submitted_concern not in permissions.hr_concerns(investigator)


def test_stepping_aside_unassigns_and_hides_the_concern(
    submitted_concern, hr_manager, investigator
):
    _act(submitted_concern, hr_manager, "start_triage")
    _assign(submitted_concern, hr_manager, investigator)
    concern = casework.concern_step_aside(
        concern=submitted_concern, actor=investigator, reason="I know the employee socially."
    )
    assert concern.assignee is None
    assert not permissions.can_view_case_record(investigator, concern)
    with pytest.raises(Refused, match="stepped aside"):
        _assign(concern, hr_manager, investigator)


def test_investigators_see_unassigned_and_their_own_concerns_only(
    org, guidance, reporter, hr_manager, investigator
):
    other = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="inv2")
    unassigned = make_concern(reporter, subject_name="A Person")
    mine = make_concern(reporter, subject_name="B Person")
    theirs = make_concern(reporter, subject_name="C Person")
    _assign(mine, hr_manager, investigator)
    _assign(theirs, hr_manager, other)
    visible = set(permissions.hr_concerns(investigator))
    assert visible == {unassigned, Concern.objects.get(pk=mine.pk)}
    assert len(permissions.hr_concerns(hr_manager)) == 3


def test_a_possible_disclosure_is_restricted_at_once(
    org, guidance, reporter, hr_manager, investigator, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(organisation=org, roles=[Role.HR_MANAGER], username="coord")
    org.pid_coordinator = coordinator
    org.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        concern = make_concern(reporter, possible_pid="yes")
    assert concern.restricted
    assert [m.to for m in mail.outbox] == [[coordinator.email]]  # nobody else hears of it
    assert concern not in permissions.hr_concerns(hr_manager)
    assert concern not in permissions.hr_concerns(investigator)
    assert concern in permissions.hr_concerns(coordinator)
    assert not permissions.can_view_concern(hr_manager, concern)
    assert permissions.can_view_concern(reporter, concern)  # their status page still works


def test_flagging_later_removes_the_concern_from_others_and_keeps_history(
    org, submitted_concern, hr_manager, investigator
):
    coordinator = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="coord")
    org.pid_coordinator = coordinator
    org.save()
    _assign(submitted_concern, hr_manager, investigator)
    concern = casework.concern_restrict(
        concern=submitted_concern, actor=hr_manager, reason="Alleges corruption in procurement."
    )
    assert concern.restricted and concern.assignee is None
    assert not permissions.can_view_case_record(investigator, concern)
    assert not permissions.can_view_case_record(hr_manager, concern)
    assert permissions.can_view_case_record(coordinator, concern)
    event = Event.objects.get(concern=concern, kind="restricted")
    assert event.before["assignee"] == investigator.pk  # who had it is kept


def test_due_dates_follow_the_stage_and_risk(submitted_concern, hr_manager, investigator):
    submitted_concern.refresh_from_db()
    assert submitted_concern.due_on == add_working_days(
        submitted_concern.submitted_at.astimezone().date(), 5
    )
    concern = _to_investigation(submitted_concern, hr_manager, investigator)
    assert concern.due_on == add_working_days(TODAY(), 10)  # high risk


@pytest.mark.parametrize(
    ("state", "due"),
    [
        # Friday 30 October 2026 + 5 working days: Melbourne Cup day (Tuesday 3 November)
        # is a holiday in Victoria only.
        ("VIC", dt.date(2026, 11, 9)),
        ("NSW", dt.date(2026, 11, 6)),
    ],
)
def test_a_triage_due_date_skips_the_organisations_public_holidays(
    guidance, org, reporter, state, due
):
    org.holiday_state = state
    org.save()
    draft = make_concern(reporter, submit=False)
    submitted = intake.concern_submit(
        concern=draft,
        actor=reporter,
        expected_version=draft.version,
        at=dt.datetime(2026, 10, 30, 10, tzinfo=dt.UTC).astimezone(),
    )
    assert submitted.due_on == due


def test_a_triage_due_date_over_christmas_skips_the_holidays(guidance, org, reporter):
    draft = make_concern(reporter, submit=False)
    submitted = intake.concern_submit(
        concern=draft,
        actor=reporter,
        expected_version=draft.version,
        # Thursday 24 December 2026. Christmas (Friday), Boxing Day observed (Monday 28th)
        # and New Year's Day (Friday 1 January) are not working days in Victoria; counting
        # weekends only would have said Thursday 31 December.
        at=dt.datetime(2026, 12, 24, 1, tzinfo=dt.UTC).astimezone(),
    )
    assert submitted.due_on == dt.date(2027, 1, 5)


def test_overdue_concerns_escalate_once(
    submitted_concern, hr_manager, investigator, django_capture_on_commit_callbacks
):
    _assign(submitted_concern, hr_manager, investigator)
    Concern.objects.filter(pk=submitted_concern.pk).update(due_on=TODAY() - dt.timedelta(1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert casework.escalate_overdue() == 1
        assert casework.escalate_overdue() == 0  # running twice sends once
    assert sorted(m.to[0] for m in mail.outbox) == sorted([hr_manager.email, investigator.email])
    assert Event.objects.filter(concern=submitted_concern, kind="escalated").count() == 1


def test_stale_version_is_refused_and_nothing_is_written(submitted_concern, hr_manager):
    seen = submitted_concern.version
    _act(submitted_concern, hr_manager, "start_triage")
    with pytest.raises(Refused, match="Someone else changed"):
        casework.concern_record_triage(
            concern=submitted_concern,
            actor=hr_manager,
            data=casework.TriageData("informal", "low", list(CodeSection.objects.all()[:1])),
            expected_version=seen,
        )
    assert Concern.objects.get(pk=submitted_concern.pk).risk_rating == ""


def test_notes_are_recorded_with_an_event(submitted_concern, hr_manager):
    note = casework.note_add(
        concern=submitted_concern, actor=hr_manager, text="Called the reporter."
    )
    assert note.pk and Event.objects.filter(kind="note_added", concern=submitted_concern).exists()


# --- The event chain ---------------------------------------------------------------------


def test_the_event_chain_verifies(submitted_concern, hr_manager, org):
    _act(submitted_concern, hr_manager, "start_triage")
    assert list(verify_chain(org.pk)) == []
    call_command("verify_events")


def test_editing_an_event_in_the_database_is_detected(submitted_concern, org):
    event = Event.objects.filter(concern=submitted_concern).order_by("seq")[1]
    Event.objects.filter(pk=event.pk).update(
        after={"status": "closed"}
    )  # tampering, bypassing the app
    problems = list(verify_chain(org.pk))
    assert [p.seq for p in problems] == [event.seq]
    with pytest.raises(CommandError, match="altered"):
        call_command("verify_events")


def test_deleting_the_last_event_in_the_database_is_detected(submitted_concern, org):
    last = Event.objects.filter(organisation=org).order_by("-seq").first()
    Event.objects.filter(pk=last.pk)._raw_delete(Event.objects.db)
    assert any("missing" in p.message for p in verify_chain(org.pk))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_saving_at_once_one_wins_and_the_other_is_told(
    guidance, reporter, hr_manager, investigator
):
    """Two connections race to record triage on the same version: exactly one write lands."""
    import threading

    from django.db import connection

    from tests import services as service_markers

    service_markers.require_postgres()
    concern = make_concern(reporter)
    _act(concern, hr_manager, "start_triage")
    concern.refresh_from_db()
    seen = concern.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(actor, risk):
        try:
            barrier.wait(timeout=10)
            casework.concern_record_triage(
                concern=Concern.objects.get(pk=concern.pk),
                actor=actor,
                data=casework.TriageData(
                    "informal", risk, list(CodeSection.objects.filter(code="6.2"))
                ),
                expected_version=seen,
            )
            outcomes[risk] = "saved"
        except Refused as exc:
            outcomes[risk] = str(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(hr_manager, "low")),
        threading.Thread(target=save, args=(investigator, "high")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values())[-1] == "saved"
    loser = next(value for value in outcomes.values() if value != "saved")
    assert "Someone else changed this concern" in loser
    concern.refresh_from_db()
    assert concern.version == seen + 1
    winner = next(risk for risk, value in outcomes.items() if value == "saved")
    assert concern.risk_rating == winner
    assert Event.objects.filter(concern=concern, kind="triage_recorded").count() == 1


def test_escalation_runs_from_celery_beat(settings):
    from config.celery_app import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    names = {entry["task"] for entry in schedule.values()}
    assert "incidents.tasks.escalate_overdue_concerns" in names
    assert "notifications.tasks.resend_unsent_notifications" in names
    assert all(name in app.tasks for name in names)


# --- The investigation's record is locked while a decision is pending ----------------


def _sent_for_decision(concern, hr_manager, investigator):
    concern = _to_investigation(concern, hr_manager, investigator)
    _fairness(concern, investigator, told=TODAY() - dt.timedelta(10), due=TODAY() - dt.timedelta(3))
    _findings(concern, investigator)
    return _act(concern, investigator, "propose_decision")


def test_findings_and_fairness_are_locked_once_sent_for_decision(
    submitted_concern, hr_manager, investigator
):
    concern = _sent_for_decision(submitted_concern, hr_manager, investigator)
    for actor in (investigator, hr_manager):
        with pytest.raises(Refused, match="sent for decision"):
            _findings(concern, actor, finding="not_substantiated", action="none")
        with pytest.raises(Refused, match="sent for decision"):
            _fairness(concern, actor, told=TODAY() - dt.timedelta(2), due=TODAY())
    concern.refresh_from_db()
    assert {row.finding for row in concern.findings.all()} == {"substantiated"}
    assert concern.allegation_notified_on == TODAY() - dt.timedelta(10)


def test_returning_to_the_investigation_unlocks_the_record(
    submitted_concern, hr_manager, investigator
):
    concern = _sent_for_decision(submitted_concern, hr_manager, investigator)
    _act(concern, hr_manager, "return_to_investigation", reason="Check the dates again.")
    concern = _findings(concern, investigator, finding="not_substantiated", action="none")
    assert {row.finding for row in concern.findings.all()} == {"not_substantiated"}
