"""The official-or-private helper: a few plain questions suggest the use context.

Pure logic, no database: answers in, a suggestion with its reasons out. The
reporter decides; nothing here is applied automatically.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guidance.models import UseContext

YES, NO, UNSURE = "yes", "no", "unsure"

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("official_account", "Was it posted from an account run by the organisation?"),
    ("identifiable", "Could readers tell the person works in the public sector?"),
    ("own_work_area", "Was it about the person's own area of work?"),
    ("presented_personal", "Did the person make clear the views were their own?"),
    ("work_resources", "Was it done in work time or on work equipment?"),
)

MINOR_ADVICE = (
    "From what you describe this may be minor. Many lapses like this are best settled "
    "informally and early: a conversation with the employee about the Code and your "
    "organisation's policy, and a request to take the post down, may be enough. "
    "HR will confirm the right response after triage."
)


# Sections whose guidance is written for official use (an authorised account, official
# communication, records of official use): suggested from the description of what the
# helper reads as private use, the two point different ways.
OFFICIAL_USE_SECTIONS = {
    "2.2": "Remaining apolitical",
    "5.4": "Open to scrutiny",
    "6.1": "Fair and objective treatment",
}


def disagreement(use_context: str, suggested: set[str]) -> str:
    """One line when the helper's answers and the description's suggested sections point
    different ways; empty when they agree. The reporter decides either way."""
    if use_context != UseContext.PRIVATE:
        return ""
    codes = sorted(set(suggested) & OFFICIAL_USE_SECTIONS.keys())
    if not codes:
        return ""
    named = ", ".join(f"{code} {OFFICIAL_USE_SECTIONS[code]}" for code in codes)
    return (
        f"These point different ways: your answers suggest private use, but the description "
        f"suggests {named}, which the guidance mainly applies to official use. Choose the "
        "use and sections you think fit; HR will confirm them."
    )


@dataclass(frozen=True)
class Assessment:
    use_context: str
    reasons: tuple[str, ...]
    sections: tuple[str, ...]
    looks_minor: bool
    advice: str = ""
    answered: int = field(default=0)
    disagreement: str = ""  # the answers and the description point different ways

    @property
    def use_context_label(self) -> str:
        return UseContext(self.use_context).label


def assess(answers: dict[str, str], *, serious_sections: set[str] | None = None) -> Assessment:
    """Suggest official/private/unclear use and the sections the answers point to.

    `serious_sections` are the codes already suggested from the description: some mean
    the matter should not be treated as minor (for example privacy or harassment), and
    some may disagree with the use the answers suggest (`disagreement`).
    """
    answers = {key: answers.get(key) for key, _ in QUESTIONS}
    answered = sum(1 for value in answers.values() if value in (YES, NO))
    reasons: list[str] = []
    sections: list[str] = []

    if answers["official_account"] == YES:
        use = UseContext.OFFICIAL
        reasons.append("It was posted from an organisation account, so it counts as official use.")
        sections.append("6.1")
    elif answers["official_account"] == NO and answers["presented_personal"] == YES:
        use = UseContext.PRIVATE
        reasons.append("A personal account, with the views presented as the person's own.")
    elif answers["official_account"] == NO and answers["identifiable"] == NO:
        use = UseContext.PRIVATE
        reasons.append("A personal account that does not identify the person as a public servant.")
    else:
        use = UseContext.UNCLEAR
        if answered:
            reasons.append("The answers so far do not settle whether this was official or private.")

    if answers["identifiable"] == YES:
        reasons.append(
            "Readers could link the post to the public sector, which puts trust at stake."
        )
        sections.append("3.9")
    if answers["own_work_area"] == YES:
        reasons.append("Comment on one's own area of work is public comment on official matters.")
        sections.append("3.5")
    if answers["presented_personal"] == NO and answers["official_account"] != YES:
        reasons.append("The views were not made clearly personal.")
        if "3.5" not in sections:
            sections.append("3.5")
    if answers["work_resources"] == YES:
        reasons.append("Work time or equipment was used.")
        sections.append("5.3")

    serious = set(serious_sections or ()) & {"2.2", "6.2", "6.4"}
    looks_minor = (
        answered >= 3
        and use == UseContext.PRIVATE
        and answers["own_work_area"] != YES
        and answers["work_resources"] != YES
        and not serious
    )
    return Assessment(
        use_context=use,
        reasons=tuple(reasons),
        sections=tuple(dict.fromkeys(sections)),
        looks_minor=looks_minor,
        advice=MINOR_ADVICE if looks_minor else "",
        answered=answered,
        disagreement=disagreement(use, set(serious_sections or ())) if answered else "",
    )
