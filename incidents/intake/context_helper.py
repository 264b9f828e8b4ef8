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


@dataclass(frozen=True)
class Assessment:
    use_context: str
    reasons: tuple[str, ...]
    sections: tuple[str, ...]
    looks_minor: bool
    advice: str = ""
    answered: int = field(default=0)

    @property
    def use_context_label(self) -> str:
        return UseContext(self.use_context).label


def assess(answers: dict[str, str], *, serious_sections: set[str] | None = None) -> Assessment:
    """Suggest official/private/unclear use and the sections the answers point to.

    `serious_sections` are codes already suggested from the description that mean
    the matter should not be treated as minor (for example privacy or harassment).
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
    )
