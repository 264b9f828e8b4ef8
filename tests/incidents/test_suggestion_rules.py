"""The suggestion rules file is content: checked on load, with the line at fault named."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.intake.suggestion_rules import RULES_PATH, SuggestionRulesError, load_rules

GOOD = """\
settings:
  min_score: 0.4
term_lists:
  elections:
    - election
    - 're:\\bballot\\b'
sections:
  - code: "2.2"
    groups:
      - key: elections
        label: election or campaign activity
        weight: 0.9
        lists: [elections]
      - key: parties
        label: names a political party
        weight: 1.0
        terms: [Labor, Greens]
    synergies:
      - {groups: [elections, parties], bonus: 0.3}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suggestion_rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules_load_and_cover_the_eight_sections() -> None:
    rules = load_rules(RULES_PATH)
    assert {s.code for s in rules.sections} == {
        "2.2",
        "3.5",
        "3.9",
        "5.3",
        "5.4",
        "6.1",
        "6.2",
        "6.4",
    }
    # Titles come from the guidance content, not from the rules file.
    assert {s.code: s.title for s in rules.sections}["3.9"] == "Public trust"
    for section in rules.sections:
        for group in section.groups:
            assert group.label
            assert group.terms or group.words


def test_a_small_good_file_loads_with_its_term_lists_expanded(tmp_path: Path) -> None:
    rules = load_rules(_write(tmp_path, GOOD))
    (section,) = rules.sections
    assert section.groups[0].terms == ("election", "re:\\bballot\\b")
    assert section.synergies[0].keys == ("elections", "parties")
    assert rules.settings.min_score == 0.4


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("weight: 0.9", "weight: heavy", 12, "must be a number"),
        ("weight: 1.0", "weight: 50", 16, "between"),
        ("'re:\\bballot\\b'", "'re:(ballot'", 6, "bad regular expression"),
        ("'re:\\bballot\\b'", "'re:x*'", 6, "matches empty text"),
        ("lists: [elections]", "lists: [votes]", 13, "no term list called 'votes'"),
        ("bonus: 0.3", "bonus: 0.3, extra: 1", 19, "unknown key 'extra'"),
        ("[elections, parties]", "[elections, donors]", 19, "no cue group 'donors'"),
        ('code: "2.2"', 'code: "9.9"', 8, "not in guidance.yaml"),
        ("label: names a political party", "labl: names a political party", 15, "unknown key"),
        ("  min_score: 0.4", "  min_score: 0.4\n  min_score: 0.5", 3, "given twice"),
        ("    groups:", "    groups: [", 10, "not valid YAML"),
        ("terms: [Labor, Greens]", "words: ['re:labou?r']", 17, "not a plain word"),
        ("terms: [Labor, Greens]", "terms: [Labor]\n    context: x", 18, "must be a list"),
    ],
)
def test_a_bad_file_fails_loudly_naming_the_line_at_fault(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SuggestionRulesError) as raised:
        load_rules(path)
    message = str(raised.value)
    assert f"line {line}" in message, message
    assert words in message, message
    assert message.startswith("suggestion_rules.yaml")


def test_words_are_matched_on_their_stems_and_context_cues_are_read(tmp_path: Path) -> None:
    text = GOOD.replace("terms: [Labor, Greens]", "words: [campaigning, party banners]").replace(
        "    synergies:",
        "    context:\n"
        '      - {answer: official_account, is: "yes", weight: 0.3, reason: An account}\n'
        "      - {use: private, weight: 0.1, reason: Private}\n"
        "    synergies:",
    )
    (section,) = load_rules(_write(tmp_path, text)).sections
    assert section.groups[1].words == (("campaign",), ("parti", "banner"))
    assert [(c.kind, c.name, c.value) for c in section.context] == [
        ("answer", "official_account", "yes"),
        ("use", "", "private"),
    ]


def test_a_context_cue_must_say_what_it_reads(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    synergies:", "    context:\n      - {weight: 0.3, reason: Nothing}\n    synergies:"
    )
    with pytest.raises(SuggestionRulesError, match="line 19: a context cue needs one of"):
        load_rules(_write(tmp_path, text))
