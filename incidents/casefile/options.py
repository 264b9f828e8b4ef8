"""What a case file is for and what HR chose to leave out of it: plain data, no database.

The choices are kept on the job (CaseFileJob.options) as `CaseFileOptions.to_json()`, so
the worker builds exactly what was asked, and the event record names the purpose and the
kinds of thing left out (never the names HR typed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Why the file is produced. "other" needs a few words of explanation.
PURPOSES: dict[str, str] = {
    "integrity_referral": (
        "Referral to an integrity body (for example IBAC or the Victorian Ombudsman)"
    ),
    "foi": "Freedom of information request",
    "tribunal": "Tribunal or court proceedings",
    "internal_review": "Internal review",
    "other": "Other",
}

REPORTER = "reporter_identity"
NOTES = "internal_notes"
DISCLOSURE = "disclosure_details"
THIRD_PARTIES = "third_parties"

# What can be left out, as the cover page and the form name it.
LEAVE_OUT: dict[str, str] = {
    REPORTER: "the reporter's identity",
    NOTES: "internal notes",
    DISCLOSURE: "the details of the possible public interest disclosure",
    THIRD_PARTIES: "named third parties",
}

# How each is left out, in one sentence for the cover page and the form's help.
HOW: dict[str, str] = {
    REPORTER: (
        "The full name and email address of the person who logged the concern are taken "
        "out of every piece of text, and what they did is shown as done by \u201cthe "
        "reporter\u201d."
    ),
    NOTES: "HR's internal notes are not included; the timeline still shows when one was added.",
    DISCLOSURE: (
        "What was seen, the links, the evidence images and capture addresses, the reporter's "
        "additions and answers, and the reasons written with status changes are not included."
    ),
    THIRD_PARTIES: (
        "The full names of the organisation's people known to this app (other than the "
        "employee concerned and the staff who handled the case), and any other names you list, "
        "are taken out of every piece of text. Links and capture addresses are not included, "
        "and nor are evidence images, as the names in a picture cannot be checked."
    ),
}

MAX_EXTRA_NAMES = 50


def marker(key: str) -> str:
    """What the case file says where something was left out."""
    return f"[left out: {LEAVE_OUT[key]}]"


THIRD_PARTY_MARKER = "[left out: a third party's name]"


@dataclass(frozen=True)
class CaseFileOptions:
    purpose: str
    purpose_other: str = ""
    leave_out: frozenset[str] = field(default_factory=frozenset)
    extra_names: tuple[str, ...] = ()

    def __post_init__(self):
        if self.purpose not in PURPOSES:
            raise ValueError(f"Unknown purpose {self.purpose!r}")
        unknown = set(self.leave_out) - set(LEAVE_OUT)
        if unknown:
            raise ValueError(f"Unknown things to leave out: {sorted(unknown)}")

    def leaves_out(self, key: str) -> bool:
        return key in self.leave_out

    @property
    def purpose_label(self) -> str:
        if self.purpose == "other":
            return f"Other: {self.purpose_other}"
        return PURPOSES[self.purpose]

    @property
    def left_out(self) -> list[dict]:
        """What was left out, in the form's order, for the cover page."""
        return [
            {"key": key, "label": label, "how": HOW[key]}
            for key, label in LEAVE_OUT.items()
            if key in self.leave_out
        ]

    def to_json(self) -> dict:
        return {
            "purpose": self.purpose,
            "purpose_other": self.purpose_other,
            "leave_out": [key for key in LEAVE_OUT if key in self.leave_out],
            "extra_names": list(self.extra_names),
        }

    @classmethod
    def from_json(cls, data: dict) -> CaseFileOptions:
        return cls(
            purpose=data.get("purpose", ""),
            purpose_other=data.get("purpose_other", ""),
            leave_out=frozenset(data.get("leave_out") or ()),
            extra_names=tuple(data.get("extra_names") or ()),
        )

    def for_event(self) -> dict:
        """What the event record keeps: the purpose and the kinds of thing left out, and
        how many other names were listed (never the names)."""
        return {
            "purpose": self.purpose,
            "leave_out": [key for key in LEAVE_OUT if key in self.leave_out],
            "names_listed": len(self.extra_names),
        }
