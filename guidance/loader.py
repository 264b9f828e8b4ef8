"""Load the reference content files into the database, idempotently.

Rows are matched by their stable code and updated in place; running the loader
twice leaves the same rows. A content row removed from the file is deleted only
when nothing points at it; a row that concerns reference (PROTECT) is kept and
marked inactive instead. Rows added by administrators are never touched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.db.models import ProtectedError

from .models import CodeEdition, CodeSection, Definition, Origin, PlatformCategory

DEFAULT_CONTENT = Path(__file__).resolve().parent / "content" / "guidance.yaml"


class GuidanceContentError(ValueError):
    """The content file is malformed; the message says where."""


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)
    kept_in_use: list[str] = field(default_factory=list)

    def note(self, kind: str, outcome: str) -> None:
        self.counts[f"{kind} {outcome}"] += 1

    def summary(self) -> str:
        parts = [f"{key}: {value}" for key, value in sorted(self.counts.items())]
        if self.kept_in_use:
            parts.append("kept because in use: " + ", ".join(self.kept_in_use))
        return "; ".join(parts) or "nothing to do"


def read_content(path: Path = DEFAULT_CONTENT) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GuidanceContentError(f"{path}: cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise GuidanceContentError(f"{path}: expected a mapping at the top level.")
    for key in ("editions", "sections", "platform_categories", "definitions"):
        if not isinstance(data.get(key), list):
            raise GuidanceContentError(f"{path}: '{key}' must be a list.")
    return data


def _require(item: Any, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise GuidanceContentError(f"{where}: expected a mapping, got {type(item).__name__}.")
    missing = [key for key in keys if item.get(key) in (None, "")]
    if missing:
        raise GuidanceContentError(f"{where}: missing {', '.join(missing)}.")
    return item


def _upsert(model: type[models.Model], lookup: dict, values: dict, report: LoadReport) -> Any:
    kind = model._meta.verbose_name
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        report.note(kind, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        report.note(kind, "updated")
    else:
        report.note(kind, "unchanged")
    return obj


def _retire(queryset: models.QuerySet, report: LoadReport) -> None:
    """Delete rows no longer in the file; keep (inactive) those something still protects."""
    for obj in queryset:
        kind = obj._meta.verbose_name
        try:
            with transaction.atomic():
                obj.delete()
            report.note(kind, "deleted")
        except ProtectedError:
            if getattr(obj, "is_active", False):
                obj.is_active = False
                obj.save(update_fields=["is_active"])
            report.note(kind, "kept in use")
            report.kept_in_use.append(str(obj))


@transaction.atomic
def load_guidance(path: Path = DEFAULT_CONTENT) -> LoadReport:
    data = read_content(path)
    report = LoadReport()

    editions: dict[str, CodeEdition] = {}
    for index, item in enumerate(data["editions"]):
        item = _require(item, ("code", "title", "year"), f"editions[{index}]")
        editions[item["code"]] = _upsert(
            CodeEdition,
            {"code": item["code"]},
            {
                "title": item["title"],
                "year": int(item["year"]),
                "is_current": bool(item.get("is_current", False)),
            },
            report,
        )

    seen_sections: set[tuple[str, str]] = set()
    for index, item in enumerate(data["sections"]):
        where = f"sections[{index}]"
        item = _require(
            item, ("edition", "code", "title", "summary", "social_media_meaning"), where
        )
        code = str(item["code"])
        edition = editions.get(item["edition"])
        if edition is None:
            raise GuidanceContentError(f"{where}: unknown edition {item['edition']!r}.")
        if (edition.code, code) in seen_sections:
            raise GuidanceContentError(f"{where}: section {code} appears twice.")
        seen_sections.add((edition.code, code))
        _upsert(
            CodeSection,
            {"edition": edition, "code": code},
            {
                "title": item["title"],
                "summary": item["summary"],
                "social_media_meaning": item["social_media_meaning"],
                "points": list(item.get("points") or []),
                "examples": list(item.get("examples") or []),
                "named_in_guidance": bool(item.get("named_in_guidance", True)),
                "origin": Origin.CONTENT,
                "is_active": True,
            },
            report,
        )

    codes = []
    for index, item in enumerate(data["platform_categories"]):
        item = _require(item, ("code", "name", "description"), f"platform_categories[{index}]")
        codes.append(item["code"])
        _upsert(
            PlatformCategory,
            {"code": item["code"]},
            {
                "name": item["name"],
                "examples": item.get("examples", ""),
                "description": item["description"],
                "order": (index + 1) * 10,
                "origin": Origin.CONTENT,
                "is_active": True,
            },
            report,
        )

    definition_codes = []
    for index, item in enumerate(data["definitions"]):
        item = _require(item, ("code", "term", "text"), f"definitions[{index}]")
        definition_codes.append(item["code"])
        _upsert(
            Definition,
            {"code": item["code"]},
            {"term": item["term"], "text": item["text"], "order": (index + 1) * 10},
            report,
        )

    stale_sections = [
        section.pk
        for section in CodeSection.objects.filter(origin=Origin.CONTENT).select_related("edition")
        if (section.edition.code, section.code) not in seen_sections
    ]
    _retire(CodeSection.objects.filter(pk__in=stale_sections), report)
    _retire(PlatformCategory.objects.filter(origin=Origin.CONTENT).exclude(code__in=codes), report)
    _retire(Definition.objects.exclude(code__in=definition_codes), report)
    return report
