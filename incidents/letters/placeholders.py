"""The placeholder language of letter templates: `{{ name }}`, from a fixed list, nothing else.

An administrator's template text can name only the placeholders below that its kind of
letter allows; there is no attribute access (`{{ concern.subject }}` is refused), no tag, no
filter and no file. Filling is plain string substitution from a dict of already-made strings
(`incidents.letters.context.letter_values`), so the text never reaches a model or Django's
template engine. A placeholder that has nothing to fill it is named back to the person,
with what is missing in words, never left blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from incidents.models import LetterKind

K = LetterKind
TO_EMPLOYEE = frozenset({K.ALLEGATION_NOTICE, K.OUTCOME})
EVERY_KIND = frozenset(LetterKind.values)


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str  # what it is filled with, for the administrator
    missing: str  # why it cannot be filled, for HR
    kinds: frozenset


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder(
        "organisation_name", "the organisation's name", "The organisation has no name.", EVERY_KIND
    ),
    Placeholder(
        "reference",
        "the concern's reference, e.g. SMC-2026-00042",
        "The concern has no reference yet.",
        EVERY_KIND,
    ),
    Placeholder(
        "employee_name",
        "the employee's full name",
        "The employee concerned is not named on this concern.",
        TO_EMPLOYEE,
    ),
    Placeholder(
        "employee_position",
        "the employee's position",
        "The employee's position is not recorded.",
        TO_EMPLOYEE,
    ),
    Placeholder(
        "conduct_date",
        "when the conduct happened, e.g. 14 March 2026",
        "The date of the conduct is not recorded.",
        TO_EMPLOYEE,
    ),
    Placeholder(
        "platform",
        "the platform, e.g. Facebook (social networking)",
        "The platform is not recorded.",
        TO_EMPLOYEE,
    ),
    Placeholder(
        "sections",
        "the Code sections HR confirmed, one a line with their titles",
        "No Code sections are confirmed for this concern yet.",
        frozenset({K.ALLEGATION_NOTICE}),
    ),
    Placeholder(
        "facts",
        "the facts put to the employee, as HR writes them when drafting",
        "The facts put to the employee are not written.",
        frozenset({K.ALLEGATION_NOTICE}),
    ),
    Placeholder(
        "response_date",
        "the date the employee's response is due, e.g. 21 March 2026",
        "The response date is not set.",
        frozenset({K.ALLEGATION_NOTICE}),
    ),
    Placeholder(
        "findings",
        "the finding on each confirmed Code section, one a line",
        "A finding is not recorded for every confirmed Code section.",
        frozenset({K.OUTCOME}),
    ),
    Placeholder(
        "action_taken",
        "the action taken, e.g. formal warning",
        "The action taken is not recorded.",
        frozenset({K.OUTCOME}),
    ),
    Placeholder(
        "outcome_summary",
        "HR's summary of the outcome",
        "The outcome summary is not written.",
        frozenset({K.OUTCOME}),
    ),
    Placeholder(
        "review_by",
        "the last day the employee may ask for a review of the outcome, e.g. 21 March 2026",
        "No outcome was issued at closure, so the last day to ask for a review is not known.",
        frozenset({K.OUTCOME}),
    ),
    Placeholder(
        "rights_considered",
        "how the decision-maker considered the employee's human rights at each decision that"
        " limited them (Charter s 38), or a line saying no decision needed it",
        "The Charter record cannot be read.",
        frozenset({K.OUTCOME}),
    ),
    Placeholder(
        "reporter_name",
        "the name of the person who logged the concern",
        "The person who logged the concern is no longer recorded.",
        frozenset({K.REPORTER_CLOSURE}),
    ),
    Placeholder(
        "message",
        "what HR chooses to tell the person who logged it, written when drafting",
        "The message for the person who logged it is not written.",
        frozenset({K.REPORTER_CLOSURE}),
    ),
)
BY_NAME = {item.name: item for item in PLACEHOLDERS}
LETTERHEAD_ALLOWED = frozenset({"organisation_name"})

PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.S)
TAG = re.compile(r"\{%|%\}|\{#|#\}")


def allowed_for(kind: str) -> list[Placeholder]:
    return [item for item in PLACEHOLDERS if kind in item.kinds]


def text_errors(text: str, allowed: frozenset[str] | set[str], kind_label: str) -> list[str]:
    """What is wrong with one template text, in words for the administrator."""
    errors: list[str] = []
    if TAG.search(text):
        errors.append(
            "Only placeholders in double braces can be used, such as {{ reference }}: "
            "{% … %} and {# … #} are not allowed."
        )
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        shown = "{{ " + name + " }}"
        if name not in BY_NAME:
            errors.append(f"{shown} is not a placeholder this app knows.")
        elif name not in allowed:
            errors.append(f"{shown} cannot be used in a {kind_label.lower()}.")
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        errors.append("A placeholder is not closed: write it as {{ name }}, with both braces.")
    return list(dict.fromkeys(errors))


def template_errors(template) -> dict[str, list[str]]:
    """Every problem with a LetterTemplate's texts, by field (for ValidationError)."""
    kind = template.kind
    if kind not in LetterKind.values:
        return {}
    label = LetterKind(kind).label
    names = {item.name for item in allowed_for(kind)}
    checks = {
        "letterhead": LETTERHEAD_ALLOWED,
        "subject": names,
        "body": names,
        "signatory_name": set(),
        "signatory_title": set(),
    }
    errors = {}
    for field, allowed in checks.items():
        found = text_errors(getattr(template, field) or "", allowed, label)
        if found:
            errors[field] = found
    return errors


def placeholders_in(text: str) -> list[str]:
    return list(dict.fromkeys(match.group(1) for match in PLACEHOLDER.finditer(text)))


def fill(text: str, values: dict[str, str | None]) -> tuple[str, list[str]]:
    """The text with each placeholder replaced by its value, and the names of those that
    have no value (in the order they first appear). A missing one is left as written."""
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None or not str(value).strip():
            if name not in missing:
                missing.append(name)
            return match.group(0)
        return str(value)

    return PLACEHOLDER.sub(replace, text), missing


def missing_messages(names: list[str]) -> list[str]:
    return [BY_NAME[name].missing if name in BY_NAME else f"{{{{ {name} }}}}" for name in names]
