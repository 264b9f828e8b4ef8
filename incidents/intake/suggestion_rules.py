"""Read and check the section-suggestion rules (guidance/content/suggestion_rules.yaml).

The rules are content, reviewed like the guidance itself, so a mistake in them must be
found when they are loaded, not when a reporter types a word that reaches the broken
part. ``load_rules`` checks every key, type, weight and regular expression and raises
``SuggestionRulesError`` naming the file and the line at fault.

No Django imports: the engine and its evaluation script run without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parents[2] / "guidance" / "content"
RULES_PATH = CONTENT_DIR / "suggestion_rules.yaml"
GUIDANCE_PATH = CONTENT_DIR / "guidance.yaml"

MAX_WEIGHT = 5.0


class SuggestionRulesError(ValueError):
    """The rules file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class CueGroup:
    """One idea that points to a section: its terms, weight and plain-English label."""

    key: str
    label: str
    weight: float
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Synergy:
    """Extra weight when all the named cue groups of a section are present together."""

    keys: tuple[str, ...]
    bonus: float


@dataclass(frozen=True)
class SectionRule:
    code: str
    title: str
    groups: tuple[CueGroup, ...]
    synergies: tuple[Synergy, ...] = ()


@dataclass(frozen=True)
class RuleSettings:
    limit: int = 3
    min_score: float = 0.4
    extra_term_bonus: float = 0.15
    extra_term_cap: int = 2


@dataclass(frozen=True)
class Rules:
    settings: RuleSettings
    sections: tuple[SectionRule, ...]


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

    def terms(self, value: Any, line: int, what: str) -> tuple[str, ...]:
        items = self.seq(value, line, what)
        return tuple(self.term(item, items.item_lines[i]) for i, item in enumerate(items))


def _titles(guidance_path: Path) -> dict[str, str]:
    data = yaml.safe_load(guidance_path.read_text(encoding="utf-8"))
    return {str(section["code"]): str(section["title"]) for section in data["sections"]}


def _settings(check: _Checker, data: _Map) -> RuleSettings:
    if "settings" not in data:
        return RuleSettings()
    raw = check.mapping(
        data["settings"],
        check.line_of(data, "settings"),
        "settings",
        {"limit", "min_score", "extra_term_bonus", "extra_term_cap"},
        set(),
    )
    values: dict[str, Any] = {}
    for key, low, high in (
        ("limit", 1, 8),
        ("min_score", 0.0, 1.0),
        ("extra_term_bonus", 0.0, 1.0),
        ("extra_term_cap", 0, 10),
    ):
        if key in raw:
            number = check.number(raw[key], check.line_of(raw, key), key, low, high)
            values[key] = int(number) if key in ("limit", "extra_term_cap") else number
    return RuleSettings(**values)


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


def _group(
    check: _Checker, raw: Any, line: int, code: str, lists: dict[str, tuple[str, ...]]
) -> CueGroup:
    group = check.mapping(
        raw,
        line,
        f"a cue group of {code}",
        {"key", "label", "weight", "lists", "terms"},
        {"key", "label", "weight"},
    )
    key = check.text(group["key"], check.line_of(group, "key"), "key")
    label = check.text(group["label"], check.line_of(group, "label"), "label")
    weight = check.number(group["weight"], check.line_of(group, "weight"), "weight", 0, MAX_WEIGHT)
    terms: list[str] = []
    if "lists" in group:
        names = check.seq(group["lists"], check.line_of(group, "lists"), "lists")
        for name in names:
            if name not in lists:
                raise check.fail(check.line_of(group, "lists"), f"no term list called '{name}'.")
            terms.extend(lists[name])
    if "terms" in group:
        terms.extend(check.terms(group["terms"], check.line_of(group, "terms"), "terms"))
    if not terms:
        raise check.fail(group.line, f"cue group '{key}' of {code} has no terms.")
    return CueGroup(key=key, label=label, weight=weight, terms=tuple(terms))


def _section(
    check: _Checker,
    raw: Any,
    line: int,
    titles: dict[str, str],
    lists: dict[str, tuple[str, ...]],
) -> SectionRule:
    section = check.mapping(raw, line, "a section", {"code", "groups", "synergies"}, {"code"})
    code_line = check.line_of(section, "code")
    code = check.text(section["code"], code_line, 'code (quote it, e.g. "2.2")')
    if code not in titles:
        raise check.fail(code_line, f"section {code} is not in guidance.yaml.")
    raw_groups = check.seq(section.get("groups"), check.line_of(section, "groups"), "groups")
    groups = tuple(
        _group(check, item, raw_groups.item_lines[i], code, lists)
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
    return SectionRule(code=code, title=titles[code], groups=groups, synergies=tuple(synergies))


def load_rules(path: Path = RULES_PATH, *, guidance_path: Path = GUIDANCE_PATH) -> Rules:
    """Read and check the rules file; raise ``SuggestionRulesError`` at the first fault."""
    path = Path(path)
    check = _Checker(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SuggestionRulesError(f"{path.name}: cannot be read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except SuggestionRulesError as exc:
        raise SuggestionRulesError(f"{path.name}, {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise SuggestionRulesError(f"{path.name}, {where}: not valid YAML: {exc}") from exc
    data = check.mapping(data, 1, "the file", {"settings", "term_lists", "sections"}, {"sections"})
    settings = _settings(check, data)
    lists = _term_lists(check, data)
    titles = _titles(guidance_path)
    raw_sections = check.seq(data["sections"], check.line_of(data, "sections"), "sections")
    sections = tuple(
        _section(check, item, raw_sections.item_lines[i], titles, lists)
        for i, item in enumerate(raw_sections)
    )
    codes = [section.code for section in sections]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise check.fail(raw_sections.item_lines[i], f"section {code} is given twice.")
    return Rules(settings=settings, sections=sections)
