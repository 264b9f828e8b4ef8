"""Who sees the trend dashboards and their exports, and for which organisations.

Reports are aggregates only: no rule here opens an individual concern. The one way from
a figure to concerns (drill-through) leads to the HR work queue, whose own rules
(`incidents.permissions`) decide what it lists.
"""

from __future__ import annotations

from accounts.models import Role
from incidents.permissions import can_see_hr_list

REPORT_ROLES = (Role.EXECUTIVE, Role.HR_MANAGER, Role.SECTOR_ANALYST)


def can_view_reports(user) -> bool:
    """The dashboards and exports: executives, HR managers and sector analysts."""
    return user.is_authenticated and user.has_role(*REPORT_ROLES)


def is_sector_analyst(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SECTOR_ANALYST)


def report_organisations(user, requested: int | None = None) -> tuple[int, ...] | None:
    """Which organisations' aggregates the user may see: None means every organisation.

    A sector analyst sees the sector, or one organisation they pick; everyone else sees
    their own organisation only, whatever they ask for.
    """
    if is_sector_analyst(user):
        return (requested,) if requested else None
    return (user.organisation_id,)


def can_drill_through(user) -> bool:
    """HR managers of an organisation may follow a number to their organisation's concern
    list; executives and sector analysts never."""
    return can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


def can_filter_within(user) -> bool:
    """Whether the dashboard offers the business unit, Code section and platform filters.

    Only to those who may open the concerns behind a figure anyway (HR managers). For the
    roles that see counts only (executives, sector analysts) a narrower view could be
    subtracted from a wider one to work out a hidden count, so they narrow by whole months
    and organisation alone, which the suppression protects (`reporting.dashboard`)."""
    return can_drill_through(user)
