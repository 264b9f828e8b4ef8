"""Writes to an organisation's case-handling settings that leave an event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Organisation, User, second_approver_problem


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
