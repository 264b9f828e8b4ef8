"""Whose rules a request must pass: the rules every area's permission module builds on.

A service identity (an HR system, a BI tool) uses the API through a token that an HR
manager made for it. Its request answers to that maker too: every area's rules let it
see or do something only if both the service identity and the maker may (so the
maker's conflicts of interest and the restricted rule bind it), and nothing at all
without a maker.

This module imports nothing from the other apps, so each of their `permissions.py`
can import it without a cycle.
"""

from __future__ import annotations


def is_service_identity(user) -> bool:
    """An account for another system, not a person (an anonymous visitor is not one)."""
    return bool(getattr(user, "is_service_identity", False))


def answers_to(user) -> tuple:
    """Whose rules a request of this user must pass: the user, and the token's maker for
    a service identity (an empty tuple when there is no maker: it may do nothing)."""
    if not is_service_identity(user):
        return (user,)
    maker = user.token_maker
    return (user, maker) if maker is not None else ()


# --- Administration ------------------------------------------------------------------
# Two kinds of administrator. An organisation's administrator (Role.ADMINISTRATOR) keeps
# its own people, business units and settings and nothing of another organisation. An
# installation administrator (Role.INSTALLATION_ADMINISTRATOR, or a superuser made on the
# command line) keeps what the whole installation shares: organisations, identity
# providers, reference content, scheduled jobs.


def is_installation_administrator(user) -> bool:
    if not getattr(user, "is_active", False) or is_service_identity(user):
        return False
    from .models import Role

    return bool(user.is_superuser or user.has_role(Role.INSTALLATION_ADMINISTRATOR))


def administered_organisation_id(user) -> int | None:
    """The one organisation an organisation's administrator keeps (None for anyone else)."""
    from .models import Role

    if not getattr(user, "is_active", False) or is_service_identity(user):
        return None
    if user.organisation_id is None or not user.has_role(Role.ADMINISTRATOR):
        return None
    return user.organisation_id


def may_use_admin(user) -> bool:
    """The admin site is for staff who administer something."""
    return bool(
        getattr(user, "is_staff", False)
        and (is_installation_administrator(user) or administered_organisation_id(user))
    )


def may_administer_person(actor, person) -> bool:
    """An organisation's administrator keeps its people, but never an installation
    administrator or a superuser (who could otherwise be taken over by a password reset)."""
    from .models import Role

    if is_installation_administrator(actor):
        return True
    organisation_id = administered_organisation_id(actor)
    return bool(
        organisation_id is not None
        and person.organisation_id == organisation_id
        and not person.is_superuser
        and not person.has_role(Role.INSTALLATION_ADMINISTRATOR)
    )


def role_change_problem(actor, person, before: set[str], after: set[str]) -> str | None:
    """Why `actor` may not change `person`'s roles from `before` to `after`, or None."""
    from .models import CASE_HANDLING_ROLES, INSTALLATION_GRANTED_ROLES

    changed = before ^ after
    if not changed:
        return None
    if not may_administer_person(actor, person):
        return "You cannot change the roles of this person."
    if actor.pk == person.pk and not actor.is_superuser and (changed & CASE_HANDLING_ROLES):
        return "You cannot give yourself an HR role or take one away: ask another administrator."
    if (changed & INSTALLATION_GRANTED_ROLES) and not is_installation_administrator(actor):
        return "Only an installation administrator grants or removes that role."
    return None


def can_see_access_changes(user) -> bool:
    """Who may read the organisation's record of access changes (roles granted and
    removed, the coordinator and second approver named, service identities set up): its
    HR managers, the people who answer for who can open case records."""
    from .models import Role

    return bool(
        getattr(user, "is_authenticated", False)
        and not is_service_identity(user)
        and user.organisation_id is not None
        and user.has_role(Role.HR_MANAGER)
    )
