"""The figures the README gives for the section suggestions are what the scripts print,
and the shipped base model is what the tuning set trains and holds no description."""

from __future__ import annotations

import json

import pytest
import yaml

from incidents.intake import base_model
from incidents.intake.suggestions import RULES, suggest_sections
from scripts import eval_suggestions as ev
from scripts import train_base_model

# (set, top k) -> (precision, recall, F1), as in the README's table.
README_FIGURES = {
    ("main", 1): (0.966, 0.644, 0.773),
    ("main", 3): (0.883, 0.860, 0.871),
    ("holdout", 1): (0.939, 0.645, 0.765),
    ("holdout", 3): (0.808, 0.804, 0.806),
}
README_CV_FIGURES = {1: (0.918, 0.609, 0.733), 3: (0.842, 0.820, 0.831)}
README_HOLDOUT_TOP3_RECALL = {
    "2.2": 0.842,
    "3.5": 0.758,
    "3.9": 0.737,
    "5.3": 0.938,
    "5.4": 1.000,
    "6.1": 0.957,
    "6.2": 0.711,
    "6.4": 0.864,
}


def _rounded(metrics: ev.Metrics) -> tuple[float, float, float]:
    return (round(metrics.precision, 3), round(metrics.recall, 3), round(metrics.f1, 3))


@pytest.mark.parametrize(("name", "k"), sorted(README_FIGURES))
def test_evaluation_figures_are_the_readme_figures(name: str, k: int) -> None:
    examples = ev.load_examples(ev.SETS[name])
    assert _rounded(ev.micro_metrics(examples, k)) == README_FIGURES[(name, k)]


def test_held_out_recall_per_section_is_the_readme_figure_and_meets_the_target() -> None:
    table = ev.per_section(ev.load_examples(ev.SETS["holdout"]), 3)
    recall = {code: round(found / expected, 3) for code, (expected, found, _) in table.items()}
    assert recall == README_HOLDOUT_TOP3_RECALL
    assert min(recall.values()) >= 0.65


def test_cross_validated_tuning_figures_are_the_readme_figures() -> None:
    examples = ev.load_examples(ev.SETS["main"])
    predictor = ev.cross_validated(examples)
    for k, expected in README_CV_FIGURES.items():
        assert _rounded(ev.micro_metrics(examples, k, predictor)) == expected


def test_shipped_base_model_is_what_the_tuning_set_trains() -> None:
    path = base_model.MODEL_PATH
    assert path.read_text(encoding="utf-8") == train_base_model.serialise(
        train_base_model.build()
    ), "run scripts/train_base_model.py"


def test_shipped_base_model_holds_no_name_and_no_rare_word() -> None:
    data = json.loads(base_model.MODEL_PATH.read_text(encoding="utf-8"))
    texts = [e.text for e in ev.load_examples(ev.SETS["main"])]
    texts += [text for text, _ in train_base_model.guidance_examples()]
    found = [
        base_model.features(t, spelling=RULES.spelling, remove=train_base_model.NAMES)
        for t in texts
    ]
    for gram in data["grams"]:
        assert sum(gram in grams for grams in found) >= base_model.MIN_DOCUMENT_FREQUENCY, gram
        if gram.startswith("w:"):
            assert not set(gram[2:].split()) & train_base_model.NAMES, gram
    # Only weights: no key could hold a description.
    assert set(data) == {"format", "examples", "codes", "biases", "grams"}


def test_held_out_descriptions_are_not_in_the_base_model_training() -> None:
    holdout = {e.text for e in ev.load_examples(ev.SETS["holdout"])}
    assert not holdout & {e.text for e in ev.load_examples(ev.SETS["main"])}


def test_the_base_model_strengthens_a_section_and_says_why_in_plain_words() -> None:
    text = "staffer was loose at the pub in uniform, vids everywhere"
    rules = {s.code: s for s in suggest_sections(text, base_model=None)}
    blended = {s.code: s for s in suggest_sections(text)}
    assert blended["3.9"].score > rules["3.9"].score
    reason = blended["3.9"].reasons[-1]
    assert reason.startswith("Reports in the project's labelled examples that use words")
    quoted = reason.split('"')[1::2]
    assert "vids" in quoted
    assert not {"the", "at", "in"} & set(quoted)


def test_rules_file_settings_blend_the_base_model() -> None:
    data = yaml.safe_load(
        (ev.REPO_ROOT / "guidance" / "content" / "suggestion_rules.yaml").read_text("utf-8")
    )["settings"]
    assert 0 < data["base_model_share"] <= 1
