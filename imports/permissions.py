"""Who brings in past concerns from a spreadsheet, and who sees an import batch.

Imports are for HR managers, into their own organisation. A batch of another
organisation answers 404, the same as one that does not exist
(`get_import_batch_for_user`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from incidents.permissions import can_see_hr_list

from .models import ImportBatch


def can_import(user) -> bool:
    """Bring in past concerns from a spreadsheet: HR managers, into their own organisation."""
    return can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


def can_confirm_import(user, batch: ImportBatch) -> bool:
    """The person who uploaded the file confirms it: they saw what it would do."""
    return can_import(user) and batch.uploaded_by_id == user.pk


def imports_visible_to(user) -> QuerySet[ImportBatch]:
    """The import batches of the user's organisation, for those who may import."""
    if not can_import(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(organisation_id=user.organisation_id)


def get_import_batch_for_user(user, pk) -> ImportBatch:
    """The import batch, if this user may see it; else 404, the same as a missing one."""
    try:
        return (
            imports_visible_to(user)
            .select_related("organisation", "uploaded_by", "confirmed_by")
            .get(pk=pk)
        )
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import.") from None
