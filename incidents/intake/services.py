"""Writes. Each service is atomic, leaves an event, and takes keyword arguments only."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation
from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused
from guidance.models import CodeSection, PlatformCategory
from incidents import workflow
from incidents.evidence.checks import check_upload, derive_image
from incidents.models import (
    Concern,
    ConcernLink,
    Evidence,
    Person,
    ReferenceCounter,
    ReportedSection,
    Status,
    normalise_name,
)


@dataclass
class ConcernData:
    """What the reporter filled in on the intake form."""

    occurred_on: dt.date | None = None
    description: str = ""
    platform_category: PlatformCategory | None = None
    platform_name: str = ""
    use_context: str = "unclear"
    context_answers: dict[str, str] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    subject_name: str = ""
    subject_position: str = ""
    subject_business_unit: BusinessUnit | None = None
    subject_not_known: bool = False
    sections: list[CodeSection] = field(default_factory=list)
    possible_pid: str = "no"


SIMPLE_FIELDS = (
    "occurred_on",
    "description",
    "platform_name",
    "use_context",
    "context_answers",
    "subject_not_known",
    "possible_pid",
)


def normalise_url(url: str) -> str:
    """Compare links loosely: case-insensitive host, no fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/").casefold()


def _snapshot(concern: Concern) -> dict:
    return {
        "occurred_on": concern.occurred_on.isoformat() if concern.occurred_on else None,
        "description": concern.description,
        "platform_category": concern.platform_category_id,
        "platform_name": concern.platform_name,
        "use_context": concern.use_context,
        "context_answers": concern.context_answers,
        "subject": concern.subject_id,
        "subject_not_known": concern.subject_not_known,
        "business_unit": concern.business_unit_id,
        "possible_pid": concern.possible_pid,
        "sections": sorted(
            ReportedSection.objects.filter(concern=concern).values_list("section__code", flat=True)
        )
        if concern.pk
        else [],
        "links": list(concern.links.values_list("url", flat=True)) if concern.pk else [],
    }


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def person_for(
    *, organisation: Organisation, name: str, position: str, business_unit: BusinessUnit | None
) -> Person:
    """Find the organisation's record of this employee, or create one.

    Matching is on the normalised name (and business unit where both are known), so a
    later concern about the same person joins the same record.
    """
    candidates = Person.objects.filter(
        organisation=organisation, normalised_name=normalise_name(name)
    )
    if business_unit is not None:
        candidates = candidates.filter(business_unit__in=[business_unit.pk, None])
    person = candidates.order_by("pk").first()
    if person is None:
        return Person.objects.create(
            organisation=organisation,
            full_name=name.strip(),
            position=position.strip(),
            business_unit=business_unit,
        )
    changed = []
    if position.strip() and not person.position:
        person.position = position.strip()
        changed.append("position")
    if business_unit is not None and person.business_unit_id is None:
        person.business_unit = business_unit
        changed.append("business_unit")
    if changed:
        person.save(update_fields=changed)
    return person


def _apply(concern: Concern, data: ConcernData) -> None:
    for name in SIMPLE_FIELDS:
        setattr(concern, name, getattr(data, name))
    concern.platform_category = data.platform_category
    if data.subject_not_known or not data.subject_name.strip():
        concern.subject = None
        concern.subject_not_known = data.subject_not_known
    else:
        concern.subject = person_for(
            organisation=concern.organisation,
            name=data.subject_name,
            position=data.subject_position,
            business_unit=data.subject_business_unit,
        )
    concern.business_unit = data.subject_business_unit or concern.reporter.business_unit
    if data.sections:
        concern.code_edition_id = data.sections[0].edition_id


def _replace_related(concern: Concern, data: ConcernData) -> None:
    ReportedSection.objects.filter(concern=concern).exclude(section__in=data.sections).delete()
    existing = set(
        ReportedSection.objects.filter(concern=concern).values_list("section_id", flat=True)
    )
    ReportedSection.objects.bulk_create(
        ReportedSection(concern=concern, section=section)
        for section in data.sections
        if section.pk not in existing
    )
    concern.links.all().delete()
    ConcernLink.objects.bulk_create(
        ConcernLink(concern=concern, url=url, normalised_url=normalise_url(url))
        for url in dict.fromkeys(data.links)
    )


def concern_create_draft(
    *,
    reporter,
    data: ConcernData,
    at: dt.datetime | None = None,
    intake_token: uuid.UUID | None = None,
) -> Concern:
    """Save a new draft. The same intake form saved twice (a double click, a resend)
    gives back the draft it already made instead of a second one."""
    if intake_token is not None:
        existing = Concern.objects.filter(reporter=reporter, intake_token=intake_token).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return _create_draft(reporter=reporter, data=data, at=at, intake_token=intake_token)
    except IntegrityError:
        if intake_token is None:
            raise
        # The other click won the race: use its draft.
        return Concern.objects.get(reporter=reporter, intake_token=intake_token)


def _create_draft(*, reporter, data: ConcernData, at, intake_token) -> Concern:
    concern = Concern(
        organisation=reporter.organisation,
        reporter=reporter,
        created_at=at or timezone.now(),
        intake_token=intake_token,
    )
    _apply(concern, data)
    concern.full_clean(exclude=["reference", "intake_token"])
    concern.save()
    _replace_related(concern, data)
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=reporter,
        kind=EventKind.CREATED,
        at=concern.created_at,
        after=_snapshot(concern),
    )
    return concern


@transaction.atomic
def concern_update_draft(
    *, concern: Concern, actor, data: ConcernData, expected_version: int
) -> Concern:
    """Save the reporter's edits, unless someone saved a newer version first."""
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.version != expected_version or locked.status != Status.DRAFT:
        raise Refused(
            "This draft was changed in another window or tab after you opened it. "
            "Your text is still below: compare it with the latest version, then save again."
        )
    before = _snapshot(locked)
    _apply(locked, data)
    locked.full_clean(exclude=["reference"])
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    _replace_related(locked, data)
    before, after = _changes(before, _snapshot(locked))
    if after:
        record_event(
            organisation_id=locked.organisation_id,
            concern=locked,
            actor=actor,
            kind=EventKind.UPDATED,
            before=before,
            after=after,
        )
    return locked


def next_reference(*, organisation: Organisation, year: int) -> str:
    """Issue the next number for this organisation and year. Call inside a transaction.

    The counter row is locked for the rest of the transaction, so concurrent
    submissions queue on it and never share a number.
    """
    last = _counter_step(organisation.pk, year)
    if last is None:  # the year's first: make the row (once, whoever races), then step it
        ReferenceCounter.objects.bulk_create(
            [ReferenceCounter(organisation=organisation, year=year)], ignore_conflicts=True
        )
        last = _counter_step(organisation.pk, year)
    return f"SMC-{year}-{last:05d}"


def _counter_step(organisation_id: int, year: int) -> int | None:
    """Move the counter on by one and read its new value, in one statement: the UPDATE
    locks the row until the transaction ends, as SELECT ... FOR UPDATE did, in one
    query instead of two. None when the year has no row yet."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "incidents_referencecounter" SET "last" = "last" + 1 '
            'WHERE "organisation_id" = %s AND "year" = %s RETURNING "last"',
            [organisation_id, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def concern_submit(
    *,
    concern: Concern,
    actor,
    expected_version: int,
    at: dt.datetime | None = None,
    imported: bool = False,
    locked: bool = False,
) -> Concern:
    """Submit a draft: the workflow checks it is complete and moves it to Submitted, which
    gives it a reference, restricts a possible disclosure and tells HR
    (`workflow.ON_ENTER`). Atomic.

    `at` backdates the submission (demo data and imports of past concerns); an
    `imported` concern reaches HR today (see `workflow.transition`). `locked` says the
    caller read `concern` with its organisation inside its own transaction, its row
    locked (`get_concern_for_user(..., lock=True)`): the submission is part of that
    transaction, with no savepoint or second read of its own. Otherwise it is read and
    locked here, in a transaction (or a savepoint) of its own.
    """
    if locked:
        if not transaction.get_connection().in_atomic_block:
            raise ValueError("A locked concern is submitted inside the transaction that locked it.")
        return _submit(concern, actor, expected_version, at, imported)
    with transaction.atomic():
        concern = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=concern.pk)
        )
        return _submit(concern, actor, expected_version, at, imported)


def _submit(concern: Concern, actor, expected_version: int, at, imported: bool) -> Concern:
    return workflow.transition(
        concern=concern,
        action="submit",
        actor=actor,
        expected_version=expected_version,
        at=at or timezone.now(),
        imported=imported,
    )


@transaction.atomic
def evidence_add(
    *,
    concern: Concern,
    actor,
    upload: UploadedFile,
    captured_url: str = "",
    captured_at: dt.datetime | None = None,
    post_deleted: str = "unsure",
    private_account: bool = False,
    relevance: str = "",
) -> Evidence:
    """Attach a checked file. `private_account` and `relevance`: the reporter said it comes
    from the employee's private account (or the concern is about private use), and why it
    is relevant; kept with the file and shown to HR beside it."""
    checked = check_upload(upload)
    evidence = Evidence(
        concern=concern,
        original_name=(upload.name or "evidence")[-255:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        captured_url=captured_url,
        captured_at=captured_at,
        post_deleted=post_deleted,
        private_account=private_account,
        relevance=relevance if private_account else "",
        uploaded_by=actor,
    )
    evidence.file.save("upload", upload, save=False)
    derived = derive_image(upload, checked.content_type)
    if derived is not None:
        evidence.derived.save("derived", ContentFile(derived), save=False)
    evidence.save()
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=actor,
        kind=EventKind.EVIDENCE_ADDED,
        after={
            "evidence": evidence.pk,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "size": evidence.size,
        },
    )
    return evidence
