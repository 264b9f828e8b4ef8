"""Who handles retention and disposal: the disposal list and register, legal holds.

Records work is for HR managers of an organisation, and on one concern only for those
who manage it (`incidents.permissions.is_case_manager`: never with a conflict of
interest; a restricted concern only for the coordinator). Which concerns exist for them
at all is still the concern rules' answer (`incidents.permissions.hr_concerns`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role
from incidents.models import Concern
from incidents.permissions import can_see_hr_list, hr_concerns, is_case_manager


def can_manage_records(user) -> bool:
    """The disposal list and the disposal register: HR managers of an organisation."""
    return can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


def records_concerns(user) -> QuerySet[Concern]:
    """Concerns whose retention this HR manager handles (the queryset twin of
    can_view_retention: a restricted concern only for the coordinator, never with a
    conflict)."""
    return hr_concerns(user) if can_manage_records(user) else Concern.objects.none()


def can_view_retention(user, concern: Concern) -> bool:
    """The records panel on the concern's page: an HR manager who manages the concern."""
    return can_manage_records(user) and is_case_manager(user, concern)


def can_place_legal_hold(user, concern: Concern) -> bool:
    """Place or release a legal hold: HR managers who manage the concern, never once it
    has been disposed of. Today the same people as can_approve_disposal; kept apart
    because a hold and a disposal are different decisions."""
    return concern.disposed_at is None and can_view_retention(user, concern)


def can_approve_disposal(user, concern: Concern) -> bool:
    """Approve the disposal of a listed concern: HR managers who manage it, never once it
    has been disposed of. Today the same people as can_place_legal_hold."""
    return concern.disposed_at is None and can_view_retention(user, concern)
