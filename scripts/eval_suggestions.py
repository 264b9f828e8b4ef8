"""Evaluate the Code-section suggestion engine against the labelled example sets.

Usage (from the repository root)::

    .venv/bin/python scripts/eval_suggestions.py            # summary tables
    .venv/bin/python scripts/eval_suggestions.py --misses   # also list wrong/missed codes

    .venv/bin/python scripts/eval_suggestions.py --only main --cv   # tuning set only

Prints micro-averaged precision, recall and F1 for the top suggestion and the top 3 on the
tuning set (suggestion_examples.yaml, the rules were tuned on it and the base model is
trained on it) and the held-out set (suggestion_examples_holdout.yaml, never tuned on),
then the same per section. What a new installation shows is measured: the rules blended
with the shipped base model, and no organisation's learned model.

``--cv`` adds the tuning set measured by 5-fold cross-validation: each fifth (by the
SHA-256 of its text) is suggested for by the rules and a base model trained on the other
four fifths, so no description is judged by a model that saw it. This is the figure the
rules file's settings were chosen on; ``--rules-only`` measures without the base model.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import yaml  # noqa: E402

from incidents.intake import base_model  # noqa: E402
from incidents.intake.suggestions import SECTION_CODES, suggest_sections  # noqa: E402

DATA_DIR = REPO_ROOT / "tests" / "incidents" / "data"
SETS: dict[str, Path] = {
    "main": DATA_DIR / "suggestion_examples.yaml",
    "holdout": DATA_DIR / "suggestion_examples_holdout.yaml",
}


@dataclass(frozen=True)
class Example:
    text: str
    expected: frozenset[str]


@dataclass(frozen=True)
class Metrics:
    precision: float
    recall: float
    f1: float
    suggested: int
    correct: int
    expected: int


def load_examples(path: Path) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Example(text=item["text"], expected=frozenset(str(c) for c in item["expected"]))
        for item in data["examples"]
    ]


FOLDS = 5
Predictor = Callable[[Example, int], list[str]]


def predict(example: Example, k: int) -> list[str]:
    return [s.code for s in suggest_sections(example.text, limit=k)]


def rules_only(example: Example, k: int) -> list[str]:
    return [s.code for s in suggest_sections(example.text, limit=k, base_model=None)]


def fold_of(example: Example) -> int:
    return int(hashlib.sha256(example.text.encode("utf-8")).hexdigest()[:8], 16) % FOLDS


def cross_validated(examples: list[Example]) -> Predictor:
    """A predictor that judges each example with a base model trained without its fold."""
    from scripts.train_base_model import build

    models = {fold: build([e for e in examples if fold_of(e) != fold]) for fold in range(FOLDS)}

    def predictor(example: Example, k: int) -> list[str]:
        model = models[fold_of(example)]
        return [s.code for s in suggest_sections(example.text, limit=k, base_model=model)]

    return predictor


def micro_metrics(examples: list[Example], k: int, predictor: Predictor = predict) -> Metrics:
    suggested = correct = expected = 0
    for example in examples:
        codes = predictor(example, k)
        suggested += len(codes)
        correct += len(set(codes) & example.expected)
        expected += len(example.expected)
    precision = correct / suggested if suggested else 0.0
    recall = correct / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metrics(precision, recall, f1, suggested, correct, expected)


def per_section(
    examples: list[Example], k: int, predictor: Predictor = predict
) -> dict[str, tuple[int, int, int]]:
    """code -> (expected count, found in top-k when expected, times suggested)."""
    table = {code: [0, 0, 0] for code in SECTION_CODES}
    for example in examples:
        codes = set(predictor(example, k))
        for code in SECTION_CODES:
            if code in example.expected:
                table[code][0] += 1
                table[code][1] += code in codes
            table[code][2] += code in codes
    return {code: (row[0], row[1], row[2]) for code, row in table.items()}


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "  -  "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list examples with errors")
    parser.add_argument(
        "--only", choices=sorted(SETS), help="evaluate one set (tune with --only main)"
    )
    parser.add_argument("--cv", action="store_true", help="add the tuning set by 5-fold CV")
    parser.add_argument("--rules-only", action="store_true", help="leave the base model out")
    args = parser.parse_args(argv)

    chosen: Predictor = rules_only if args.rules_only else predict
    runs: list[tuple[str, list[Example], Predictor]] = []
    for name, path in SETS.items():
        if args.only in (None, name):
            examples = load_examples(path)
            runs.append((name, examples, chosen))
            if name == "main" and args.cv and not args.rules_only:
                runs.append(("main-cv", examples, cross_validated(examples)))
    if base_model.shipped() is None and not args.rules_only:
        print("no base model file: the rules alone are measured")

    print("Micro-averaged metrics")
    print(f"{'set':<8} {'n':>3} {'top':>3} {'precision':>9} {'recall':>7} {'F1':>6}  detail")
    for name, examples, predictor in runs:
        for k in (1, 3):
            m = micro_metrics(examples, k, predictor)
            print(
                f"{name:<8} {len(examples):>3} {k:>3} {m.precision:>9.3f} {m.recall:>7.3f} "
                f"{m.f1:>6.3f}  {m.correct} correct / {m.suggested} suggested / "
                f"{m.expected} expected"
            )

    for name, examples, predictor in runs:
        print()
        print(f"Per section, {name} set (n = number of descriptions tagged with the section)")
        print(
            f"{'code':<5} {'n':>4}  {'top-1 P':>7} {'R':>6} {'F1':>6}  "
            f"{'top-3 P':>7} {'R':>6} {'F1':>6}"
        )
        tables = {k: per_section(examples, k, predictor) for k in (1, 3)}
        for code in SECTION_CODES:
            cells = []
            for k in (1, 3):
                exp, found, sugg = tables[k][code]
                f1 = 2 * found / (exp + sugg) if exp + sugg else 0.0
                cells.append(f"{_ratio(found, sugg):>7} {_ratio(found, exp):>6} {f1:>6.3f}")
            print(f"{code:<5} {tables[3][code][0]:>4}  {cells[0]}  {cells[1]}")
        empty = sum(1 for example in examples if not predictor(example, 3))
        print(f"descriptions with no suggestion: {empty} of {len(examples)}")

    if args.misses:
        for name, examples, predictor in runs:
            print()
            print(f"Errors at top-3, {name} set")
            for example in examples:
                got = predictor(example, 3)
                if set(got) != example.expected:
                    print(f"- expected {sorted(example.expected)} got {got}: {example.text[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
