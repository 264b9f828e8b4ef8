"""Charter of Human Rights and Responsibilities Act 2006, s 38: proper consideration is
recorded at exactly the decisions that limit the employee's rights (a formal
investigation, an adverse finding, a disciplinary action), on every path."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from config.errors import Refused
from guidance.models import CodeSection
from incidents import charter, workflow
from incidents.casework import services as casework
from incidents.models import DecisionDuties, RightsConsideration, Status
from tests.factories import RIGHTS, rights_answers

pytestmark = pytest.mark.django_db


def _act(concern, actor, action, **inputs):
    concern.refresh_from_db()
    return casework.concern_act(
        concern=concern, actor=actor, action=action, expected_version=concern.version, inputs=inputs
    )


def _triage(concern, actor, response="misconduct"):
    concern.refresh_from_db()
    return casework.concern_record_triage(
        concern=concern,
        actor=actor,
        data=casework.TriageData(response, "medium", list(CodeSection.objects.filter(code="6.2"))),
        expected_version=concern.version,
    )


def _fair(concern, actor):
    concern.refresh_from_db()
    today = timezone.localdate()
    return casework.concern_record_fairness(
        concern=concern,
        actor=actor,
        data=casework.FairnessData(today - dt.timedelta(9), today - dt.timedelta(2), None),
        expected_version=concern.version,
    )


def _findings(concern, actor, finding, action, rights=None):
    concern.refresh_from_db()
    return casework.concern_record_findings(
        concern=concern,
        actor=actor,
        data=casework.FindingsData(
            {row.section_id: finding for row in concern.findings.all()},
            action,
            "Outcome recorded.",
            rights=rights,
        ),
        expected_version=concern.version,
    )


def test_the_table_names_the_charter_steps_of_exactly_three_actions():
    steps = {rule.name: rule.charter for rule in workflow.TRANSITIONS if rule.charter}
    assert steps == {
        "start_investigation": ("investigation",),
        "propose_decision": ("finding", "action"),
        "close": ("finding", "action"),
    }


def test_a_formal_investigation_cannot_start_without_the_consideration(
    triage_concern, investigator
):
    _triage(triage_concern, investigator)
    with pytest.raises(Refused, match=r"starting a formal investigation.*s 38"):
        _act(triage_concern, investigator, "start_investigation")
    triage_concern.refresh_from_db()
    assert triage_concern.status == Status.TRIAGE
    assert not RightsConsideration.objects.exists()


def test_starting_a_formal_investigation_keeps_the_consideration_as_a_record_and_an_event(
    triage_concern, investigator
):
    _triage(triage_concern, investigator)
    concern = _act(triage_concern, investigator, "start_investigation", **RIGHTS)
    assert concern.status == Status.INVESTIGATION
    record = RightsConsideration.objects.get(concern=concern)
    assert (record.step, record.decision, record.recorded_by) == (
        "investigation",
        "misconduct",
        investigator,
    )
    assert record.expression == RIGHTS["rights_expression"]
    event = Event.objects.get(concern=concern, kind="rights_considered")
    assert event.after["step"] == "investigation"
    assert event.after["proportionality"] == RIGHTS["rights_proportionality"]
    status = Event.objects.filter(concern=concern, kind="status_changed").last()
    assert "rights_expression" not in status.after  # kept in its own event


def test_an_informal_response_starts_without_the_consideration(triage_concern, investigator):
    _triage(triage_concern, investigator, response="informal")
    concern = _act(triage_concern, investigator, "start_investigation")
    assert concern.status == Status.INVESTIGATION
    assert not RightsConsideration.objects.exists()


def test_an_adverse_finding_needs_the_consideration(investigating_concern, investigator):
    _fair(investigating_concern, investigator)
    with pytest.raises(Refused, match="the adverse finding"):
        _findings(investigating_concern, investigator, "substantiated", "training")
    investigating_concern.refresh_from_db()
    assert investigating_concern.findings.get().finding == ""
    _findings(investigating_concern, investigator, "substantiated", "training", rights_answers())
    assert list(
        RightsConsideration.objects.filter(step="finding").values_list("decision", flat=True)
    ) == [f"{investigating_concern.findings.get().section_id}:substantiated"]


def test_a_disciplinary_action_needs_the_consideration_even_without_an_adverse_finding(
    investigating_concern, investigator
):
    with pytest.raises(Refused, match="the disciplinary action"):
        _findings(investigating_concern, investigator, "not_substantiated", "formal_warning")


@pytest.mark.parametrize("action", ["none", "counselling", "training", "referral"])
def test_findings_that_limit_nothing_need_no_consideration(
    investigating_concern, investigator, action
):
    for finding in ("not_substantiated", "no_case"):
        _findings(investigating_concern, investigator, finding, action)
    assert not RightsConsideration.objects.filter(step__in=("finding", "action")).exists()


def test_a_changed_action_needs_considering_again(investigating_concern, investigator):
    _fair(investigating_concern, investigator)
    _findings(investigating_concern, investigator, "partly", "formal_warning", rights_answers())
    _findings(investigating_concern, investigator, "partly", "formal_warning")  # unchanged: fine
    with pytest.raises(Refused, match="the disciplinary action"):
        _findings(investigating_concern, investigator, "partly", "termination")


def test_sending_for_decision_and_closing_check_the_consideration_is_current(
    investigating_concern, investigator, hr_manager
):
    """A finding written past the service (a script, the shell) still cannot be decided on
    without the consideration: the table requires it at the decision too."""
    _fair(investigating_concern, investigator)
    _findings(investigating_concern, investigator, "not_substantiated", "none")
    investigating_concern.findings.update(finding="substantiated")
    with pytest.raises(Refused, match="the adverse finding"):
        _act(investigating_concern, investigator, "propose_decision")
    concern = _act(investigating_concern, investigator, "propose_decision", **RIGHTS)
    assert concern.status == Status.DECISION
    assert RightsConsideration.objects.filter(step="finding", current=True).count() == 1
    concern = _act(concern, hr_manager, "close")  # already considered: nothing more asked
    assert concern.status == Status.CLOSED


def test_reopening_means_the_decisions_are_considered_afresh(
    decision_concern, hr_manager, investigator
):
    concern = _act(decision_concern, hr_manager, "close")
    concern = _act(concern, hr_manager, "reopen", reason="New evidence arrived.")
    assert not RightsConsideration.objects.filter(concern=concern, current=True).exists()
    assert RightsConsideration.objects.filter(concern=concern).exists()  # kept, not current
    with pytest.raises(Refused, match="starting a formal investigation"):
        _act(concern, investigator, "start_investigation")


def test_the_findings_page_asks_next_to_the_fields(client, investigating_concern, investigator):
    _fair(investigating_concern, investigator)
    investigating_concern.refresh_from_db()
    section = investigating_concern.findings.get().section_id
    client.force_login(investigator)
    data = {
        "version": investigating_concern.version,
        f"finding_{section}": "substantiated",
        "action_taken": "training",
        "outcome_summary": "Typed with care.",
        "rights_expression": "Private account.",
    }
    response = client.post(reverse("incidents:findings", args=[investigating_concern.pk]), data)
    assert response.status_code == 400
    form = response.context["panels"]["findings"].form
    assert set(form.errors) == {"rights_privacy", "rights_proportionality"}
    assert form["outcome_summary"].value() == "Typed with care."  # nothing typed is lost
    assert form["rights_expression"].value() == "Private account."


def test_the_prompts_are_the_organisations_own_or_the_defaults(org):
    assert charter.prompt(org, "rights_expression") == charter.DEFAULT_PROMPTS["rights_expression"]
    DecisionDuties.objects.create(organisation=org, prompt_privacy="Our own words on privacy.")
    org.__dict__.pop("_decision_duties", None)
    assert charter.prompt(org, "rights_privacy") == "Our own words on privacy."
    assert charter.prompt(org, "rights_expression") == charter.DEFAULT_PROMPTS["rights_expression"]


def test_the_record_is_on_hrs_concern_page_and_not_the_reporters(
    client, investigating_concern, hr_manager, reporter
):
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
    assert RIGHTS["rights_privacy"] in page.content.decode()
    assert "Starting a formal investigation" in page.content.decode()
    client.force_login(reporter)
    page = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
    assert RIGHTS["rights_privacy"] not in page.content.decode()


def test_an_organisations_administrator_edits_only_their_own_prompts(
    client, org, other_org, administrator
):
    mine = DecisionDuties.objects.create(organisation=org)
    theirs = DecisionDuties.objects.create(organisation=other_org)
    from devtools.demo_people import administrators_group

    administrator.groups.add(administrators_group())
    client.force_login(administrator)
    base = "admin:incidents_decisionduties_change"
    assert client.get(reverse(base, args=[mine.pk])).status_code == 200
    assert client.get(reverse(base, args=[theirs.pk])).status_code == 302  # "not found"


def test_an_administrator_sets_the_review_period_within_bounds(client, org, administrator):
    from devtools.demo_people import administrators_group

    administrator.groups.add(administrators_group())
    client.force_login(administrator)
    url = reverse("admin:incidents_decisionduties_add")
    bad = client.post(url, {"organisation": org.pk, "review_days": "0"})
    assert bad.status_code == 200 and "Give a period of 1 to 90 days." in bad.content.decode()
    good = client.post(url, {"organisation": org.pk, "review_days": "21"})
    assert good.status_code == 302
    assert DecisionDuties.objects.get(organisation=org).review_days == 21
