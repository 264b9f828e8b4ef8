"""Explainable Code-of-Conduct section suggestions for a free-text concern description.

A manager describes what they saw ("Posted drunk photos in uniform on Instagram ..."). This
module suggests which of the eight Code of Conduct sections named in the Victorian public
sector social media guidance may be relevant, and says *why*, in plain words.

Approach
--------
The engine is deliberately simple and transparent, so a reviewer can always see how a
suggestion was reached and disagree with it:

* Each section has a handful of **cue groups** (``CueGroup``). A cue group is one idea
  ("mentions an election or campaign", "uses a work device") made of several terms or
  short regular expressions, a weight, and a plain-English label used in the reason.
* Plain terms are compiled to case-insensitive, word-boundary regular expressions that
  also accept simple inflections (``vote`` matches *votes, voted, voting*; ``party``
  matches *parties*). Terms written as ``re:...`` are used as regular expressions as-is.
* A section's raw strength is the sum of the weights of the distinct cue groups found,
  with a small bonus for extra distinct terms inside a group, plus **synergy** bonuses
  when two groups that mean more together are both present (for example, an official
  account *and* a discourteous reply point to fair and objective treatment).
* The raw strength is squashed to a 0..1 score with ``1 - exp(-raw)``, so several distinct
  cues count for more than one, with diminishing returns.
* The score is then blended with the **base model** shipped in the repository
  (``base_model.py``: a linear model per section learned from the labelled tuning set and
  the guidance's own words) and, where there is one, the organisation's learned model;
  each says in its own reason which words of the description it went on.
* Every matched cue group produces one reason, naming the words found, for example
  ``Mentions "vote" and "election" — election or campaign activity (2.2).``

The rules are negation-naive: "did not mention the election" still counts "election". That
is acceptable for a suggestion aid a person always reviews, and it keeps the rules
predictable. The rules are data, in ``guidance/content/suggestion_rules.yaml`` (read and
checked by ``suggestion_rules.load_rules``), reviewed like the guidance content.

This module has no Django imports, so it can be tested and reused without a database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import base_model as base
from .base_model import BaseModel
from .learned_model import LEARNED_STRENGTH, REASON_PROBABILITY, LearnedModel, blend
from .suggestion_rules import ContextCue, CueGroup, Rules, SectionRule, Synergy, load_rules
from .wording import Words, stem_phrase, words

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MIN_SCORE",
    "MAX_TEXT_CHARS",
    "SECTION_CODES",
    "SECTION_RULES",
    "CueGroup",
    "SectionRule",
    "Suggestion",
    "SuggestionContext",
    "Synergy",
    "suggest_sections",
]

#: Only the first part of a description is examined; keeps very large input fast.
MAX_TEXT_CHARS = 20_000
#: Terms are matched as regular expressions in the first REGEX_TEXT_CHARS characters
#: (which holds every description of the labelled sets), and past that, where regular
#: expressions would be slow, a plain term is matched as a stemmed phrase instead; a
#: 're:' term is not looked for there. Words and phrases of ``words:`` read it all.
REGEX_TEXT_CHARS = 2_000
#: At most this many detected words are quoted in one reason.
_MAX_TERMS_IN_REASON = 3
_MAX_TERM_DISPLAY = 40


@dataclass(frozen=True)
class Suggestion:
    """One suggested Code section, with its strength and the reasons behind it."""

    code: str
    title: str
    score: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "score": self.score,
            "reasons": list(self.reasons),
        }


#: The rules, read and checked from guidance/content/suggestion_rules.yaml at import: a
#: malformed file stops the application with the line at fault.
RULES: Rules = load_rules()
SECTION_RULES: tuple[SectionRule, ...] = RULES.sections
SECTION_CODES: tuple[str, ...] = tuple(rule.code for rule in SECTION_RULES)
DEFAULT_LIMIT: int = RULES.settings.limit
#: Suggestions scoring below this are dropped (tuned on the labelled tuning set).
DEFAULT_MIN_SCORE: float = RULES.settings.min_score
#: Suggestions under this share of the strongest suggestion's score are dropped.
DEFAULT_RELATIVE_SCORE: float = RULES.settings.relative_score
#: Extra weight for each additional distinct term found inside one cue group (capped).
_EXTRA_TERM_BONUS: float = RULES.settings.extra_term_bonus
_EXTRA_TERM_CAP: int = RULES.settings.extra_term_cap


# ---------------------------------------------------------------------------------------
# Compilation of terms into regular expressions.
# ---------------------------------------------------------------------------------------

_VOWELS = "aeiou"


def _inflect(word: str) -> str:
    """Regex for ``word`` plus simple English inflections (plural, past, -ing)."""
    if not word.isalpha() or len(word) < 3:
        return re.escape(word)
    if word.endswith("e"):
        stem = re.escape(word[:-1])
        return f"{stem}(?:e|es|ed|ing)"
    if word.endswith("y") and word[-2] not in _VOWELS:
        stem = re.escape(word[:-1])
        return f"{stem}(?:y|ies|ied|ying)"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return f"{re.escape(word)}(?:es|ed|ing)?"
    return f"{re.escape(word)}(?:s|es|ed|ing)?"


def _term_pattern(term: str) -> str:
    """Turn a rule term into a regular-expression fragment with word boundaries."""
    if term.startswith("re:"):
        return term[3:]
    words = term.split()
    parts = [re.escape(w) for w in words[:-1]]
    parts.append(_inflect(words[-1]))
    body = r"[\s\-]+".join(parts)
    # \b only makes sense next to word characters (e.g. not before "+" in "LGBTIQA+").
    start = r"\b" if re.match(r"\w", term) else ""
    end = r"\b" if re.search(r"\w$", term) else ""
    return f"{start}{body}{end}"


_ALNUM = re.compile(r"[a-z0-9]+")


def _anchor(term: str) -> str:
    """What a word of the text must start with for ``term`` to match there."""
    first = _ALNUM.search(term.lower())
    if first is None:
        return ""
    word = first.group(0)
    if word == term.lower() and word.isalpha() and len(word) >= 3 and word.endswith(("e", "y")):
        # A single word is inflected: "vote" also matches "voting", "party" "parties".
        word = word[:-1]
    return word


@dataclass(frozen=True)
class _Compiled:
    group: CueGroup
    #: The group's 're:' terms, as one regular expression.
    pattern: re.Pattern[str] | None
    #: Each plain term's regular expression, with the word (or the start of a word) any
    #: match must begin with, so most are never run over a text without that word.
    plain: tuple[tuple[str, re.Pattern[str]], ...]
    #: The group's plain terms as stemmed phrases, for text past REGEX_TEXT_CHARS.
    late: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def _compiled_rules() -> tuple[tuple[SectionRule, tuple[_Compiled, ...]], ...]:
    compiled = []
    for rule in SECTION_RULES:
        groups = []
        for group in rule.groups:
            # Matching is case-insensitive, which is the same as lower-casing the text.
            expressions = [t for t in group.terms if t.startswith("re:")]
            pattern = "|".join(f"(?:{_term_pattern(t)})" for t in expressions)
            plain = tuple(
                (_anchor(t), re.compile(_term_pattern(t), re.IGNORECASE))
                for t in group.terms
                if not t.startswith("re:") and _anchor(t)
            )
            late = tuple(
                dict.fromkeys(
                    stem_phrase(term, RULES.spelling)
                    for term in group.terms
                    if not term.startswith("re:") and stem_phrase(term, RULES.spelling)
                )
            )
            groups.append(
                _Compiled(
                    group, re.compile(pattern, re.IGNORECASE) if pattern else None, plain, late
                )
            )
        compiled.append((rule, tuple(groups)))
    return tuple(compiled)


# ---------------------------------------------------------------------------------------
# Matching and scoring.
# ---------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})
#: A later word of a phrase may follow the previous one with up to this many words between.
_PHRASE_GAP = 1


@dataclass(frozen=True)
class SuggestionContext:
    """The structured answers a reporter gives beside the description.

    ``use_context`` is official, private or unclear; ``platform`` a platform category code;
    ``answers`` the official-or-private helper's answers (question key -> yes/no/unsure).
    """

    use_context: str = ""
    platform: str = ""
    answers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Text:
    raw: str
    words: Words
    positions: dict[str, list[int]]
    #: How many of the words lie in the first REGEX_TEXT_CHARS characters.
    window_words: int
    #: Every start of every word there (so a term's anchor can be looked up).
    prefixes: frozenset[str]


def _normalise(text: str) -> str:
    text = text[:MAX_TEXT_CHARS].translate(_QUOTES).translate(_DASHES)
    return _WHITESPACE.sub(" ", text).strip()


def _display(term: str) -> str:
    term = _WHITESPACE.sub(" ", term).strip()
    if len(term) > _MAX_TERM_DISPLAY:
        term = term[: _MAX_TERM_DISPLAY - 1].rstrip() + "\u2026"
    return f'"{term}"'


def _join_terms(terms: list[str]) -> str:
    shown = [_display(t) for t in terms[:_MAX_TERMS_IN_REASON]]
    if len(terms) > _MAX_TERMS_IN_REASON:
        return ", ".join(shown) + " and more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _reason(terms: list[str], group: CueGroup, code: str) -> str:
    return f"Mentions {_join_terms(terms)} \u2014 {group.label} ({code})."


def _distinct_matches(pattern: re.Pattern[str] | None, text: str) -> list[str]:
    seen: dict[str, str] = {}
    if pattern is None:
        return []
    for match in pattern.finditer(text):
        found = match.group(0)
        key = found.lower()
        if found.strip() and key not in seen:
            seen[key] = found
    return list(seen.values())


def _phrase_at(phrase: tuple[str, ...], text: _Text, first: int = 0) -> str | None:
    """The words of ``text`` where the stemmed ``phrase`` first occurs (starting at word
    ``first`` or later), or None."""
    starts = text.positions.get(phrase[0])
    if not starts:
        return None
    if len(phrase) == 1:
        return next((text.words.surface[p] for p in starts if p >= first), None)
    for start in starts:
        if start < first:
            continue
        at = start
        for value in phrase[1:]:
            at = next(
                (p for p in text.positions.get(value, ()) if at < p <= at + 1 + _PHRASE_GAP),
                -1,
            )
            if at < 0:
                break
        else:
            return " ".join(text.words.surface[start : at + 1])
    return None


def _group_terms(compiled: _Compiled, text: _Text) -> list[str]:
    window = text.raw[:REGEX_TEXT_CHARS]
    found = {term.lower(): term for term in _distinct_matches(compiled.pattern, window)}
    for anchor, pattern in compiled.plain:
        if anchor in text.prefixes:
            for term in _distinct_matches(pattern, window):
                found.setdefault(term.lower(), term)
    late = compiled.late if len(text.raw) > REGEX_TEXT_CHARS else ()
    for phrases, first in ((compiled.group.words, 0), (late, text.window_words)):
        for phrase in phrases:
            hit = _phrase_at(phrase, text, first)
            if hit is not None and hit.lower() not in found:
                found[hit.lower()] = hit
    return list(found.values())


def _guidance_terms(rule: SectionRule, text: _Text) -> list[str]:
    return [
        text.words.surface[text.positions[value][0]]
        for value in sorted(rule.guidance_stems & text.positions.keys())
    ]


def _context_hits(rule: SectionRule, context: SuggestionContext | None) -> list[ContextCue]:
    if context is None:
        return []
    hits = []
    for cue in rule.context:
        if cue.kind == "answer":
            given = str(context.answers.get(cue.name, ""))
        elif cue.kind == "use":
            given = context.use_context
        else:
            given = context.platform
        if given and given == cue.value:
            hits.append(cue)
    return hits


def _score_section(
    rule: SectionRule,
    groups: tuple[_Compiled, ...],
    text: _Text,
    context: SuggestionContext | None,
) -> tuple[float, list[str]]:
    """The section's raw strength and its reasons (strength 0 and no reasons if no cue)."""
    raw = 0.0
    hit_keys: set[str] = set()
    reasons: list[str] = []
    for compiled in groups:
        group = compiled.group
        terms = _group_terms(compiled, text)
        if not terms:
            continue
        hit_keys.add(group.key)
        extra = min(len(terms) - 1, _EXTRA_TERM_CAP)
        raw += group.weight * (1 + _EXTRA_TERM_BONUS * extra)
        reasons.append(_reason(terms, group, rule.code))
    for synergy in rule.synergies:
        if hit_keys.issuperset(synergy.keys):
            raw += synergy.bonus
    guidance = _guidance_terms(rule, text)
    if guidance and RULES.settings.guidance_weight:
        raw += RULES.settings.guidance_weight * min(len(guidance), RULES.settings.guidance_cap)
        reasons.append(
            f"Uses words the guidance uses for this section: {_join_terms(guidance)} ({rule.code})."
        )
    for cue in _context_hits(rule, context):
        raw += cue.weight
        reasons.append(f"{cue.reason.rstrip('.')} ({rule.code}).")
    return raw, reasons


def _learned_reason(code: str, shown: list[str]) -> str:
    if shown:
        return (
            f"HR in your organisation confirmed this section for concerns using words such as "
            f"{_join_terms(shown)} ({code})."
        )
    return f"HR in your organisation confirmed this section for concerns worded like this ({code})."


def _base_reason(code: str, shown: list[str]) -> str:
    if shown:
        return (
            f"Reports in the project's labelled examples that use words such as "
            f"{_join_terms(shown)} were tagged with this section ({code})."
        )
    return (
        f"Reports worded like this in the project's labelled examples were tagged with it ({code})."
    )


def _blended(
    scored: dict[str, tuple[float, list[str]]],
    learned: Mapping[str, tuple[float, list[str]]],
    *,
    share: float,
    strength: float,
    reason: Callable[[str, list[str]], str],
) -> dict[str, tuple[float, list[str]]]:
    """The scores so far blended with a model's probabilities (``learned``) by ``share``.

    A section the model is confident about gains a reason saying so; a section with no
    reason at all (the model alone, and not confident) is left out.
    """
    blended = {}
    for code in set(scored) | set(learned):
        score, reasons = scored.get(code, (0.0, []))
        if code not in learned:
            blended[code] = (score, reasons)
            continue
        probability, shown = learned[code]
        reasons = list(reasons)
        if probability >= REASON_PROBABILITY:
            reasons.append(reason(code, shown))
        if reasons:
            blended[code] = (blend(score, probability, share, strength=strength), reasons)
    return blended


#: ``suggest_sections(base_model=SHIPPED)``: the base model in the repository.
SHIPPED: Any = object()


def _parse(text: str) -> _Text | None:
    normalised = _normalise(text)
    if not normalised:
        return None
    parsed = words(normalised, RULES.spelling)
    window = len(parsed.surface)
    if len(normalised) > REGEX_TEXT_CHARS:
        window = len(words(normalised[:REGEX_TEXT_CHARS]).surface)
    prefixes = {
        word[:size]
        for word in set(_ALNUM.findall(normalised[:REGEX_TEXT_CHARS].lower()))
        for size in range(1, len(word) + 1)
    }
    return _Text(
        raw=normalised,
        words=parsed,
        positions=parsed.positions(),
        window_words=window,
        prefixes=frozenset(prefixes),
    )


def section_strengths(
    text: str, *, context: SuggestionContext | None = None
) -> dict[str, tuple[float, list[str]]]:
    """Every section's raw rule strength for ``text``, with the reasons behind it."""
    parsed = _parse(text) if isinstance(text, str) else None
    if parsed is None:
        return {}
    strengths = {}
    for rule, groups in _compiled_rules():
        raw, reasons = _score_section(rule, groups, parsed, context)
        if reasons:
            strengths[rule.code] = (raw, reasons)
    return strengths


def suggest_sections(
    text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    min_score: float = DEFAULT_MIN_SCORE,
    relative_score: float = DEFAULT_RELATIVE_SCORE,
    context: SuggestionContext | None = None,
    model: LearnedModel | None = None,
    base_model: BaseModel | None = SHIPPED,
    base_share: float | None = None,
) -> list[Suggestion]:
    """Suggest Code of Conduct sections for a concern description, strongest first.

    Returns at most ``limit`` suggestions scoring at least ``min_score`` and at least
    ``relative_score`` times the strongest suggestion's score, ordered by score
    (descending) and then by section code. Empty or unrecognisable text gives ``[]``.
    Only the first ``MAX_TEXT_CHARS`` characters are examined. ``context`` (the
    reporter's structured answers) adds evidence but never suggests a section alone
    unless it is strong enough by itself. ``model`` is the organisation's learned model
    (``incidents.intake.learning``). ``base_model`` is the model shipped in the
    repository (``base_model.shipped()``, blended by ``base_share``, by default the rules
    file's ``base_model_share``); ``None`` leaves it out.
    """
    if not isinstance(text, str) or limit <= 0:
        return []
    titles = {rule.code: rule.title for rule in SECTION_RULES}
    scored = {
        code: (round(1 - math.exp(-raw), 3), reasons)
        for code, (raw, reasons) in section_strengths(text, context=context).items()
    }
    normalised = _normalise(text)
    if base_model is SHIPPED:
        base_model = base.shipped()
    share = RULES.settings.base_model_share if base_share is None else base_share
    if base_model is not None and share > 0:
        found = base.features(normalised, spelling=RULES.spelling)
        scored = _blended(
            scored,
            base_model.probabilities(found),
            share=share,
            strength=RULES.settings.base_model_strength,
            reason=_base_reason,
        )
    if model is not None and model.share > 0:
        scored = _blended(
            scored,
            model.probabilities(normalised),
            share=model.share,
            strength=LEARNED_STRENGTH,
            reason=_learned_reason,
        )
    suggestions = []
    for code, (score, reasons) in scored.items():
        if score >= min_score and code in titles:
            suggestions.append(
                Suggestion(code=code, title=titles[code], score=score, reasons=tuple(reasons))
            )
    suggestions.sort(key=lambda s: (-s.score, s.code))
    if suggestions:
        floor = suggestions[0].score * relative_score
        suggestions = [s for s in suggestions if s.score >= floor]
    return suggestions[:limit]
