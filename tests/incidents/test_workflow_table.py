"""The transition table and the official-or-private helper, tested without the database."""

from incidents import workflow
from incidents.intake import context_helper
from incidents.models import Status


def test_only_reporters_submit_drafts():
    rule = workflow.find(Status.DRAFT, Status.SUBMITTED)
    assert rule is not None
    assert rule.roles == {"reporter"}
    assert set(rule.required) == {
        "occurred_on",
        "description",
        "platform_category",
        "subject_or_not_known",
    }


def test_no_transition_leads_back_to_draft():
    assert all(rule.target != Status.DRAFT for rule in workflow.TRANSITIONS)


def test_every_required_field_has_words_for_the_reporter():
    for rule in workflow.TRANSITIONS:
        for name in rule.required:
            assert name in workflow.REQUIRED_LABELS


def test_official_account_means_official_use():
    result = context_helper.assess({"official_account": "yes"})
    assert result.use_context == "official"
    assert "6.1" in result.sections


def test_personal_account_with_a_clear_personal_view_is_private():
    result = context_helper.assess(
        {"official_account": "no", "presented_personal": "yes", "identifiable": "no"}
    )
    assert result.use_context == "private"


def test_work_time_or_equipment_points_to_work_resources():
    assert "5.3" in context_helper.assess({"work_resources": "yes"}).sections


def test_comment_on_own_work_not_made_personal_points_to_public_comment():
    result = context_helper.assess({"own_work_area": "yes", "presented_personal": "no"})
    assert result.sections.count("3.5") == 1


def test_minor_private_matter_offers_graduated_response_advice():
    answers = {
        "official_account": "no",
        "identifiable": "no",
        "own_work_area": "no",
        "presented_personal": "yes",
        "work_resources": "no",
    }
    result = context_helper.assess(answers)
    assert result.looks_minor and "conversation" in result.advice


def test_privacy_or_harassment_is_never_called_minor():
    answers = {"official_account": "no", "identifiable": "no", "own_work_area": "no"}
    assert context_helper.assess(answers).looks_minor
    assert not context_helper.assess(answers, serious_sections={"6.2"}).looks_minor


def test_no_answers_means_no_suggestion():
    result = context_helper.assess({})
    assert result.answered == 0 and result.use_context == "unclear" and not result.reasons


def test_every_action_says_in_plain_words_what_it_did():
    """The message after an action is the table's own words for it (a new action without
    them fails here), never the stage's name alone such as "is now decision"."""
    said = [rule.done for rule in workflow.TRANSITIONS]
    assert all(said) and len(set(said)) == len(said)
    for rule in workflow.TRANSITIONS:
        assert rule.done != f"is now {Status(rule.target).label.lower()}", rule.name
