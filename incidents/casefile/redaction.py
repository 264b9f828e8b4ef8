"""Taking left-out text out before the case file's HTML is written.

Nothing left out ever reaches the template: each piece of text the file shows passes
through `Redactor.text`, which replaces what must not appear by a marker saying what was
left out. The PDF is made from that HTML, so its text layer (and its bytes) never hold
it: there is nothing under a black box to copy.

The rule for names, kept simple enough to explain on the cover page:

* the reporter's identity: their full name (as "First Last" and "Last, First") and their
  email address, in any case and spacing;
* named third parties: the full name of anyone the app knows in the organisation (a
  person's account, or an employee record) who is not the employee concerned, not the
  reporter (their own choice above) and not one of the staff who handled the case (its
  assignee and whoever acted in its timeline), plus any name HR listed. Names the app does
  not know are found only when HR lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from incidents.models import Concern, Person, normalise_name

from .options import REPORTER, THIRD_PARTIES, THIRD_PARTY_MARKER, CaseFileOptions, marker

_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*", re.UNICODE)
MAX_NAME_WORDS = 4
LOOKUP_CHUNK = 2000  # names asked of the database at once (SQLite caps its parameters)


def _pattern(terms: Iterable[str]) -> re.Pattern | None:
    """One case-insensitive pattern for whole-word matches of any of `terms`, however the
    words are spaced; the longest first, so "Sam Lee-Jones" wins over "Sam Lee"."""
    words = {tuple(term.split()) for term in terms if term and len(term.strip()) >= 3}
    if not words:
        return None
    alternatives = [
        r"\s+".join(re.escape(word) for word in parts)
        for parts in sorted(words, key=lambda parts: (-len(" ".join(parts)), parts))
    ]
    return re.compile(r"(?<![\w@.])(?:" + "|".join(alternatives) + r")(?![\w@])", re.IGNORECASE)


def name_forms(first: str, last: str) -> list[str]:
    first, last = first.strip(), last.strip()
    if not (first and last):
        return [first or last] if (first or last) and len(first or last) >= 3 else []
    return [f"{first} {last}", f"{last}, {first}", f"{last} {first}"]


def candidate_names(texts: Iterable[str]) -> set[str]:
    """Every run of two to MAX_NAME_WORDS words in the texts, normalised like
    Person.normalised_name: the names they could hold, to look up."""
    found: set[str] = set()
    for text in texts:
        words = [word.casefold() for word in _WORD.findall(text or "")]
        for size in range(2, MAX_NAME_WORDS + 1):
            for start in range(len(words) - size + 1):
                found.add(" ".join(words[start : start + size]))
    return found


class Redactor:
    def __init__(self, *, concern: Concern, options: CaseFileOptions, staff_ids: set[int]):
        self.options = options
        self.reporter = None
        self.third_parties = None
        self._concern = concern
        self._staff_ids = staff_ids
        if options.leaves_out(REPORTER) and concern.reporter is not None:
            reporter = concern.reporter
            terms = name_forms(reporter.first_name, reporter.last_name)
            if reporter.email:
                terms.append(reporter.email)
            self.reporter = _pattern(terms)

    def prepare(self, texts: Iterable[str]) -> None:
        """Find the third parties' names among `texts` (every text the file will show):
        an indexed lookup of the employee records (in chunks) and one read of the
        organisation's accounts' names."""
        if not self.options.leaves_out(THIRD_PARTIES):
            return
        texts = list(texts)
        candidates = candidate_names(texts)
        concern = self._concern
        keep = {normalise_name(concern.subject.full_name)} if concern.subject else set()
        names: set[str] = set(self.options.extra_names)
        ordered = sorted(candidates)
        for start in range(0, len(ordered), LOOKUP_CHUNK):
            people = Person.objects.filter(
                organisation_id=concern.organisation_id,
                normalised_name__in=ordered[start : start + LOOKUP_CHUNK],
            )
            if concern.subject_id:
                people = people.exclude(pk=concern.subject_id)
            names |= set(people.values_list("full_name", flat=True))
        if candidates:
            User = get_user_model()
            excluded = set(self._staff_ids) | ({concern.reporter_id} - {None})
            accounts = (
                User.objects.filter(organisation_id=concern.organisation_id)
                .exclude(pk__in=excluded)
                .values_list("first_name", "last_name")
            )
            for first, last in accounts.iterator():
                forms = name_forms(first, last)
                if forms and normalise_name(forms[0]) in candidates:
                    names.update(forms)
        names = {name for name in names if normalise_name(name) not in keep}
        self.third_parties = _pattern(names)

    def text(self, value: str | None) -> str:
        """`value` with everything left out replaced by its marker."""
        value = value or ""
        if self.reporter is not None:
            value = self.reporter.sub(marker(REPORTER), value)
        if self.third_parties is not None:
            value = self.third_parties.sub(THIRD_PARTY_MARKER, value)
        return value
