"""Read and check the section-suggestion rules (guidance/content/suggestion_rules.yaml).

The rules are content, reviewed like the guidance itself, so a mistake in them must be
found when they are loaded, not when a reporter types a word that reaches the broken
part. ``load_rules`` checks every key, type, weight and regular expression and raises
``SuggestionRulesError`` naming the file and the line at fault.

No Django imports: the engine and its evaluation script run without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .wording import content_stems, stem_phrase

CONTENT_DIR = Path(__file__).resolve().parents[2] / "guidance" / "content"
RULES_PATH = CONTENT_DIR / "suggestion_rules.yaml"
GUIDANCE_PATH = CONTENT_DIR / "guidance.yaml"

MAX_WEIGHT = 5.0
_WORD_ENTRY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9' -]*$")
CONTEXT_KINDS = ("answer", "use", "platform")


class SuggestionRulesError(ValueError):
    """The rules file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class CueGroup:
    """One idea that points to a section: its terms, weight and plain-English label."""

    key: str
    label: str
    weight: float
    terms: tuple[str, ...]
    #: Words and short phrases matched on stems ("harass" finds harassing, harassed).
    words: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Synergy:
    """Extra weight when all the named cue groups of a section are present together."""

    keys: tuple[str, ...]
    bonus: float


@dataclass(frozen=True)
class ContextCue:
    """Evidence from a structured answer: the helper's answer, the use, or the platform."""

    kind: str  # "answer", "use" or "platform"
    name: str  # the helper question's key, or "" for use and platform
    value: str
    weight: float
    reason: str


@dataclass(frozen=True)
class SectionRule:
    code: str
    title: str
    groups: tuple[CueGroup, ...]
    synergies: tuple[Synergy, ...] = ()
    context: tuple[ContextCue, ...] = ()
    #: Stems distinctive of this section's own text in the guidance.
    guidance_stems: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleSettings:
    limit: int = 3
    min_score: float = 0.4
    extra_term_bonus: float = 0.15
    extra_term_cap: int = 2
    #: A suggestion under this share of the strongest one's score is not shown.
    relative_score: float = 0.0
    #: Weight of each distinct word from the guidance's own text on a section (capped).
    guidance_weight: float = 0.0
    guidance_cap: int = 3
    #: The shipped base model's share of a blended score (0: the rules alone).
    base_model_share: float = 0.0
    #: How much strength a confident probability of the base model adds.
    base_model_strength: float = 1.0


@dataclass(frozen=True)
class Rules:
    settings: RuleSettings
    sections: tuple[SectionRule, ...]
    spelling: dict[str, str]


# --- YAML with line numbers ----------------------------------------------------------------


class _Map(dict):
    line: int = 0
    key_lines: dict[str, int]


class _Seq(list):
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """A safe loader whose mappings and lists remember the line they start on."""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise SuggestionRulesError(f"line {line}: '{key}' is given twice.")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


# --- checking -------------------------------------------------------------------------------


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, message: str) -> SuggestionRulesError:
        return SuggestionRulesError(f"{self.path.name}, line {line}: {message}")

    def mapping(self, value: Any, line: int, what: str, keys: set[str], required: set[str]) -> _Map:
        if not isinstance(value, _Map):
            raise self.fail(line, f"{what} must be a mapping.")
        unknown = sorted(set(value) - keys)
        if unknown:
            key = unknown[0]
            raise self.fail(
                value.key_lines[key], f"unknown key '{key}' in {what} (allowed: {sorted(keys)})."
            )
        for key in sorted(required - set(value)):
            raise self.fail(value.line, f"{what} needs '{key}'.")
        return value

    def line_of(self, mapping: _Map, key: str) -> int:
        return mapping.key_lines.get(key, mapping.line)

    def seq(self, value: Any, line: int, what: str) -> _Seq:
        if not isinstance(value, _Seq):
            raise self.fail(line, f"{what} must be a list.")
        return value

    def text(self, value: Any, line: int, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(line, f"{what} must be non-empty text.")
        return value

    def number(self, value: Any, line: int, what: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(line, f"{what} must be a number.")
        if not low <= value <= high:
            raise self.fail(line, f"{what} must be between {low} and {high}, not {value}.")
        return float(value)

    def term(self, value: Any, line: int) -> str:
        term = self.text(value, line, "a term")
        if term.startswith("re:"):
            try:
                compiled = re.compile(term[3:], re.IGNORECASE)
            except re.error as exc:
                raise self.fail(line, f"bad regular expression {term[3:]!r}: {exc}.") from exc
            if compiled.match(""):
                raise self.fail(line, f"regular expression {term[3:]!r} matches empty text.")
        return term

    def word(self, value: Any, line: int) -> str:
        word = self.text(value, line, "a word")
        if not _WORD_ENTRY.match(word):
            raise self.fail(
                line, f"{word!r} is not a plain word or phrase (letters, digits, spaces)."
            )
        return word

    def terms(self, value: Any, line: int, what: str) -> tuple[str, ...]:
        items = self.seq(value, line, what)
        return tuple(self.term(item, items.item_lines[i]) for i, item in enumerate(items))


def _guidance(guidance_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Section titles, and each section's own wording in the guidance, by code."""
    data = yaml.safe_load(guidance_path.read_text(encoding="utf-8"))
    titles: dict[str, str] = {}
    texts: dict[str, str] = {}
    for section in data["sections"]:
        code = str(section["code"])
        titles[code] = str(section["title"])
        parts = [section.get("title"), section.get("summary"), section.get("social_media_meaning")]
        parts += list(section.get("points") or []) + list(section.get("examples") or [])
        texts[code] = " ".join(str(part) for part in parts if part)
    return titles, texts


def _distinctive_stems(texts: dict[str, str], ignore: set[str]) -> dict[str, frozenset[str]]:
    """Stems of each section's guidance text that at most one other section also uses."""
    stems = {code: content_stems(text) - ignore for code, text in texts.items()}
    spread: dict[str, int] = {}
    for values in stems.values():
        for value in values:
            spread[value] = spread.get(value, 0) + 1
    return {
        code: frozenset(value for value in values if spread[value] <= 2)
        for code, values in stems.items()
    }


def _settings(check: _Checker, data: _Map) -> RuleSettings:
    if "settings" not in data:
        return RuleSettings()
    raw = check.mapping(
        data["settings"],
        check.line_of(data, "settings"),
        "settings",
        {
            "limit",
            "min_score",
            "extra_term_bonus",
            "extra_term_cap",
            "guidance_weight",
            "guidance_cap",
            "guidance_ignore",
            "relative_score",
            "base_model_share",
            "base_model_strength",
        },
        set(),
    )
    values: dict[str, Any] = {}
    for key, low, high in (
        ("limit", 1, 8),
        ("min_score", 0.0, 1.0),
        ("extra_term_bonus", 0.0, 1.0),
        ("extra_term_cap", 0, 10),
        ("guidance_weight", 0.0, 1.0),
        ("guidance_cap", 0, 20),
        ("relative_score", 0.0, 1.0),
        ("base_model_share", 0.0, 1.0),
        ("base_model_strength", 0.0, 10.0),
    ):
        if key in raw:
            number = check.number(raw[key], check.line_of(raw, key), key, low, high)
            integer = key in ("limit", "extra_term_cap", "guidance_cap")
            values[key] = int(number) if integer else number
    return RuleSettings(**values)


def _guidance_ignore(check: _Checker, data: _Map) -> set[str]:
    raw = data.get("settings")
    if not isinstance(raw, _Map) or "guidance_ignore" not in raw:
        return set()
    line = check.line_of(raw, "guidance_ignore")
    items = check.seq(raw["guidance_ignore"], line, "guidance_ignore")
    return {
        value
        for i, item in enumerate(items)
        for value in stem_phrase(check.word(item, items.item_lines[i]))
    }


def _spelling(check: _Checker, data: _Map) -> dict[str, str]:
    if "spelling" not in data:
        return {}
    raw = data["spelling"]
    if not isinstance(raw, _Map):
        raise check.fail(check.line_of(data, "spelling"), "spelling must be a mapping.")
    fixes: dict[str, str] = {}
    for wrong, right in raw.items():
        line = raw.key_lines[wrong]
        wrong_word = check.word(wrong, line).lower()
        right_word = check.word(right, line).lower()
        if " " in wrong_word or " " in right_word:
            raise check.fail(line, "a spelling fix is one word for one word.")
        fixes[wrong_word] = right_word
    return fixes


def _term_lists(check: _Checker, data: _Map) -> dict[str, tuple[str, ...]]:
    if "term_lists" not in data:
        return {}
    raw = data["term_lists"]
    if not isinstance(raw, _Map):
        raise check.fail(check.line_of(data, "term_lists"), "term_lists must be a mapping.")
    return {
        str(name): check.terms(value, raw.key_lines[name], f"term list '{name}'")
        for name, value in raw.items()
    }


def _word_lists(
    check: _Checker, data: _Map, spelling: dict[str, str]
) -> dict[str, tuple[tuple[str, ...], ...]]:
    if "word_lists" not in data:
        return {}
    raw = data["word_lists"]
    if not isinstance(raw, _Map):
        raise check.fail(check.line_of(data, "word_lists"), "word_lists must be a mapping.")
    result = {}
    for name, value in raw.items():
        items = check.seq(value, raw.key_lines[name], f"word list '{name}'")
        result[str(name)] = tuple(
            stem_phrase(check.word(item, items.item_lines[i]), spelling)
            for i, item in enumerate(items)
        )
    return result


def _group(
    check: _Checker,
    raw: Any,
    line: int,
    code: str,
    lists: dict[str, tuple[str, ...]],
    spelling: dict[str, str],
    word_lists: dict[str, tuple[tuple[str, ...], ...]],
) -> CueGroup:
    group = check.mapping(
        raw,
        line,
        f"a cue group of {code}",
        {"key", "label", "weight", "lists", "terms", "words"},
        {"key", "label", "weight"},
    )
    key = check.text(group["key"], check.line_of(group, "key"), "key")
    label = check.text(group["label"], check.line_of(group, "label"), "label")
    weight = check.number(group["weight"], check.line_of(group, "weight"), "weight", 0, MAX_WEIGHT)
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    if "lists" in group:
        names = check.seq(group["lists"], check.line_of(group, "lists"), "lists")
        for name in names:
            if name in lists:
                terms.extend(lists[name])
            elif name in word_lists:
                phrases.extend(p for p in word_lists[name] if p not in phrases)
            else:
                raise check.fail(check.line_of(group, "lists"), f"no term list called '{name}'.")
    if "terms" in group:
        terms.extend(check.terms(group["terms"], check.line_of(group, "terms"), "terms"))
    if "words" in group:
        items = check.seq(group["words"], check.line_of(group, "words"), "words")
        for i, item in enumerate(items):
            stems = stem_phrase(check.word(item, items.item_lines[i]), spelling)
            if stems and stems not in phrases:
                phrases.append(stems)
    if not terms and not phrases:
        raise check.fail(group.line, f"cue group '{key}' of {code} has no terms or words.")
    return CueGroup(key=key, label=label, weight=weight, terms=tuple(terms), words=tuple(phrases))


def _context(check: _Checker, raw: Any, line: int, code: str) -> tuple[ContextCue, ...]:
    items = check.seq(raw, line, f"context of {code}")
    cues = []
    for i, item in enumerate(items):
        item_line = items.item_lines[i]
        cue = check.mapping(
            item,
            item_line,
            f"a context cue of {code}",
            {*CONTEXT_KINDS, "is", "weight", "reason"},
            {"weight", "reason"},
        )
        kinds = [kind for kind in CONTEXT_KINDS if kind in cue]
        if len(kinds) != 1:
            raise check.fail(item_line, f"a context cue needs one of {list(CONTEXT_KINDS)}.")
        kind = kinds[0]
        if kind == "answer":
            name = check.text(cue["answer"], item_line, "answer")
            value = check.text(cue.get("is"), item_line, "is (the answer, e.g. yes)")
        else:
            name, value = "", check.text(cue[kind], item_line, kind)
        weight = check.number(cue["weight"], item_line, "weight", 0, MAX_WEIGHT)
        reason = check.text(cue["reason"], item_line, "reason")
        cues.append(ContextCue(kind=kind, name=name, value=value, weight=weight, reason=reason))
    return tuple(cues)


def _section(
    check: _Checker,
    raw: Any,
    line: int,
    titles: dict[str, str],
    lists: dict[str, tuple[str, ...]],
    spelling: dict[str, str],
    word_lists: dict[str, tuple[tuple[str, ...], ...]],
) -> SectionRule:
    section = check.mapping(
        raw, line, "a section", {"code", "groups", "synergies", "context"}, {"code"}
    )
    code_line = check.line_of(section, "code")
    code = check.text(section["code"], code_line, 'code (quote it, e.g. "2.2")')
    if code not in titles:
        raise check.fail(code_line, f"section {code} is not in guidance.yaml.")
    raw_groups = check.seq(section.get("groups"), check.line_of(section, "groups"), "groups")
    groups = tuple(
        _group(check, item, raw_groups.item_lines[i], code, lists, spelling, word_lists)
        for i, item in enumerate(raw_groups)
    )
    if not groups:
        raise check.fail(section.line, f"section {code} has no cue groups.")
    keys = [group.key for group in groups]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            raise check.fail(raw_groups.item_lines[i], f"cue group '{key}' is given twice.")
    synergies = []
    if "synergies" in section:
        raw_synergies = check.seq(
            section["synergies"], check.line_of(section, "synergies"), "synergies"
        )
        for i, item in enumerate(raw_synergies):
            item_line = raw_synergies.item_lines[i]
            synergy = check.mapping(
                item, item_line, "a synergy", {"groups", "bonus"}, {"groups", "bonus"}
            )
            names = check.seq(synergy["groups"], item_line, "a synergy's groups")
            for name in names:
                if name not in keys:
                    raise check.fail(item_line, f"section {code} has no cue group '{name}'.")
            if len(names) < 2:
                raise check.fail(item_line, "a synergy needs at least two groups.")
            bonus = check.number(synergy["bonus"], item_line, "bonus", 0, MAX_WEIGHT)
            synergies.append(Synergy(keys=tuple(names), bonus=bonus))
    context: tuple[ContextCue, ...] = ()
    if "context" in section:
        context = _context(check, section["context"], check.line_of(section, "context"), code)
    return SectionRule(
        code=code,
        title=titles[code],
        groups=groups,
        synergies=tuple(synergies),
        context=context,
    )


def load_rules(path: Path = RULES_PATH, *, guidance_path: Path = GUIDANCE_PATH) -> Rules:
    """Read and check the rules file; raise ``SuggestionRulesError`` at the first fault."""
    path = Path(path)
    check = _Checker(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SuggestionRulesError(f"{path.name}: cannot be read: {exc}") from exc
    try:
        # _Loader is a SafeLoader (it adds line numbers only), so nothing is instantiated.
        data = yaml.load(text, Loader=_Loader)  # noqa: S506  # nosec B506
    except SuggestionRulesError as exc:
        raise SuggestionRulesError(f"{path.name}, {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise SuggestionRulesError(f"{path.name}, {where}: not valid YAML: {exc}") from exc
    data = check.mapping(
        data,
        1,
        "the file",
        {"settings", "spelling", "term_lists", "word_lists", "sections"},
        {"sections"},
    )
    settings = _settings(check, data)
    spelling = _spelling(check, data)
    lists = _term_lists(check, data)
    word_lists = _word_lists(check, data, spelling)
    titles, texts = _guidance(guidance_path)
    vocabulary = _distinctive_stems(texts, _guidance_ignore(check, data))
    raw_sections = check.seq(data["sections"], check.line_of(data, "sections"), "sections")
    sections = tuple(
        _section(check, item, raw_sections.item_lines[i], titles, lists, spelling, word_lists)
        for i, item in enumerate(raw_sections)
    )
    sections = tuple(
        replace(section, guidance_stems=vocabulary.get(section.code, frozenset()))
        for section in sections
    )
    codes = [section.code for section in sections]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise check.fail(raw_sections.item_lines[i], f"section {code} is given twice.")
    return Rules(settings=settings, sections=sections, spelling=spelling)
