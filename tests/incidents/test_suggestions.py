"""Tests for the explainable Code-section suggestion engine (incidents/suggestions.py).

The quality tests measure micro precision and recall of the top-3 suggestions against the
labelled example sets in tests/incidents/data/. The floors sit slightly below the figures
measured when the rules were tuned (see scripts/eval_suggestions.py), so a change that
makes the suggestions noticeably worse fails here.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from incidents.intake.suggestions import (
    MAX_TEXT_CHARS,
    SECTION_CODES,
    Suggestion,
    SuggestionContext,
    suggest_sections,
)

DATA_DIR = Path(__file__).parent / "data"
MAIN_SET = DATA_DIR / "suggestion_examples.yaml"
HOLDOUT_SET = DATA_DIR / "suggestion_examples_holdout.yaml"

EIGHT_SECTIONS = {"2.2", "3.5", "3.9", "5.3", "5.4", "6.1", "6.2", "6.4"}

# Measured top-3 on the tuning set, rules and base model: precision 0.883, recall 0.860
# (385 examples; the base model was trained on them, so this is a fit, not a test).
MAIN_PRECISION_FLOOR = 0.85
MAIN_RECALL_FLOOR = 0.83
# Measured top-3 on the held-out set: precision 0.808, recall 0.804 (149 examples, never
# tuned on). The floors sit a little below, so a change that makes them worse fails.
HOLDOUT_PRECISION_FLOOR = 0.78
HOLDOUT_RECALL_FLOOR = 0.78


@dataclass(frozen=True)
class Example:
    text: str
    expected: frozenset[str]


def load_examples(path: Path) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Example(text=item["text"], expected=frozenset(item["expected"]))
        for item in data["examples"]
    ]


def micro_precision_recall(examples: list[Example], k: int = 3) -> tuple[float, float]:
    suggested = correct = expected = 0
    for example in examples:
        codes = {s.code for s in suggest_sections(example.text, limit=k)}
        suggested += len(codes)
        correct += len(codes & example.expected)
        expected += len(example.expected)
    precision = correct / suggested if suggested else 0.0
    recall = correct / expected if expected else 0.0
    return precision, recall


# --- the labelled sets themselves -------------------------------------------------------


@pytest.mark.parametrize("path", [MAIN_SET, HOLDOUT_SET], ids=["main", "holdout"])
def test_labelled_set_is_well_formed(path: Path) -> None:
    examples = load_examples(path)
    assert examples
    for example in examples:
        assert example.text.strip()
        assert 1 <= len(example.expected) <= 3
        assert example.expected <= EIGHT_SECTIONS, example.expected
        # YAML would turn an unquoted 2.2 into a float; the codes must stay strings.
        assert all(isinstance(code, str) for code in example.expected)


def test_main_set_is_large_enough_and_covers_every_section() -> None:
    examples = load_examples(MAIN_SET)
    assert len(examples) >= 300
    for code in EIGHT_SECTIONS:
        tagged = sum(code in example.expected for example in examples)
        assert tagged >= 6, f"only {tagged} examples tagged {code}"


def test_holdout_set_does_not_repeat_main_examples() -> None:
    main_texts = {example.text for example in load_examples(MAIN_SET)}
    assert not main_texts & {example.text for example in load_examples(HOLDOUT_SET)}


# --- quality floors ---------------------------------------------------------------------


def test_main_set_top3_precision_and_recall_meet_floors() -> None:
    precision, recall = micro_precision_recall(load_examples(MAIN_SET))
    assert precision >= MAIN_PRECISION_FLOOR, f"precision {precision:.3f}"
    assert recall >= MAIN_RECALL_FLOOR, f"recall {recall:.3f}"


def test_holdout_set_top3_precision_and_recall_meet_floors() -> None:
    precision, recall = micro_precision_recall(load_examples(HOLDOUT_SET))
    assert precision >= HOLDOUT_PRECISION_FLOOR, f"precision {precision:.3f}"
    assert recall >= HOLDOUT_RECALL_FLOOR, f"recall {recall:.3f}"


# --- behaviour --------------------------------------------------------------------------


def test_political_post_suggests_remaining_apolitical() -> None:
    text = (
        "A project officer posted on Facebook telling people to vote Labor at the state "
        "election and shared the party's campaign video."
    )
    suggestions = suggest_sections(text)
    assert suggestions
    top = suggestions[0]
    assert top.code == "2.2"
    assert top.title == "Remaining apolitical"
    assert any('"election"' in reason for reason in top.reasons)


def test_work_laptop_during_work_hours_suggests_work_resources() -> None:
    suggestions = suggest_sections(
        "He was posting on Instagram from his work laptop during work hours."
    )
    assert suggestions[0].code == "5.3"


def test_deleted_official_post_without_a_record_suggests_open_to_scrutiny() -> None:
    codes = [
        s.code
        for s in suggest_sections(
            "The official account deleted a post about fees and nobody kept a record of it."
        )
    ]
    assert codes[0] == "5.4"


def test_simple_inflections_are_matched() -> None:
    for text in (
        "She was voting and campaigning for a candidate.",
        "He voted for a candidate and campaigned for them.",
    ):
        assert "2.2" in {s.code for s in suggest_sections(text)}, text


def test_terms_only_match_whole_words() -> None:
    # "MP" must not match inside "MPG", and "vote" must not match inside "devoted".
    assert suggest_sections("My car gets 40 MPG and I am devoted to it.") == []


def test_reasons_are_non_empty_human_sentences() -> None:
    text = (
        "Using her work laptop, an officer posted a screenshot of a client's case file, "
        "including their home address, in a heated argument on Facebook."
    )
    suggestions = suggest_sections(text, limit=8)
    assert suggestions
    for suggestion in suggestions:
        assert suggestion.reasons
        for reason in suggestion.reasons:
            assert reason.strip() == reason
            assert len(reason.split()) >= 4
            assert reason[0].isupper()
            assert reason.endswith(".")
            assert f"({suggestion.code})" in reason
            assert '"' in reason, "a reason should quote what was detected"


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "?!?! ... ---", "1234 5678"])
def test_empty_or_meaningless_text_gives_no_suggestions(text: str) -> None:
    assert suggest_sections(text) == []


def test_garbage_input_does_not_crash() -> None:
    garbage = "\x00\ufffd\U0001f600 ((( [[[ \\\\ $$$ \u202e" * 50 + "".join(
        chr(c) for c in range(0x20, 0x3000, 7)
    )
    result = suggest_sections(garbage)
    assert isinstance(result, list)
    assert len(result) <= 3


def test_huge_input_is_fast_and_respects_the_limit() -> None:
    chunk = "posted drunk photos and leaked client details on the work phone during work hours. "
    huge = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]
    assert len(huge) > MAX_TEXT_CHARS
    started = time.perf_counter()
    result = suggest_sections(huge)
    elapsed = time.perf_counter() - started
    assert 0 < len(result) <= 3
    assert elapsed < 2.0, f"took {elapsed:.2f}s"


def test_suggestions_are_ranked_by_descending_score() -> None:
    text = (
        "During work hours on the office computer, a staff member posted racist abuse, "
        "leaked an internal briefing and urged people to vote Liberal at the election."
    )
    suggestions = suggest_sections(text, limit=8, min_score=0.0)
    assert len(suggestions) >= 4
    keys = [(-s.score, s.code) for s in suggestions]
    assert keys == sorted(keys)


def test_limit_is_respected() -> None:
    text = (
        "From the department's official account an officer rudely told a resident to vote "
        "Greens, posted her home address and medical details from the case file, swore at "
        "her in a heated argument, used a racist slur, then deleted the posts with no record "
        "kept, all on a work laptop during work hours."
    )
    assert len(suggest_sections(text, limit=8, min_score=0.0)) > 3
    assert len(suggest_sections(text)) <= 3
    for limit in (1, 2, 5):
        assert len(suggest_sections(text, limit=limit)) <= limit
    assert suggest_sections(text, limit=0) == []


def test_every_suggestion_is_one_of_the_eight_sections() -> None:
    assert set(SECTION_CODES) == EIGHT_SECTIONS
    for example in load_examples(MAIN_SET) + load_examples(HOLDOUT_SET):
        for suggestion in suggest_sections(example.text, limit=8, min_score=0.0):
            assert suggestion.code in EIGHT_SECTIONS
            assert 0.0 <= suggestion.score <= 1.0


def test_as_dict_is_json_ready() -> None:
    suggestion = Suggestion(code="3.9", title="Public trust", score=0.5, reasons=("A reason.",))
    assert suggestion.as_dict() == {
        "code": "3.9",
        "title": "Public trust",
        "score": 0.5,
        "reasons": ["A reason."],
    }
    json.dumps(suggestion.as_dict())


# --- management command -----------------------------------------------------------------


def test_suggest_sections_command_prints_json_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command

    text = "Posted on Facebook urging people to vote Labor at the election, using a work phone."
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("suggest_sections", stdout=out)
    payload = json.loads(out.getvalue())
    codes = [item["code"] for item in payload["suggestions"]]
    assert "2.2" in codes
    assert len(codes) <= 3
    for item in payload["suggestions"]:
        assert set(item) == {"code", "title", "score", "reasons"}
        assert item["reasons"]

    # The stdin= option and --limit work too, and empty input gives an empty list.
    out = io.StringIO()
    call_command("suggest_sections", "--limit", "1", stdin=io.StringIO(text), stdout=out)
    assert len(json.loads(out.getvalue())["suggestions"]) == 1
    out = io.StringIO()
    call_command("suggest_sections", stdin=io.StringIO(""), stdout=out)
    assert json.loads(out.getvalue()) == {"suggestions": []}


# --- words people actually use ----------------------------------------------------------


def _codes(text: str, **kwargs: object) -> list[str]:
    return [s.code for s in suggest_sections(text, **kwargs)]  # type: ignore[arg-type]


def test_misspelt_and_inflected_words_are_understood() -> None:
    assert _codes("she keeps harrasing a colleage on snapchat")[0] == "6.4"
    assert "6.2" in _codes("he put confidental briefings on his insta")
    assert _codes("offical acount shared a poltical party ad")[0] == "2.2"


def test_a_reason_quotes_the_words_as_the_reporter_wrote_them() -> None:
    (top, *_) = suggest_sections("He has been harrasing a colleage every night on Instagram.")
    assert top.code == "6.4"
    assert any('"harrasing"' in reason for reason in top.reasons), top.reasons


def test_the_guidance_own_words_count_and_say_so() -> None:
    suggestions = suggest_sections(
        "An officer posted something on a friend's page that breached a client's privacy."
    )
    privacy = next(s for s in suggestions if s.code == "6.2")
    assert any("words the guidance uses" in reason for reason in privacy.reasons)


# --- structured answers as evidence -------------------------------------------------------

PRIVATE_TEXT = (
    "At his son's junior football match he screamed at the referee and had to be led away. "
    "Someone filmed it and the clip has been shared widely in the town."
)


def test_private_conduct_that_may_bring_disrepute_suggests_public_trust_from_the_answers() -> None:
    answers = SuggestionContext(use_context="private", answers={"identifiable": "yes"})
    suggestions = suggest_sections(PRIVATE_TEXT, context=answers)
    assert suggestions[0].code == "3.9"
    reasons = " ".join(suggestions[0].reasons)
    assert "public sector" in reasons


def test_an_answer_alone_never_suggests_a_section_for_an_empty_description() -> None:
    answers = SuggestionContext(use_context="private", answers={"identifiable": "yes"})
    assert suggest_sections("", context=answers) == []


def test_the_helper_answer_about_work_equipment_points_to_work_resources() -> None:
    text = "He keeps posting long comments in a fan forum about his football team."
    assert "5.3" not in _codes(text)
    with_answer = SuggestionContext(answers={"work_resources": "yes"})
    suggestions = suggest_sections(text, context=with_answer)
    work = next(s for s in suggestions if s.code == "5.3")
    assert any("work time or on work equipment" in reason for reason in work.reasons)


def test_an_official_account_answer_strengthens_fair_treatment() -> None:
    text = "Replied to a resident's complaint with 'learn to read the calendar'."
    plain = {s.code: s.score for s in suggest_sections(text, limit=8, min_score=0.0)}
    official = SuggestionContext(use_context="official", answers={"official_account": "yes"})
    boosted = {
        s.code: s.score for s in suggest_sections(text, limit=8, min_score=0.0, context=official)
    }
    assert boosted["6.1"] > plain.get("6.1", 0.0)
    assert _codes(text, context=official)[0] == "6.1"


def test_a_term_deep_in_a_long_description_still_counts() -> None:
    filler = "The weekly meeting went ahead as planned and the minutes were filed. " * 60
    text = filler + "Later he got into a public stoush online and was drunk in the video."
    assert len(filler) > 3_000
    public_trust = next(s for s in suggest_sections(text) if s.code == "3.9")
    assert any('"stoush"' in reason for reason in public_trust.reasons), public_trust.reasons
