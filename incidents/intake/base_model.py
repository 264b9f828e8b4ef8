"""The base model shipped with the section suggestions: what every installation starts from.

The rules (``suggestion_rules.yaml``) recognise the words their authors thought of. The base
model adds what the project's labelled descriptions (the tuning set in
``tests/incidents/data/suggestion_examples.yaml``) teach about other wordings: one logistic
regression per section over the descriptions' word stems, pairs of neighbouring stems and
character n-grams of each word (so "harrasment" and "harassment" share most of theirs),
weighted by how rare each n-gram is (tf-idf, presence only) and scaled to unit length per
kind.

The file (``incidents/intake/data/base_model.json``) holds, per n-gram, its rarity and
one weight per section, and a bias per section; nothing else. Only n-grams seen in at
least ``MIN_DOCUMENT_FREQUENCY`` descriptions are kept, and the first names used in the
labelled descriptions are taken out before any n-gram is made, so no description can be
read back from the file. ``scripts/train_base_model.py`` rebuilds it; nothing is fetched.

Pure Python with numpy at run time (scikit-learn only to train); no Django imports.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from .learned_model import _char_grams
from .wording import STOPWORDS, words

FORMAT = 1
MODEL_PATH = Path(__file__).resolve().parent / "data" / "base_model.json"
MIN_DOCUMENT_FREQUENCY = 2
#: Regularisation of each section's logistic regression (scikit-learn's C).
REGULARISATION = 1.0
#: Weights are rounded to this many decimals in the file.
_DIGITS = 4


def features(
    text: str,
    *,
    spelling: Mapping[str, str] | None = None,
    remove: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """The n-grams of ``text`` (key) with the words they came from (value).

    ``w:`` word stems and pairs of neighbouring stems (short words included: "on behalf",
    "not authorised" mean something), ``c:`` character n-grams of each word padded with
    spaces. Words in ``remove`` (names) and numbers are dropped before anything is made.
    """
    parsed = words(text, spelling)
    kept = [
        (surface, value)
        for surface, value in zip(parsed.surface, parsed.stems, strict=True)
        if surface not in remove and not surface.isdigit()
    ]
    found: dict[str, str] = {}
    for surface, value in kept:
        found.setdefault(f"w:{value}", surface)
    for (first, a), (second, b) in pairwise(kept):
        found.setdefault(f"w:{a} {b}", f"{first} {second}")
    for surface in dict.fromkeys(surface for surface, _ in kept):
        for gram in _char_grams(surface):
            found.setdefault(gram, surface)
    return found


def _telling(shown: str) -> bool:
    """Whether words are worth quoting in a reason (not "the", "on her", "15")."""
    return all(w not in STOPWORDS and len(w) > 2 and not w.isdigit() for w in shown.split())


@dataclass(frozen=True)
class BaseModel:
    """Per-section bias and tf-idf weights over n-grams, from ``examples`` descriptions."""

    examples: int
    codes: tuple[str, ...]
    biases: tuple[float, ...]
    #: n-gram -> (rarity, weight for each of ``codes``)
    grams: Mapping[str, tuple[float, tuple[float, ...]]]

    def probabilities(self, found: Mapping[str, str]) -> dict[str, tuple[float, list[str]]]:
        """Each section's probability for the n-grams ``found`` (from ``features``), with
        the words that pushed it up most."""
        import numpy as np

        rows, idf, matrix = self._index()
        present: dict[str, list[int]] = {"w": [], "c": []}
        shown_at: list[str] = []
        for gram, shown in found.items():
            row = rows.get(gram)
            if row is not None:
                present[gram[0]].append(row)
                if gram[0] == "w":
                    shown_at.append(shown)
        totals = np.array(self.biases, dtype=float)
        worded = None
        for kind, indices in present.items():
            if not indices:
                continue
            values = idf[indices]
            scale = 1 / float(np.sqrt((values * values).sum()))
            block = matrix[indices] * (values * scale)[:, None]
            totals += block.sum(axis=0)
            if kind == "w":
                worded = block
        result = {}
        for column, code in enumerate(self.codes):
            shown: list[str] = []
            if worded is not None:
                pushes = worded[:, column]
                for i in np.argsort(-pushes, kind="stable")[:20]:
                    if pushes[i] <= 0 or len(shown) == 3:
                        break
                    if _telling(shown_at[i]) and shown_at[i] not in shown:
                        shown.append(shown_at[i])
            total = max(min(float(totals[column]), 30.0), -30.0)
            result[code] = (1 / (1 + math.exp(-total)), shown)
        return result

    def _index(self) -> tuple[dict[str, int], Any, Any]:
        cached = self.__dict__.get("_matrix")
        if cached is None:
            import numpy as np

            rows = {gram: i for i, gram in enumerate(self.grams)}
            idf = np.array([self.grams[g][0] for g in rows], dtype=float)
            matrix = np.array([self.grams[g][1] for g in rows], dtype=float).reshape(
                len(rows), len(self.codes)
            )
            cached = (rows, idf, matrix)
            object.__setattr__(self, "_matrix", cached)
        return cached

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "examples": self.examples,
            "codes": list(self.codes),
            "biases": list(self.biases),
            "grams": {g: [idf, *weights] for g, (idf, weights) in sorted(self.grams.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BaseModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown base model format {data.get('format')!r}")
        codes = tuple(str(c) for c in data["codes"])
        grams = {
            str(g): (float(row[0]), tuple(float(w) for w in row[1:]))
            for g, row in data["grams"].items()
        }
        if any(len(weights) != len(codes) for _, weights in grams.values()):
            raise ValueError("every n-gram needs one weight per section")
        return cls(
            examples=int(data["examples"]),
            codes=codes,
            biases=tuple(float(b) for b in data["biases"]),
            grams=grams,
        )


def train(
    examples: Iterable[tuple[str, Iterable[str]]],
    *,
    codes: Iterable[str],
    spelling: Mapping[str, str] | None = None,
    remove: frozenset[str] = frozenset(),
    regularisation: float = REGULARISATION,
) -> BaseModel:
    """Fit one logistic regression per section on (description, sections) pairs."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    examples = [(text, frozenset(labels)) for text, labels in examples]
    codes = tuple(sorted(set(codes)))
    per_example = [features(text, spelling=spelling, remove=remove) for text, _ in examples]
    frequency: dict[str, int] = {}
    for found in per_example:
        for gram in found:
            frequency[gram] = frequency.get(gram, 0) + 1
    vocabulary = sorted(g for g, n in frequency.items() if n >= MIN_DOCUMENT_FREQUENCY)
    index = {gram: i for i, gram in enumerate(vocabulary)}
    total = len(examples)
    idf = [math.log((1 + total) / (1 + frequency[g])) + 1 for g in vocabulary]
    rows, cols, values = [], [], []
    for row, found in enumerate(per_example):
        for kind in ("w", "c"):
            present = [index[g] for g in found if g[0] == kind and g in index]
            norm = math.sqrt(sum(idf[i] ** 2 for i in present)) or 1.0
            rows += [row] * len(present)
            cols += present
            values += [idf[i] / norm for i in present]
    matrix = csr_matrix((values, (rows, cols)), shape=(total, len(vocabulary)))
    biases, weights = [], []
    for code in codes:
        labels = np.array([code in found for _, found in examples], dtype=int)
        if labels.sum() < 2 or labels.sum() > total - 2:
            biases.append(-30.0)
            weights.append(np.zeros(len(vocabulary)))
            continue
        fitted = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=5000)
        fitted.fit(matrix, labels)
        biases.append(round(float(fitted.intercept_[0]), _DIGITS))
        weights.append(fitted.coef_[0])
    grams = {
        gram: (
            round(idf[i], _DIGITS),
            tuple(round(float(weights[c][i]), _DIGITS) for c in range(len(codes))),
        )
        for i, gram in enumerate(vocabulary)
    }
    return BaseModel(examples=total, codes=codes, biases=tuple(biases), grams=grams)


def load(path: Path = MODEL_PATH) -> BaseModel:
    return BaseModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def shipped() -> BaseModel | None:
    """The base model in the repository, or None when the file is missing."""
    if not MODEL_PATH.exists():
        return None
    return load()
