"""Writes to an organisation's case-handling settings that leave an event."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    BusinessUnit,
    Headcount,
    Organisation,
    User,
    second_approver_problem,
)


@transaction.atomic
def organisation_name_second_approver(
    *, organisation: Organisation, approver: User | None, actor: User
) -> Organisation:
    """Name (or, with None, remove) the organisation's second approver and record it.

    The database cannot say "a person of the same organisation holding an HR role", so
    the rule is checked here, on the locked row, whatever form or script calls this; the
    permission rules check it again each time the person acts.
    """
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if approver is not None:
        approver = User.objects.get(pk=approver.pk)  # its organisation and roles, as saved
    problem = second_approver_problem(locked, approver)
    if problem:
        raise ValidationError({"second_approver": problem})
    before = locked.second_approver_id
    after = approver.pk if approver is not None else None
    organisation.second_approver = approver
    if before == after:
        return organisation
    Organisation.objects.filter(pk=locked.pk).update(second_approver=approver)
    from audit.chain import record_event
    from audit.models import EventKind

    record_event(
        organisation_id=locked.pk,
        actor=actor,
        kind=EventKind.SECOND_APPROVER_CHANGED,
        before={"second_approver": before},
        after={"second_approver": after},
    )
    return organisation


# --- Headcount (the dashboard's concerns per 100 staff) ---------------------------------

HEADCOUNT_COLUMNS = ("business_unit", "month", "staff")


@dataclass(frozen=True)
class HeadcountRow:
    business_unit: str
    month: dt.date
    staff: int


def _headcount_month(text: str) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    raise ValueError(f'"{text}" is not a month (write 2026-03)')


def headcount_parse(text: str) -> list[HeadcountRow]:
    """Rows of an HR system's CSV: a header naming business_unit, month (2026-03) and
    staff, then one line per unit and month. Every problem is reported with its line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {name.strip().lower() for name in reader.fieldnames or ()}
    missing = [name for name in HEADCOUNT_COLUMNS if name not in header]
    if missing:
        raise ValidationError(f"The file has no column {', '.join(missing)}.")
    rows, problems = [], []
    for line, raw in enumerate(reader, start=2):
        record = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        try:
            staff = int(record["staff"])
            if staff < 1:
                raise ValueError("staff must be at least 1")
            rows.append(
                HeadcountRow(record["business_unit"], _headcount_month(record["month"]), staff)
            )
        except ValueError as error:
            problems.append(f"Line {line}: {error}.")
    if problems:
        raise ValidationError(problems)
    return rows


@transaction.atomic
def headcount_import(*, organisation: Organisation, rows: list[HeadcountRow], actor=None) -> int:
    """Record each unit's headcount for each month (replacing what was recorded for that
    unit and month), all or nothing, with one event. Returns the rows written."""
    from audit.chain import record_event
    from audit.models import EventKind

    units = dict(BusinessUnit.objects.filter(organisation=organisation).values_list("name", "pk"))
    unknown = sorted({row.business_unit for row in rows if row.business_unit not in units})
    if unknown:
        raise ValidationError(f"No business unit named {', '.join(unknown)} in {organisation}.")
    for row in rows:
        record = Headcount(
            organisation=organisation,
            business_unit_id=units[row.business_unit],
            month=row.month,
            staff=row.staff,
        )
        record.full_clean(validate_unique=False)
        Headcount.objects.update_or_create(
            business_unit_id=record.business_unit_id,
            month=row.month,
            defaults={"organisation": organisation, "staff": row.staff},
        )
    record_event(
        organisation_id=organisation.pk,
        actor=actor,
        kind=EventKind.HEADCOUNT_RECORDED,
        after={"rows": len(rows), "months": sorted({row.month.isoformat() for row in rows})},
    )
    return len(rows)


@transaction.atomic
def headcount_save(*, headcount: Headcount, actor=None) -> Headcount:
    """One headcount entered by an administrator, with its event."""
    from audit.chain import record_event
    from audit.models import EventKind

    headcount.full_clean()
    headcount.save()
    record_event(
        organisation_id=headcount.organisation_id,
        actor=actor,
        kind=EventKind.HEADCOUNT_RECORDED,
        after={
            "business_unit": headcount.business_unit_id,
            "month": headcount.month.isoformat(),
            "staff": headcount.staff,
        },
    )
    return headcount
