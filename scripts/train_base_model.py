"""Rebuild the base model shipped with the section suggestions, from the tuning set.

Usage (from the repository root)::

    .venv/bin/python scripts/train_base_model.py            # writes the model file
    .venv/bin/python scripts/train_base_model.py --check    # exit 1 if the file is stale

Trains ``incidents.intake.base_model`` on the labelled tuning set
(tests/incidents/data/suggestion_examples.yaml) only, plus the guidance's own words for
each section (its summary, what it means on social media, its points and examples, from
guidance/content/guidance.yaml), each as a short example of its section; the held-out set
is never read. The
first names used in the labelled descriptions are removed before any n-gram is made, and
n-grams found in fewer than two descriptions are dropped, so the file holds weights over
n-grams and no description.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from incidents.intake import base_model  # noqa: E402
from incidents.intake.suggestion_rules import GUIDANCE_PATH  # noqa: E402
from incidents.intake.suggestions import RULES, SECTION_CODES  # noqa: E402
from scripts.eval_suggestions import SETS, load_examples  # noqa: E402

#: First names used in the labelled descriptions (invented people), removed before training.
NAMES = frozenset(
    [
        "ahmed",
        "bianca",
        "dan",
        "dave",
        "greg",
        "jess",
        "kev",
        "kylie",
        "lisa",
        "luke",
        "mark",
        "nathan",
        "phil",
        "priya",
        "rachel",
        "sam",
        "sonia",
        "tom",
    ]
)


def guidance_examples() -> list[tuple[str, frozenset[str]]]:
    """Each sentence group the guidance content gives a section, labelled with it."""
    data = yaml.safe_load(GUIDANCE_PATH.read_text(encoding="utf-8"))
    found = []
    for section in data["sections"]:
        code = str(section["code"])
        if code not in SECTION_CODES:
            continue
        texts = [section.get("summary"), section.get("social_media_meaning")]
        texts += list(section.get("points") or []) + list(section.get("examples") or [])
        found += [(text, frozenset([code])) for text in texts if text]
    return found


def build(examples=None) -> base_model.BaseModel:
    examples = load_examples(SETS["main"]) if examples is None else examples
    return base_model.train(
        [(e.text, e.expected) for e in examples] + guidance_examples(),
        codes=SECTION_CODES,
        spelling=RULES.spelling,
        remove=NAMES,
    )


def serialise(model: base_model.BaseModel) -> str:
    return json.dumps(model.as_dict(), separators=(",", ":"), sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    args = parser.parse_args(argv)
    text = serialise(build())
    path = base_model.MODEL_PATH
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path.relative_to(REPO_ROOT)} is not what the tuning set trains")
            return 1
        print("base model is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)}: {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
