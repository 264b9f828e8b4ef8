"""Every rule about who may see or do what to a concern lives here.

Views fetch through `get_concern_for_user`, which answers 404 for a concern that
does not exist and for one the user may not see alike. Lists start from
`concerns_visible_to`. Templates receive booleans computed here; they never
re-derive a rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role

from .models import Concern, Evidence, Status

if TYPE_CHECKING:
    from .workflow import Transition

HR_ROLES = (Role.HR_MANAGER, Role.INVESTIGATOR)


def _in_org(user, concern: Concern) -> bool:
    return user.organisation_id is not None and user.organisation_id == concern.organisation_id


def is_reporter_of(user, concern: Concern) -> bool:
    return user.is_authenticated and concern.reporter_id == user.pk


def is_hr_for(user, concern: Concern) -> bool:
    """HR staff of the concern's organisation, for a concern past the draft stage."""
    return (
        user.is_authenticated
        and user.has_role(*HR_ROLES)
        and _in_org(user, concern)
        and concern.status != Status.DRAFT
    )


def can_log_concern(user) -> bool:
    return (
        user.is_authenticated and user.organisation_id is not None and user.has_role(Role.REPORTER)
    )


def can_view_concern(user, concern: Concern) -> bool:
    return is_reporter_of(user, concern) or is_hr_for(user, concern)


def can_view_case_record(user, concern: Concern) -> bool:
    """The full record (employee, evidence, HR's working). Reporters see status only."""
    return is_hr_for(user, concern)


def can_edit_draft(user, concern: Concern) -> bool:
    return (
        concern.status == Status.DRAFT and is_reporter_of(user, concern) and _in_org(user, concern)
    )


def can_add_evidence(user, concern: Concern) -> bool:
    return can_edit_draft(user, concern)


def can_download_evidence(user, evidence: Evidence) -> bool:
    concern = evidence.concern
    return can_view_case_record(user, concern) or can_edit_draft(user, concern)


def can_apply_transition(user, concern: Concern, rule: Transition) -> bool:
    if not user.is_authenticated or not _in_org(user, concern):
        return False
    if not user.has_role(*rule.roles):
        return False
    if rule.source == Status.DRAFT:
        # Only the person who wrote a draft may submit it.
        return is_reporter_of(user, concern)
    return is_hr_for(user, concern)


def can_see_hr_list(user) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.has_role(*HR_ROLES)


def concerns_visible_to(user) -> QuerySet[Concern]:
    """Every concern the user may open, for lists and searches."""
    if not user.is_authenticated:
        return Concern.objects.none()
    visible = Q(reporter=user)
    if can_see_hr_list(user):
        visible |= Q(organisation_id=user.organisation_id) & ~Q(status=Status.DRAFT)
    return Concern.objects.filter(visible)


def reported_by(user) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(reporter=user) if user.is_authenticated else Concern.objects.none()
    )


def hr_concerns(user) -> QuerySet[Concern]:
    if not can_see_hr_list(user):
        return Concern.objects.none()
    return Concern.objects.filter(organisation_id=user.organisation_id).exclude(status=Status.DRAFT)


def get_concern_for_user(user, pk, *, for_write: bool = False) -> Concern:
    """The concern, if this user may see it (or edit it, with for_write); else 404."""
    try:
        concern = Concern.objects.select_related("organisation").get(pk=pk)
    except (Concern.DoesNotExist, ValueError, TypeError):
        raise Http404("No such concern.") from None
    allowed = can_edit_draft(user, concern) if for_write else can_view_concern(user, concern)
    if not allowed:
        raise Http404("No such concern.")
    return concern


def get_evidence_for_user(user, concern_pk, evidence_pk) -> Evidence:
    try:
        evidence = Evidence.objects.select_related("concern").get(
            pk=evidence_pk, concern_id=concern_pk
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None
    if not can_download_evidence(user, evidence):
        raise Http404("No such file.")
    return evidence
