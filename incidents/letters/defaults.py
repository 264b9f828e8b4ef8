"""The wording an organisation starts with for each kind of letter, written for this project.

The texts are files beside this module (`wording/<kind>.txt`: a `Subject:` line, a blank
line, then the body), reviewed like any other content. An administrator changes the wording
in the admin (Letter templates); these files are used the first time an organisation drafts
a letter of a kind it has not set up yet, and when a new template is left empty.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

WORDING = Path(__file__).resolve().parent / "wording"
LETTERHEAD = "{{ organisation_name }}\nHuman Resources"


@cache
def _wording(kind: str) -> tuple[str, str]:
    text = (WORDING / f"{kind}.txt").read_text(encoding="utf-8")
    first, _, body = text.partition("\n\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"{kind}.txt must start with a 'Subject: ' line")
    return first.removeprefix("Subject: ").strip(), body.strip()


def default_wording(kind: str) -> dict[str, str]:
    subject, body = _wording(kind)
    return {
        "letterhead": LETTERHEAD,
        "subject": subject,
        "body": body,
        "signatory_title": "Human Resources",
    }
