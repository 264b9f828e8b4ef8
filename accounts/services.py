"""Writes to people and to an organisation's case-handling settings that leave an event."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from . import permissions
from .models import (
    BusinessUnit,
    Headcount,
    Organisation,
    Role,
    RoleGrant,
    User,
    pid_coordinator_problem,
    second_approver_problem,
)


def _organisation_name_person(
    *,
    organisation: Organisation,
    field: str,
    person: User | None,
    actor: User,
    problem_of: Callable[[Organisation, User | None], str | None],
    kind: str,
) -> Organisation:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if person is not None:
        person = User.objects.get(pk=person.pk)  # its organisation and roles, as saved
    problem = problem_of(locked, person)
    if problem:
        raise ValidationError({field: problem})
    before = getattr(locked, f"{field}_id")
    after = person.pk if person is not None else None
    setattr(organisation, field, person)
    if before == after:
        return organisation
    Organisation.objects.filter(pk=locked.pk).update(**{field: person})
    from audit.chain import record_event

    record_event(
        organisation_id=locked.pk,
        actor=actor,
        kind=kind,
        before={field: before},
        after={field: after},
    )
    return organisation


@transaction.atomic
def organisation_name_second_approver(
    *, organisation: Organisation, approver: User | None, actor: User
) -> Organisation:
    """Name (or, with None, remove) the organisation's second approver and record it.

    The database cannot say "a person of the same organisation holding an HR role", so
    the rule is checked here, on the locked row, whatever form or script calls this; the
    permission rules check it again each time the person acts.
    """
    from audit.models import EventKind

    return _organisation_name_person(
        organisation=organisation,
        field="second_approver",
        person=approver,
        actor=actor,
        problem_of=second_approver_problem,
        kind=EventKind.SECOND_APPROVER_CHANGED,
    )


@transaction.atomic
def organisation_name_pid_coordinator(
    *, organisation: Organisation, coordinator: User | None, actor: User
) -> Organisation:
    """Name (or remove) the coordinator of possible public interest disclosures: one of
    the organisation's own active HR staff, checked on the locked row, and recorded."""
    from audit.models import EventKind

    return _organisation_name_person(
        organisation=organisation,
        field="pid_coordinator",
        person=coordinator,
        actor=actor,
        problem_of=pid_coordinator_problem,
        kind=EventKind.PID_COORDINATOR_CHANGED,
    )


@transaction.atomic
def user_set_roles(
    *, person: User, roles: Iterable[str], actor: User | None, source: str = "admin"
) -> User:
    """Give `person` exactly `roles` and record the change in their organisation's events.

    With an actor (an administrator), the administration rules apply
    (accounts.permissions.role_change_problem). Without one, the change comes from the
    organisation's identity provider at sign-in (accounts.oidc), which has already
    mapped its groups to roles. Removing a role ends the person's sessions at their next
    request (User._get_session_auth_hash covers the roles).
    """
    wanted = {Role(role).value for role in roles}
    locked = User.objects.select_for_update().get(pk=person.pk)
    before = set(locked.role_grants.values_list("role", flat=True))
    if actor is not None:
        problem = permissions.role_change_problem(actor, locked, before, wanted)
        if problem:
            raise ValidationError({"roles": problem})
    if before == wanted:
        return person
    RoleGrant.objects.filter(user=locked, role__in=before - wanted).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=locked, role=role) for role in wanted - before])
    person.__dict__.pop("roles", None)
    if locked.organisation_id is not None:
        from audit.chain import record_event
        from audit.models import EventKind

        record_event(
            organisation_id=locked.organisation_id,
            actor=actor,
            kind=EventKind.ROLES_CHANGED,
            before={"person": locked.pk, "roles": sorted(before)},
            after={"person": locked.pk, "roles": sorted(wanted), "by": source},
        )
    return person


@transaction.atomic
def person_sign_in_through_provider(*, provider, claims) -> User:
    """The person the organisation's identity provider vouches for, created or updated.

    People are found by the provider's subject within the provider's organisation only,
    so nobody is ever moved between organisations; their name, email, position and
    business unit follow the claims, and the roles their groups map to replace the roles
    the provider manages (sector and installation roles stay as they are). A role the
    groups no longer give is removed, which ends the person's other sessions at their
    next request.
    """
    from .models import BusinessUnit
    from .oidc import MANAGED_ROLES, SignInRefused, mapped_roles

    organisation = provider.organisation
    person = (
        User.objects.select_for_update()
        .filter(organisation=organisation, sso_subject=claims.subject)
        .first()
    )
    if person is None:
        username = f"{organisation.short_name}.{claims.subject}"[:150]
        if User.objects.filter(username=username).exists():
            raise SignInRefused(
                "An account with your name at the sign-in service already exists here. "
                "Ask your administrator to link it."
            )
        person = User(username=username, organisation=organisation, sso_subject=claims.subject)
        person.set_unusable_password()
    elif not person.is_active:
        raise SignInRefused("Your account here is switched off. Ask your administrator.")
    person.first_name = claims.given_name[:150]
    person.last_name = claims.family_name[:150]
    person.email = claims.email[:254]
    person.position = claims.position[:200]
    if claims.business_unit:
        unit = BusinessUnit.objects.filter(
            organisation=organisation, is_active=True, name__iexact=claims.business_unit
        ).first()
        if unit is not None:
            person.business_unit = unit
    person.full_clean(exclude=["password"])
    person.save()
    kept = set(person.role_grants.values_list("role", flat=True)) - MANAGED_ROLES
    return user_set_roles(
        person=person,
        roles=kept | mapped_roles(provider, claims.groups),
        actor=None,
        source="identity provider",
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
