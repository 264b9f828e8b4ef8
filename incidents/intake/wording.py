"""Words of a description, normalised and stemmed, for the section suggestions.

People write "harrasing", "harassed" and "harassment"; a stemmer (Snowball's English
stemmer) folds them into one stem, and a short spelling list from the rules file fixes the
misspellings a stemmer cannot. Everything here is pure and has no Django imports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "`": "'"})

#: Common words that carry no meaning for a section on their own.
STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "don't",
        "didn't",
        "isn't",
        "wasn't",
        "i'm",
        "it's",
        "he's",
        "she's",
        "they're",
        "we've",
        "i've",
        "one",
        "two",
        "get",
        "got",
        "us",
        "also",
        "etc",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:  # type: ignore[name-defined]
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball English stem of one lower-case word (possessive 's dropped)."""
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer().stemWord(word.replace("'", ""))


@dataclass(frozen=True)
class Words:
    """A text's words in order: the surface form and the stem of each."""

    surface: tuple[str, ...]
    stems: tuple[str, ...]

    def positions(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for i, value in enumerate(self.stems):
            found.setdefault(value, []).append(i)
        return found


def words(text: str, spelling: Mapping[str, str] | None = None) -> Words:
    """Split ``text`` into lower-case words, fix listed misspellings, and stem them."""
    spelling = spelling or {}
    surface = _WORD.findall(text.lower().translate(_APOSTROPHES))
    fixed = [spelling.get(word, word) for word in surface]
    return Words(surface=tuple(surface), stems=tuple(stem(word) for word in fixed))


def stem_phrase(phrase: str, spelling: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The stems of a rule's word or phrase ("work phone" -> ("work", "phone"))."""
    return words(phrase, spelling).stems


def content_stems(text: str) -> set[str]:
    """Distinct stems of the meaningful words of ``text`` (no stopwords or numbers)."""
    parsed = words(text)
    return {
        value
        for word, value in zip(parsed.surface, parsed.stems, strict=True)
        if word not in STOPWORDS and not word.isdigit() and len(word) > 2
    }
