"""The learned part of the section suggestions: a linear model per organisation.

HR confirms a concern's sections at triage; each confirmed concern is a labelled example in
the organisation's own words. This module trains, on those examples, one logistic
regression per section over word and character n-grams (scikit-learn), and keeps only the
weights: a model is a bias and a weight per n-gram for each section, saved as JSON, with no
description in it. Names are taken out of the text before any n-gram is made, and an
n-gram seen in fewer than ``MIN_DOCUMENT_FREQUENCY`` concerns is dropped, so no one
concern's unusual words (an address, a nickname) can reach the file.

The model is blended with the rules (``blend``): with no model, or with fewer than
``MIN_EXAMPLES`` confirmed concerns, the suggestions are the rules' alone; the model's
share grows with the number of examples up to ``MAX_SHARE``. Pure Python and
scikit-learn, no Django: ``incidents.intake.learning`` reads the database and stores files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from .wording import STOPWORDS, words

FORMAT = 1
MIN_EXAMPLES = 10
MIN_DOCUMENT_FREQUENCY = 2
#: The model's share of a blended score is MAX_SHARE * n / (n + SHARE_HALF_AT).
MAX_SHARE = 0.4
SHARE_HALF_AT = 15
#: How much strength a confident learned probability adds (see ``blend``).
LEARNED_STRENGTH = 2.5
#: A learned probability at least this high gives the suggestion its learned reason.
REASON_PROBABILITY = 0.5
#: Weights smaller than this are not kept, nor more than MAX_WEIGHTS per section.
KEEP_WEIGHT = 0.05
MAX_WEIGHTS = 3000
_CHAR_SIZES = (3, 4, 5)


@dataclass(frozen=True)
class Example:
    text: str
    codes: frozenset[str]


def grams(text: str, *, remove: frozenset[str] = frozenset()) -> dict[str, str]:
    """The n-grams of ``text`` (key) with the words they came from (value).

    Word n-grams are stems ("w:harass", "w:work phone"); character n-grams are taken from
    each word padded with spaces ("c: har"), which copes with misspellings. Words in
    ``remove`` (names) are dropped before anything is made, so no n-gram holds them.
    """
    parsed = words(text)
    kept = [
        (surface, value)
        for surface, value in zip(parsed.surface, parsed.stems, strict=True)
        if surface not in remove and not surface.isdigit()
    ]
    found: dict[str, str] = {}
    content = [(s, v) for s, v in kept if s not in STOPWORDS]
    for surface, value in dict(content).items():
        found.setdefault(f"w:{value}", surface)
        for gram in _char_grams(surface):
            found.setdefault(gram, surface)
    for (first, a), (second, b) in pairwise(content):
        found.setdefault(f"w:{a} {b}", f"{first} {second}")
    return found


@lru_cache(maxsize=20_000)
def _char_grams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    return tuple(
        f"c:{padded[i : i + size]}" for size in _CHAR_SIZES for i in range(len(padded) - size + 1)
    )


@dataclass(frozen=True)
class LearnedModel:
    """Per-section bias and n-gram weights, trained on ``examples`` confirmed concerns."""

    examples: int
    sections: Mapping[str, tuple[float, Mapping[str, float]]]
    fingerprint: str = ""

    @property
    def share(self) -> float:
        if self.examples < MIN_EXAMPLES:
            return 0.0
        return MAX_SHARE * self.examples / (self.examples + SHARE_HALF_AT)

    def probabilities(self, text: str) -> dict[str, tuple[float, list[str]]]:
        """Each section's learned probability, with the words that pushed it up most."""
        found = grams(text)
        if not found:
            return {}
        scale = 1 / math.sqrt(len(found))
        codes, rows, matrix, biases = self._index()
        present = [rows[gram] for gram in found if gram in rows]
        totals = biases + matrix[present].sum(axis=0) * scale
        # The word n-grams present, for the reason: which pushed each section up most.
        worded = [
            (rows[gram], shown) for gram, shown in found.items() if gram[0] == "w" and gram in rows
        ]
        result = {}
        for column, code in enumerate(codes):
            ranked = sorted(
                ((matrix[row, column], shown) for row, shown in worded if matrix[row, column] > 0),
                key=lambda item: -item[0],
            )
            shown_words = list(dict.fromkeys(shown for _, shown in ranked))[:3]
            total = float(totals[column])
            result[code] = (1 / (1 + math.exp(-max(min(total, 30.0), -30.0))), shown_words)
        return result

    def _index(self) -> tuple[list[str], dict[str, int], Any, Any]:
        """Sections, n-gram rows and the weight matrix (n-grams by sections), built once."""
        cached = self.__dict__.get("_matrix")
        if cached is None:
            import numpy as np

            codes = sorted(self.sections)
            rows: dict[str, int] = {}
            for code in codes:
                for gram in self.sections[code][1]:
                    rows.setdefault(gram, len(rows))
            matrix = np.zeros((len(rows) + 1, len(codes)))
            for column, code in enumerate(codes):
                for gram, weight in self.sections[code][1].items():
                    matrix[rows[gram], column] = weight
            biases = np.array([self.sections[code][0] for code in codes])
            cached = (codes, rows, matrix, biases)
            object.__setattr__(self, "_matrix", cached)
        return cached

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "examples": self.examples,
            "fingerprint": self.fingerprint,
            "sections": {
                code: {"bias": bias, "weights": dict(sorted(weights.items()))}
                for code, (bias, weights) in sorted(self.sections.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LearnedModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown model format {data.get('format')!r}")
        sections = {
            str(code): (float(item["bias"]), {str(g): float(w) for g, w in item["weights"].items()})
            for code, item in data["sections"].items()
        }
        return cls(
            examples=int(data["examples"]),
            sections=sections,
            fingerprint=str(data.get("fingerprint", "")),
        )


def train(
    examples: Iterable[Example],
    *,
    codes: Iterable[str],
    remove: frozenset[str] = frozenset(),
    fingerprint: str = "",
) -> LearnedModel:
    """Fit one logistic regression per section on the examples' n-grams."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    examples = list(examples)
    per_example = [grams(example.text, remove=remove) for example in examples]
    frequency: dict[str, int] = {}
    for found in per_example:
        for gram in found:
            frequency[gram] = frequency.get(gram, 0) + 1
    vocabulary = sorted(g for g, n in frequency.items() if n >= MIN_DOCUMENT_FREQUENCY)
    index = {gram: i for i, gram in enumerate(vocabulary)}
    rows, cols, values = [], [], []
    for row, found in enumerate(per_example):
        scale = 1 / math.sqrt(len(found)) if found else 0.0
        for gram in found:
            if gram in index:
                rows.append(row)
                cols.append(index[gram])
                values.append(scale)
    sections: dict[str, tuple[float, dict[str, float]]] = {}
    if vocabulary:
        matrix = csr_matrix((values, (rows, cols)), shape=(len(examples), len(vocabulary)))
        for code in sorted(set(codes)):
            labels = np.array([code in example.codes for example in examples], dtype=int)
            positives = int(labels.sum())
            if positives < 2 or positives > len(examples) - 2:
                continue
            fitted = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000)
            fitted.fit(matrix, labels)
            strongest = sorted(
                (i for i, w in enumerate(fitted.coef_[0]) if abs(w) >= KEEP_WEIGHT),
                key=lambda i: -abs(fitted.coef_[0][i]),
            )[:MAX_WEIGHTS]
            weights = {vocabulary[i]: round(float(fitted.coef_[0][i]), 4) for i in strongest}
            sections[code] = (round(float(fitted.intercept_[0]), 4), weights)
    return LearnedModel(examples=len(examples), sections=sections, fingerprint=fingerprint)


def blend(
    rule_score: float, learned: float, share: float, *, strength: float = LEARNED_STRENGTH
) -> float:
    """The rules' score, moved towards what HR confirmed, by the model's share.

    A learned probability above one half counts as extra strength, the way another cue
    of the rules would (so a section HR keeps confirming can be suggested even where
    the rules see nothing); one below a half takes a share of the rules' score away.
    At share 0 the rules decide alone.
    """
    lean = 2 * learned - 1
    if lean >= 0:
        score = 1 - (1 - rule_score) * math.exp(-strength * share * lean)
    else:
        score = rule_score * (1 + share * lean)
    return round(score, 3)
