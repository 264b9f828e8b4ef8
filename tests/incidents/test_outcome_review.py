"""Review of an outcome: the period set by the organisation, the eligible reviewer only, the
result as workflow steps with events, and the trend figures after a variation."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Event
from config.errors import Refused
from incidents import permissions, workflow
from incidents.casework import services as casework
from incidents.models import Concern, DecisionDuties, OutcomeReview, ReviewResult, Status
from reporting import queries, rollups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def reviewer(org):
    return UserFactory(
        username="reviewer", first_name="Rae", last_name="Viewer", organisation=org,
        roles=[Role.HR_MANAGER],
    )  # fmt: skip


@pytest.fixture
def closed(decision_concern, hr_manager):
    """Substantiated with a formal warning (tests.factories.send_for_decision), approved and
    closed by the HR manager."""
    decision_concern.refresh_from_db()
    return casework.concern_act(
        concern=decision_concern,
        actor=hr_manager,
        action="close",
        expected_version=decision_concern.version,
    )


def _request(concern, actor, reviewer, on=None):
    concern.refresh_from_db()
    return casework.outcome_review_request(
        concern=concern,
        actor=actor,
        requested_on=on or TODAY(),
        reviewer=reviewer,
        expected_version=concern.version,
    )


def _decide(concern, actor, action, findings=None, action_taken=""):
    concern.refresh_from_db()
    return casework.outcome_review_decide(
        concern=concern,
        actor=actor,
        action=action,
        reason="The warning was more than the conduct called for.",
        expected_version=concern.version,
        findings=findings,
        action_taken=action_taken,
    )


def test_closing_issues_the_outcome_with_the_default_period(closed, hr_manager):
    review = OutcomeReview.objects.get(concern=closed)
    assert review.review_due_on == TODAY() + dt.timedelta(days=14)
    assert review.issued_by == hr_manager
    assert review.original_action_taken == "formal_warning"
    assert review.original_findings == {"6.2": "substantiated"}
    event = Event.objects.get(concern=closed, kind="outcome_issued")
    assert event.after["review_due_on"] == review.review_due_on.isoformat()


def test_the_period_is_the_organisations(org, decision_concern, hr_manager):
    DecisionDuties.objects.create(organisation=org, review_days=21)
    decision_concern.refresh_from_db()
    concern = casework.concern_act(
        concern=decision_concern, actor=hr_manager, action="close", expected_version=None
    )
    assert OutcomeReview.objects.get(concern=concern).review_due_on == TODAY() + dt.timedelta(21)


# --- The eligible reviewer only ----------------------------------------------------------


def test_only_an_hr_manager_who_neither_investigated_nor_issued_it_is_offered(
    closed, hr_manager, investigator, reviewer
):
    closed.refresh_from_db()
    assert permissions.eligible_reviewers(closed) == [reviewer]
    assert permissions.review_refusal(hr_manager, closed) == (
        f"{hr_manager.display_name} issued the outcome, so cannot review it."
    )
    assert "is not an HR manager" in permissions.review_refusal(investigator, closed)


def test_someone_who_took_part_in_the_investigation_cannot_review_it(
    closed, hr_manager, reviewer, org
):
    """An HR manager who recorded fairness steps is kept out, like the investigator."""
    from django.db import transaction

    from audit.chain import record_event
    from audit.models import EventKind

    with transaction.atomic():
        record_event(
            organisation_id=org.pk,
            concern=closed,
            actor=reviewer,
            kind=EventKind.FAIRNESS_RECORDED,
            after={"allegation_notified_on": None},
        )
    closed = Concern.objects.get(pk=closed.pk)  # as a new request reads it
    assert permissions.review_refusal(reviewer, closed) == (
        "Rae Viewer took part in the investigation, so cannot review its outcome."
    )
    with pytest.raises(Refused, match="took part in the investigation"):
        _request(closed, hr_manager, reviewer)


def test_the_decision_maker_cannot_be_named_reviewer(closed, hr_manager):
    with pytest.raises(Refused, match="issued the outcome"):
        _request(closed, hr_manager, hr_manager)
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_only_the_named_reviewer_records_the_result(closed, hr_manager, reviewer, org):
    concern = _request(closed, hr_manager, reviewer)
    assert concern.status == Status.REVIEW
    other = UserFactory(username="other-manager", organisation=org, roles=[Role.HR_MANAGER])
    concern.refresh_from_db()
    confirm = workflow.BY_NAME["confirm_on_review"]
    assert permissions.can_apply_transition(reviewer, concern, confirm)
    assert not permissions.can_apply_transition(other, concern, confirm)
    assert not permissions.can_apply_transition(hr_manager, concern, confirm)
    with pytest.raises(Refused):
        _decide(concern, hr_manager, "confirm_on_review")
    assert permissions.review_withheld_reason(hr_manager, concern) == (
        "You issued the outcome, so cannot review it."
    )
    assert permissions.review_withheld_reason(other, concern) == (
        "Only the reviewer named for this request, Rae Viewer, records its result."
    )


def test_the_page_says_why_the_result_is_withheld_and_refuses_the_post(
    client, closed, hr_manager, reviewer
):
    concern = _request(closed, hr_manager, reviewer)
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    assert "is not offered to you: You issued the outcome, so cannot review it." in page
    posted = client.post(
        reverse("incidents:review_decide", args=[concern.pk]),
        {"version": concern.version, "result": "confirm_on_review", "reason": "Fine."},
    )
    assert posted.status_code == 403
    concern.refresh_from_db()
    assert concern.status == Status.REVIEW


# --- The deadline ----------------------------------------------------------------------


def test_a_request_made_on_the_last_day_is_recorded(closed, hr_manager, reviewer):
    review = OutcomeReview.objects.get(concern=closed)
    OutcomeReview.objects.filter(pk=review.pk).update(
        issued_at=review.issued_at, review_due_on=TODAY()
    )
    concern = _request(closed, hr_manager, reviewer, on=TODAY())
    review.refresh_from_db()
    assert (concern.status, review.requested_on, review.reviewer) == (
        Status.REVIEW,
        TODAY(),
        reviewer,
    )
    event = Event.objects.filter(concern=concern, kind="status_changed").last()
    assert event.after["action"] == "request_review"
    assert event.after["reviewer"] == str(reviewer.pk)


def test_a_request_made_after_the_period_is_refused(closed, hr_manager, reviewer):
    OutcomeReview.objects.filter(concern=closed).update(review_due_on=TODAY() - dt.timedelta(1))
    with pytest.raises(Refused, match="period to seek a review of this outcome ended"):
        _request(closed, hr_manager, reviewer, on=TODAY())
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_the_page_refuses_a_late_request_next_to_the_date(client, closed, hr_manager, reviewer):
    OutcomeReview.objects.filter(concern=closed).update(review_due_on=TODAY() - dt.timedelta(1))
    closed.refresh_from_db()
    client.force_login(hr_manager)
    response = client.post(
        reverse("incidents:review_request", args=[closed.pk]),
        {"version": closed.version, "requested_on": TODAY().isoformat(), "reviewer": reviewer.pk},
    )
    assert response.status_code == 400
    form = response.context["panels"]["review_request"].form
    assert "this request came too late" in form.errors["requested_on"][0]


def test_a_future_request_date_is_refused(closed, hr_manager, reviewer):
    with pytest.raises(Refused, match="future"):
        _request(closed, hr_manager, reviewer, on=TODAY() + dt.timedelta(1))


def test_an_outcome_is_reviewed_once(closed, hr_manager, reviewer):
    concern = _request(closed, hr_manager, reviewer)
    concern = _decide(concern, reviewer, "confirm_on_review")
    assert workflow.missing_fields(concern, workflow.BY_NAME["request_review"]) == [
        "review_may_be_sought"
    ]
    with pytest.raises(Refused, match="not yet reviewed"):
        _request(concern, hr_manager, reviewer)


# --- The result, kept beside the original -----------------------------------------------


def test_a_confirmed_outcome_stands_and_the_reporter_is_not_emailed_again(
    closed, hr_manager, reviewer, django_capture_on_commit_callbacks
):
    closed_at = closed.closed_at
    concern = _request(closed, hr_manager, reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        concern = _decide(concern, reviewer, "confirm_on_review")
    assert concern.status == Status.CLOSED
    concern.refresh_from_db()
    assert concern.closed_at == closed_at  # time to close is unchanged by the review
    assert concern.action_taken == "formal_warning"
    assert mail.outbox == []
    review = OutcomeReview.objects.get(concern=concern)
    assert review.result == ReviewResult.CONFIRMED


def test_a_variation_keeps_both_outcomes_and_leaves_an_event(closed, hr_manager, reviewer):
    concern = _request(closed, hr_manager, reviewer)
    concern = _decide(concern, reviewer, "vary_on_review", {"6.2": "partly"}, "counselling")
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED
    assert concern.findings.get().finding == "partly"
    assert concern.action_taken == "counselling"
    review = OutcomeReview.objects.get(concern=concern)
    assert (review.original_findings, review.original_action_taken) == (
        {"6.2": "substantiated"},
        "formal_warning",
    )
    assert (review.reviewed_findings, review.reviewed_action_taken) == (
        {"6.2": "partly"},
        "counselling",
    )
    event = Event.objects.get(concern=concern, kind="outcome_reviewed")
    assert event.before == {"findings": {"6.2": "substantiated"}, "action_taken": "formal_warning"}
    assert event.after["result"] == "varied"


def test_a_variation_through_the_generic_action_is_refused(closed, hr_manager, reviewer):
    """The API's generic action has no varied outcome to apply: it says where to give one."""
    concern = _request(closed, hr_manager, reviewer)
    concern.refresh_from_db()
    with pytest.raises(Refused, match="review form"):
        casework.concern_act(
            concern=concern,
            actor=reviewer,
            action="vary_on_review",
            expected_version=concern.version,
            inputs={"reason": "Varied."},
        )


def test_a_set_aside_outcome_no_longer_counts(closed, hr_manager, reviewer):
    concern = _request(closed, hr_manager, reviewer)
    concern = _decide(concern, reviewer, "set_aside_on_review")
    concern.refresh_from_db()
    assert concern.findings.get().finding == ""
    assert concern.action_taken == ""
    assert OutcomeReview.objects.get(concern=concern).original_action_taken == "formal_warning"


# --- The trend figures after a variation -----------------------------------------------


def _findings_figure(org):
    scope = queries.ReportScope(organisation_ids=(org.pk,), filters=queries.ReportFilters())
    return dict(queries.DirectFigures(scope).findings_by_section()), dict(
        rollups.RollupFigures(scope).findings_by_section()
    )


def test_the_trends_count_the_varied_outcome_from_then_on(org, closed, hr_manager, reviewer):
    cache.clear()
    rollups.refresh(org.pk)
    direct, rolled = _findings_figure(org)
    assert [finding for _, finding in direct] == ["Substantiated"]
    assert rolled == direct

    concern = _request(closed, hr_manager, reviewer)
    _decide(concern, reviewer, "vary_on_review", {"6.2": "not_substantiated"}, "none")
    assert rollups.refresh_changed(org.pk) > 0  # the refresher picks the review up
    direct, rolled = _findings_figure(org)
    assert [finding for _, finding in direct] == ["Not substantiated"]
    assert rolled == direct
    cache.clear()


def test_the_reviewer_varies_the_outcome_through_the_page(client, closed, hr_manager, reviewer):
    concern = _request(closed, hr_manager, reviewer)
    concern.refresh_from_db()
    client.force_login(reviewer)
    page = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert "review_decision" in page.context["panels"]
    url = reverse("incidents:review_decide", args=[concern.pk])
    missing = client.post(
        url,
        {"version": concern.version, "result": "vary_on_review", "reason": "Too severe."},
    )
    assert missing.status_code == 400
    form = missing.context["panels"]["review_decision"].form
    assert form.errors["finding_6.2"] == ["Give the finding as varied."]
    assert form["reason"].value() == "Too severe."
    done = client.post(
        url,
        {
            "version": concern.version,
            "result": "vary_on_review",
            "reason": "Too severe.",
            "finding_6.2": "partly",
            "action_taken": "training",
        },
    )
    assert done.status_code == 302
    page = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    assert "Varied" in page and "6.2: Substantiated" in page and "6.2: Partly substantiated" in page
