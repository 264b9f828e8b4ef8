"""Checking each row of an import against the organisation's reference data.

Every problem is named in words, by column, with the value that caused it. A row
without problems becomes the `ConcernData` the intake services take, and gets a
fingerprint: the SHA-256 of its normalised values, unique per organisation once
imported, so the same row never creates a second concern.

All reference data is loaded once per file (a fixed number of queries whatever
the number of rows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from accounts.models import BusinessUnit, Role
from guidance.models import CodeSection, PlatformCategory, UseContext
from incidents.intake.forms import MAX_DESCRIPTION, MAX_LINKS
from incidents.intake.services import ConcernData, normalise_url
from incidents.models import PidAnswer, normalise_name

from .columns import BY_KEY
from .models import ImportedRow
from .parsing import RawRow, cell_date

NOT_KNOWN = {"not known", "unknown", "not known.", "n/a"}
USE_CONTEXTS = {
    "official": UseContext.OFFICIAL,
    "official use": UseContext.OFFICIAL,
    "private": UseContext.PRIVATE,
    "private use": UseContext.PRIVATE,
    "unclear": UseContext.UNCLEAR,
    "not clear": UseContext.UNCLEAR,
    "not clear yet": UseContext.UNCLEAR,
    "": UseContext.UNCLEAR,
}
PID_ANSWERS = {
    "yes": PidAnswer.YES,
    "no": PidAnswer.NO,
    "": PidAnswer.NO,
    "unsure": PidAnswer.UNSURE,
    "not sure": PidAnswer.UNSURE,
}
LIMITS = {
    "employee_name": 200,
    "employee_position": 200,
    "platform_name": 100,
    "description": MAX_DESCRIPTION,
    "reporter": 150,
}
_SPLIT_LINKS = re.compile(r"[\s;]+")
_SPLIT_SECTIONS = re.compile(r"[;,\s]+")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_validate_url = URLValidator(schemes=["http", "https"])


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


def _quote(value: str) -> str:
    value = " ".join(value.split())
    return f'"{value[:60]}…"' if len(value) > 60 else f'"{value}"'


@dataclass
class RowCheck:
    number: int
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: ConcernData | None = None
    reporter: Any = None
    reported_on: dt.date | None = None
    fingerprint: str = ""
    already_imported: bool = False
    same_as_row: int | None = None
    # For the dry-run table
    employee: str = ""
    occurred_on: dt.date | None = None
    section_codes: tuple[str, ...] = ()
    restricted: bool = False

    @property
    def outcome(self) -> str:
        if self.problems:
            return "problems"
        if self.already_imported or self.same_as_row is not None:
            return "already"
        return "create"


@dataclass(frozen=True)
class Lookups:
    """The organisation's reference data, read once for a whole file."""

    sections: dict[str, CodeSection]
    categories: dict[str, PlatformCategory]
    units: dict[str, BusinessUnit]
    users: dict[str, Any]
    importer: Any

    @classmethod
    def load(cls, *, organisation, importer, rows: list[RawRow]) -> Lookups:
        User = get_user_model()
        usernames = {str(row.values.get("reporter") or "").strip() for row in rows} - {""}
        categories: dict[str, PlatformCategory] = {}
        for category in PlatformCategory.objects.filter(is_active=True):
            categories[_squash(category.name)] = category
            categories[_squash(category.code)] = category
        return cls(
            sections={section.code: section for section in CodeSection.objects.current()},
            categories=categories,
            units={
                _squash(unit.name): unit
                for unit in BusinessUnit.objects.filter(organisation=organisation, is_active=True)
            },
            users={
                user.username: user
                for user in User.objects.filter(
                    organisation=organisation, is_active=True, username__in=usernames
                ).prefetch_related("role_grants")
            },
            importer=importer,
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


class _Row:
    """Reads one raw row's cells, collecting problems as it goes."""

    def __init__(self, raw: RawRow, check: RowCheck) -> None:
        self.raw = raw
        self.check = check

    def problem(self, key: str, message: str) -> None:
        heading = BY_KEY[key].heading
        self.check.problems.append(f"{heading}: {message}")

    def text(self, key: str) -> str:
        value = _text(self.raw.values.get(key))
        if _FORBIDDEN_CHARS.search(value):
            self.problem(key, "contains control characters that cannot be stored.")
            return ""
        limit = LIMITS.get(key)
        if limit and len(value) > limit:
            self.problem(key, f"is {len(value):,} characters long; the limit is {limit:,}.")
            return ""
        column = BY_KEY[key]
        if column.required and not value:
            self.check.problems.append(f"{column.heading} is missing.")
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.raw.values.get(key)
        text = _text(value)
        if not text:
            self.check.problems.append(f"{BY_KEY[key].heading} is missing.")
            return None
        day = cell_date(value)
        if day is None:
            self.problem(key, f"{_quote(text)} is not a date; use YYYY-MM-DD or DD/MM/YYYY.")
            return None
        if day > timezone.localdate():
            self.problem(key, f"{day:%d/%m/%Y} is in the future.")
            return None
        return day


def check_row(raw: RawRow, lookups: Lookups) -> RowCheck:
    check = RowCheck(number=raw.number)
    row = _Row(raw, check)
    if raw.values.get("__extra__"):
        check.problems.append("There are values in columns without a heading.")

    reported_on = row.date("reported_on")
    occurred_on = row.date("occurred_on")
    if reported_on and occurred_on and occurred_on > reported_on:
        row.problem("occurred_on", "is after the reported date.")

    unit_name = row.text("business_unit")
    unit = lookups.units.get(_squash(unit_name)) if unit_name else None
    if unit_name and unit is None:
        row.problem(
            "business_unit",
            f"{_quote(unit_name)} is not one of your organisation's business units.",
        )

    employee = row.text("employee_name")
    not_known = _squash(employee) in NOT_KNOWN
    position = row.text("employee_position")

    category_name = row.text("platform_category")
    category = lookups.categories.get(_squash(category_name)) if category_name else None
    if category_name and category is None:
        row.problem("platform_category", f"{_quote(category_name)} is not a platform category.")
    platform_name = row.text("platform_name")

    use_text = row.text("use_context")
    use_context = USE_CONTEXTS.get(_squash(use_text))
    if use_context is None:
        row.problem("use_context", f"{_quote(use_text)} is not official, private or unclear.")

    links = _links(row)
    description = row.text("description")
    sections = _sections(row, lookups)

    pid_text = row.text("possible_pid")
    pid = PID_ANSWERS.get(_squash(pid_text))
    if pid is None:
        row.problem("possible_pid", f"{_quote(pid_text)} is not yes, no or unsure.")

    reporter_name = row.text("reporter")
    reporter = _reporter(row, reporter_name, lookups)

    check.employee = "Not known" if not_known else employee
    check.occurred_on = occurred_on
    check.section_codes = tuple(section.code for section in sections)
    check.restricted = pid in (PidAnswer.YES, PidAnswer.UNSURE)
    if check.problems:
        return check

    check.reporter = reporter
    check.reported_on = reported_on
    check.data = ConcernData(
        occurred_on=occurred_on,
        description=description,
        platform_category=category,
        platform_name=platform_name,
        use_context=use_context,
        links=links,
        subject_name="" if not_known else employee,
        subject_position="" if not_known else position,
        subject_business_unit=unit,
        subject_not_known=not_known,
        sections=sections,
        possible_pid=pid,
    )
    check.fingerprint = fingerprint(
        {
            "reported_on": reported_on.isoformat(),
            "occurred_on": occurred_on.isoformat(),
            "business_unit": unit.pk if unit else None,
            "employee_name": "" if not_known else normalise_name(employee),
            "employee_position": _squash(position),
            "platform_category": category.code,
            "platform_name": _squash(platform_name),
            "use_context": str(use_context),
            "links": sorted(normalise_url(link) for link in links),
            "description": _squash(description),
            "sections": sorted(check.section_codes),
            "possible_pid": str(pid),
            "reporter": reporter_name,
        }
    )
    if reporter.pk == lookups.importer.pk:
        check.notes.append(
            "You will be recorded as the reporter, so you will not be able to handle "
            "this concern yourself."
        )
    return check


def _links(row: _Row) -> list[str]:
    text = row.text("links")
    links = [link for link in _SPLIT_LINKS.split(text) if link]
    if len(links) > MAX_LINKS:
        row.problem("links", f"has {len(links)} links; the limit is {MAX_LINKS}.")
        return []
    for link in links:
        try:
            if len(link) > 2000:
                raise ValidationError("too long")
            _validate_url(link)
        except ValidationError:
            row.problem(
                "links", f"{_quote(link)} is not a web address starting with http:// or https://."
            )
    return list(dict.fromkeys(links))


def _sections(row: _Row, lookups: Lookups) -> list[CodeSection]:
    text = row.text("sections")
    sections = []
    for code in dict.fromkeys(code for code in _SPLIT_SECTIONS.split(text) if code):
        section = lookups.sections.get(code)
        if section is None:
            row.problem("sections", f"{_quote(code)} is not a section of the current Code.")
        else:
            sections.append(section)
    return sections


def _reporter(row: _Row, username: str, lookups: Lookups):
    if not username:
        if not lookups.importer.has_role(Role.REPORTER):
            row.problem(
                "reporter",
                "is empty and you do not hold the reporter role, so the concern cannot be "
                "recorded in your name. Give the username of the person who reported it.",
            )
        return lookups.importer
    user = lookups.users.get(username)
    if user is None:
        row.problem(
            "reporter", f"nobody with the username {_quote(username)} works in your organisation."
        )
    elif not user.has_role(Role.REPORTER):
        row.problem("reporter", f"{_quote(username)} does not hold the reporter role.")
    return user


def fingerprint(values: dict) -> str:
    encoded = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode()).hexdigest()


def check_rows(*, organisation, importer, rows: list[RawRow]) -> list[RowCheck]:
    """Check every row; mark rows imported before (any batch) or repeated within the file."""
    lookups = Lookups.load(organisation=organisation, importer=importer, rows=rows)
    checks = [check_row(raw, lookups) for raw in rows]
    fingerprints = {check.fingerprint for check in checks if check.fingerprint}
    imported = set(
        ImportedRow.objects.filter(
            organisation=organisation, fingerprint__in=fingerprints
        ).values_list("fingerprint", flat=True)
    )
    first_seen: dict[str, int] = {}
    for check in checks:
        if not check.fingerprint:
            continue
        if check.fingerprint in imported:
            check.already_imported = True
        elif check.fingerprint in first_seen:
            check.same_as_row = first_seen[check.fingerprint]
        else:
            first_seen[check.fingerprint] = check.number
    return checks
