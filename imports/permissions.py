"""Who may import: HR managers of an organisation, and only into their own organisation.

The rules build on `incidents.permissions`, where every other rule lives. A batch
another organisation made, or one the user may not see, answers 404 like one that
does not exist.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import Role
from incidents import permissions as concern_permissions

from .models import ImportBatch


def can_import(user) -> bool:
    """HR managers of an organisation (the people who see all of its concerns)."""
    return concern_permissions.can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


def can_confirm(user, batch: ImportBatch) -> bool:
    """The person who uploaded the file confirms it: they saw what it would do."""
    return can_import(user) and batch.uploaded_by_id == user.pk


def imports_visible_to(user):
    if not can_import(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(organisation_id=user.organisation_id)


def get_batch_for_user(user, pk) -> ImportBatch:
    """The batch, if this user may see it; else 404, the same as for a missing one."""
    try:
        return (
            imports_visible_to(user)
            .select_related("organisation", "uploaded_by", "confirmed_by")
            .get(pk=pk)
        )
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import.") from None
