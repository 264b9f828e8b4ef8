"""Every rule about who may see or do what to a concern lives here.

Views fetch through `get_concern_for_user`, which answers 404 for a concern that
does not exist and for one the user may not see alike. Lists start from
`concerns_visible_to` / `hr_concerns`. Templates receive booleans computed here;
they never re-derive a rule.

Who sees a submitted concern's full record:
- HR managers of its organisation;
- HR investigators of its organisation, while it is unassigned or assigned to them;
- never someone with a conflict: its reporter (in an HR capacity), the employee
  concerned, anyone in the employee's reporting line, or anyone who stepped aside;
- a possible public interest disclosure (restricted) only to the organisation's
  designated coordinator, or to its HR managers when none is designated.
Reporters see their own concerns, status only once submitted. Executives and
administrators see no individual concern.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from audit.models import EventKind

from .models import Concern, ConflictDeclaration, Evidence, Person, Status, normalise_name

if TYPE_CHECKING:
    from .workflow import Transition

HR_ROLES = (Role.HR_MANAGER, Role.INVESTIGATOR)


def _in_org(user, concern: Concern) -> bool:
    return user.organisation_id is not None and user.organisation_id == concern.organisation_id


# --- Conflicts of interest -----------------------------------------------------------


def _conflict_sets(concern: Concern) -> tuple[frozenset[int], frozenset[int]]:
    """Who is in the employee's reporting line and who stepped aside: two queries, once."""
    cached = concern.__dict__.get("_conflict_sets")
    if cached is None:
        line = frozenset(
            Person.reporting_line.through.objects.filter(person_id=concern.subject_id).values_list(
                "user_id", flat=True
            )
            if concern.subject_id
            else ()
        )
        aside = frozenset(
            ConflictDeclaration.objects.filter(concern_id=concern.pk).values_list(
                "user_id", flat=True
            )
        )
        cached = concern.__dict__["_conflict_sets"] = (line, aside)
    return cached


def conflict_reason(user, concern: Concern) -> str | None:
    """Why this person may not handle this concern, or None."""
    if concern.reporter_id == user.pk:
        return "They logged the concern."
    subject: Person | None = concern.subject
    if subject is not None and (
        subject.user_id == user.pk
        or subject.normalised_name == normalise_name(user.get_full_name())
    ):
        return "The concern is about them."
    in_line, stepped_aside = _conflict_sets(concern)
    if user.pk in in_line:
        return "They are in the employee's reporting line."
    if user.pk in stepped_aside:
        return "They stepped aside from this concern."
    return None


def has_conflict(user, concern: Concern) -> bool:
    return conflict_reason(user, concern) is not None


def _conflicted_q(user) -> Q:
    """Concerns this user has a conflict on, as a filter (for lists).

    The few employee records and concerns concerned are read first (two small indexed
    queries) and the filter is written with their ids. As subqueries inside the list's
    query they cost little to run, but PostgreSQL cannot know that they exclude almost
    nothing: it guessed each excluded half the rows, expected a few thousand concerns
    where there were 46,000, and chose to hash every concern of the organisation
    (measured at 100,000 concerns). With the ids written out it estimates them from its
    statistics. Each way of being conflicted stays a separate indexed lookup: an OR
    across the reporting-line join read every employee record (measured at 1M concerns).
    """
    people = Q(user_id=user.pk)
    full_name = normalise_name(user.get_full_name())
    if full_name:
        people |= Q(organisation_id=user.organisation_id, normalised_name=full_name)
    as_employee = Person.objects.filter(people).values_list("pk", flat=True)
    in_line = Person.reporting_line.through.objects.filter(user_id=user.pk).values_list(
        "person_id", flat=True
    )
    subjects = sorted(set(as_employee.union(in_line, all=True)))
    stepped_aside = sorted(
        ConflictDeclaration.objects.filter(user_id=user.pk).values_list("concern_id", flat=True)
    )
    conflicted = Q(reporter_id=user.pk)
    if subjects:
        conflicted |= Q(subject_id__in=subjects)
    if stepped_aside:
        conflicted |= Q(pk__in=stepped_aside)
    return conflicted


# --- Restricted (possible public interest disclosure) ---------------------------------


def may_see_restricted(user, organisation) -> bool:
    if organisation.pid_coordinator_id is not None:
        return user.pk == organisation.pid_coordinator_id
    return user.has_role(Role.HR_MANAGER)


# --- Service identities --------------------------------------------------------------
# A service identity (an HR system, a BI tool) uses the API through a token that an HR
# manager made for it. Its request answers to that maker too: it sees a concern only if
# both the service identity and the maker may (so the maker's conflicts of interest and
# the restricted rule bind it), and nothing at all without a maker.


def is_service_identity(user) -> bool:
    return bool(getattr(user, "is_service_identity", False))


def _answers_to(user) -> tuple:
    """Whose rules a request of this user must pass: the user, and the token's maker
    for a service identity (an empty tuple when there is no maker: it sees nothing)."""
    if not is_service_identity(user):
        return (user,)
    maker = user.token_maker
    return (user, maker) if maker is not None else ()


# --- Rules over (user, concern) ----------------------------------------------------


def is_reporter_of(user, concern: Concern) -> bool:
    return user.is_authenticated and concern.reporter_id == user.pk


def is_hr_for(user, concern: Concern) -> bool:
    """May open the full record of this concern in an HR capacity."""
    people = _answers_to(user)
    return bool(people) and all(_is_hr_for(person, concern) for person in people)


def _is_hr_for(user, concern: Concern) -> bool:
    if not (user.is_authenticated and user.has_role(*HR_ROLES) and _in_org(user, concern)):
        return False
    if concern.status == Status.DRAFT:
        return False
    if concern.restricted:
        return may_see_restricted(user, concern.organisation) and not has_conflict(user, concern)
    if not user.has_role(Role.HR_MANAGER) and concern.assignee_id not in (None, user.pk):
        return False
    return not has_conflict(user, concern)


def is_case_manager(user, concern: Concern) -> bool:
    """An HR manager (or the coordinator, for a restricted concern) who may see it."""
    if concern.restricted:
        return is_hr_for(user, concern)
    return user.has_role(Role.HR_MANAGER) and is_hr_for(user, concern)


def can_log_concern(user) -> bool:
    return (
        user.is_authenticated and user.organisation_id is not None and user.has_role(Role.REPORTER)
    )


def can_view_concern(user, concern: Concern) -> bool:
    return is_reporter_of(user, concern) or is_hr_for(user, concern)


def can_view_case_record(user, concern: Concern) -> bool:
    """The full record (employee, evidence, notes, timeline). Reporters see status only."""
    return is_hr_for(user, concern)


def can_edit_draft(user, concern: Concern) -> bool:
    return (
        concern.status == Status.DRAFT and is_reporter_of(user, concern) and _in_org(user, concern)
    )


def can_download_evidence(user, evidence: Evidence) -> bool:
    concern = evidence.concern
    return can_view_case_record(user, concern) or can_edit_draft(user, concern)


def handles(user, concern: Concern) -> bool:
    """The assignee or a case manager; before investigation, any HR who may see it.

    An unassigned concern in the triage stage can be picked up from the queue by an
    investigator; from the investigation on, only its assignee and the managers act.
    """
    if concern.assignee_id == user.pk or is_case_manager(user, concern):
        return True
    return concern.assignee_id is None and concern.status in (Status.SUBMITTED, Status.TRIAGE)


def can_work_on(user, concern: Concern) -> bool:
    """Record triage, fairness steps and findings."""
    return concern.is_open and is_hr_for(user, concern) and handles(user, concern)


def can_add_note(user, concern: Concern) -> bool:
    return (
        concern.disposed_at is None
        and is_hr_for(user, concern)
        and (concern.assignee_id == user.pk or is_case_manager(user, concern))
    )


def get_person_for_export(user, pk) -> Person:
    """An employee's record, for an HR manager answering an access request; else 404/403.

    A person is reachable only through a submitted concern the requester may open: never
    through a reporter's unsubmitted draft, a restricted concern or a conflicted one. The
    rule is applied in the one query, so a person who exists but is out of reach costs
    what a missing id does.
    """
    if not can_see_hr_list(user):
        raise Http404("No such person.")
    reachable = hr_concerns(user).filter(subject_id=pk).values("subject_id")
    try:
        person = (
            Person.objects.select_related("organisation")
            .filter(organisation_id=user.organisation_id, pk__in=reachable)
            .get(pk=pk)
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None
    if not user.has_role(Role.HR_MANAGER) or person.user_id == user.pk:
        raise PermissionDenied("Access-request exports are made by HR managers.")
    return person


def person_concerns_for_export(user, person: Person) -> QuerySet[Concern]:
    """Every submitted concern about the person that this HR manager may see."""
    return hr_concerns(user).filter(subject=person)


def can_export_person(user, concern: Concern) -> bool:
    return (
        concern.subject_id is not None
        and user.has_role(Role.HR_MANAGER)
        and is_case_manager(user, concern)
    )


def can_view_access_log(user, concern: Concern) -> bool:
    """Who opened this concern and its files: for its case managers."""
    return is_case_manager(user, concern)


def can_assign(user, concern: Concern) -> bool:
    return concern.is_open and is_case_manager(user, concern)


def can_step_aside(user, concern: Concern) -> bool:
    return concern.is_open and concern.assignee_id == user.pk and is_hr_for(user, concern)


def can_flag_pid(user, concern: Concern) -> bool:
    return not concern.restricted and concern.is_open and is_case_manager(user, concern)


def can_edit_reporting_line(user, concern: Concern) -> bool:
    return concern.subject_id is not None and concern.is_open and is_case_manager(user, concern)


def assignment_conflict(candidate, concern: Concern) -> str | None:
    """Why `candidate` may not be given this concern, or None if they may."""
    if (
        candidate.organisation_id != concern.organisation_id
        or not candidate.has_role(*HR_ROLES)
        or is_service_identity(candidate)
    ):
        return f"{candidate.display_name} is not HR staff of this organisation."
    if not candidate.is_active:
        return f"{candidate.display_name}'s account is not active."
    reason = conflict_reason(candidate, concern)
    if reason:
        return f"{candidate.display_name} has a conflict of interest: {reason}"
    if concern.restricted and not may_see_restricted(candidate, concern.organisation):
        return "This concern is restricted to the public interest disclosure coordinator."
    return None


def can_apply_transition(user, concern: Concern, rule: Transition) -> bool:
    if not user.is_authenticated or not _in_org(user, concern):
        return False
    if concern.disposed_at is not None:  # only de-identified figures remain
        return False
    if not user.has_role(*rule.roles):
        return False
    if rule.actor == "author":
        return is_reporter_of(user, concern)
    if not is_hr_for(user, concern):
        return False
    if rule.actor == "manager":
        return is_case_manager(user, concern)
    allowed = (
        is_case_manager(user, concern) if rule.actor == "decision_maker" else handles(user, concern)
    )
    return allowed and outcome_refusal(user, concern, rule) is None


def outcome_refusal(user, concern: Concern, rule: Transition) -> str | None:
    """Why this person may not give the concern its outcome with `rule`, or None: approving
    the decision, or dismissing a reopened concern that was investigated. A service token
    answers to its maker here too."""
    if not (rule.actor == "decision_maker" or ends_investigated_case(rule, concern)):
        return None
    for person in _answers_to(user):
        reason = decision_refusal(person, concern)
        if reason:
            return reason
    return None


def ends_investigated_case(rule: Transition, concern: Concern) -> bool:
    """The action gives a final outcome to a concern that has been investigated before
    (it was reopened and is back at triage): the approval rule applies to it."""
    from audit.models import Event

    if rule.name != "dismiss":
        return False
    cached = concern.__dict__.get("_was_investigated")
    if cached is None:
        cached = concern.__dict__["_was_investigated"] = Event.objects.filter(
            concern_id=concern.pk, kind=EventKind.STATUS_CHANGED, after__status=Status.INVESTIGATION
        ).exists()
    return cached


# Events that make a person part of a concern's investigation (read from the record, so
# reassigning the concern before the decision does not wash it away).
_INVESTIGATING = Q(kind__in=(EventKind.FINDINGS_RECORDED, EventKind.FAIRNESS_RECORDED)) | Q(
    kind=EventKind.STATUS_CHANGED, after__action="propose_decision"
)


def investigation_participants(concern: Concern) -> frozenset[int]:
    """Everyone who was ever its investigator (assigned to it), recorded fairness steps or
    findings, or sent it for decision, at any point in its history: one query, once."""
    from audit.models import Event

    cached = concern.__dict__.get("_investigation_participants")
    if cached is None:
        ids: set[int] = {concern.assignee_id} if concern.assignee_id else set()
        rows = Event.objects.filter(
            Q(concern_id=concern.pk) & (_INVESTIGATING | Q(kind=EventKind.ASSIGNED))
        ).values_list("kind", "actor_id", "after")
        for kind, actor_id, after in rows:
            person = (after or {}).get("assignee") if kind == "assigned" else actor_id
            if isinstance(person, int):
                ids.add(person)
        cached = concern.__dict__["_investigation_participants"] = frozenset(ids)
    return cached


def decision_refusal(user, concern: Concern) -> str | None:
    """Why this person may not approve the decision on this concern, or None.

    Where the organisation keeps the decision apart from the investigation (the
    default), nobody who took part in the investigation approves its outcome.
    """
    if not concern.organisation.decision_maker_must_differ:
        return None
    participants = investigation_participants(concern)
    if user.pk in participants or _made_tokens_for_any(user, participants):
        return (
            "You took part in this investigation (as its investigator, or by recording its "
            "fairness steps, findings or the proposed decision, yourself or through a "
            "system's token you made), so another HR manager must approve it."
        )
    return None


def _made_tokens_for_any(user, people: frozenset[int]) -> bool:
    """This person made a token for one of these (a service identity acting for them)."""
    from api.models import ApiToken

    others = people - {user.pk}
    return (
        bool(others) and ApiToken.objects.filter(created_by_id=user.pk, user_id__in=others).exists()
    )


# --- Querysets -----------------------------------------------------------------------


def can_see_hr_list(user) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.has_role(*HR_ROLES)


def hr_concerns(user) -> QuerySet[Concern]:
    """Concerns the user may open in an HR capacity (the queryset twin of is_hr_for)."""
    people = _answers_to(user)
    if not people or not all(can_see_hr_list(person) for person in people):
        return Concern.objects.none()
    concerns = Concern.objects.all()
    for person in people:
        concerns = concerns.filter(_hr_visible_q(person)).exclude(_conflicted_q(person))
    return concerns


def _hr_visible_q(user) -> Q:
    visible = Q(organisation_id=user.organisation_id) & ~Q(status=Status.DRAFT)
    sees_restricted = may_see_restricted(user, user.organisation)
    if user.has_role(Role.HR_MANAGER):
        if not sees_restricted:
            visible &= Q(restricted=False)
    else:
        normal = Q(restricted=False) & (Q(assignee__isnull=True) | Q(assignee_id=user.pk))
        visible &= (normal | Q(restricted=True)) if sees_restricted else normal
    return visible


def reported_by(user) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(reporter=user) if user.is_authenticated else Concern.objects.none()
    )


def concerns_visible_to(user) -> QuerySet[Concern]:
    """Every concern the user may open, for lists and searches."""
    if not user.is_authenticated:
        return Concern.objects.none()
    return Concern.objects.filter(Q(pk__in=reported_by(user)) | Q(pk__in=hr_concerns(user)))


def case_managers_for(concern: Concern) -> QuerySet:
    """Who hears about a concern as its managers: the coordinator for a restricted one."""
    User = get_user_model()
    organisation = concern.organisation
    if concern.restricted and organisation.pid_coordinator_id is not None:
        return User.objects.filter(pk=organisation.pid_coordinator_id, is_active=True)
    managers = User.objects.filter(
        organisation_id=concern.organisation_id,
        is_active=True,
        is_service_identity=False,
        role_grants__role=Role.HR_MANAGER,
    ).distinct()
    return managers.exclude(pk=concern.reporter_id)


def hr_staff(organisation_id: int) -> QuerySet:
    """Active HR investigators and managers of an organisation (people, not systems)."""
    User = get_user_model()
    return (
        User.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            is_service_identity=False,
            role_grants__role__in=HR_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def assignable_staff(concern: Concern) -> list:
    """HR staff of the organisation who may be given this concern."""
    staff = hr_staff(concern.organisation_id).prefetch_related("role_grants")
    return [person for person in staff if assignment_conflict(person, concern) is None]


def get_case_record_for_user(user, pk) -> Concern:
    """A concern whose full record this person may see (HR); 404 for anyone else."""
    concern = get_concern_for_user(user, pk)
    if not can_view_case_record(user, concern):
        raise Http404("No such concern.")
    return concern


def can_bulk_assign(user) -> bool:
    """Assign several concerns at once from the queue: HR managers only."""
    return can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


# --- Getters -------------------------------------------------------------------------


def _getter_scope(user, pk, *, for_write: bool) -> Q:
    """The getters' rule as a filter on one concern id (the queryset twin of
    can_view_concern / can_edit_draft), so a concern the user may not see and one that
    does not exist cost the same: the same queries, each answering no row."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(reporter_id=user.pk, organisation_id=user.organisation_id)
    if for_write:
        return own & Q(status=Status.DRAFT)
    return Q(reporter_id=user.pk) | Q(pk__in=hr_concerns(user).filter(pk=pk).values("pk"))


def get_concern_for_user(user, pk, *, for_write: bool = False) -> Concern:
    """The concern, if this user may see it (or edit its draft, with for_write); else 404.

    Missing and forbidden look alike, in the answer and in the work done: the rule is
    applied in the one query, then checked again on the row found.
    """
    try:
        concern = (
            Concern.objects.select_related("organisation", "subject")
            .filter(_getter_scope(user, pk, for_write=for_write))
            .get(pk=pk)
        )
    except (Concern.DoesNotExist, ValueError, TypeError):
        raise Http404("No such concern.") from None
    allowed = can_edit_draft(user, concern) if for_write else can_view_concern(user, concern)
    if not allowed:
        raise Http404("No such concern.")
    return concern


def get_evidence_for_user(user, concern_pk, evidence_pk) -> Evidence:
    """A file of a concern the user may see in full (or of their own draft); else 404, with
    the same work for a file that does not exist and one they may not open."""
    if not user.is_authenticated:
        raise Http404("No such file.")
    # The twin of can_download_evidence: HR who see the full record, or the draft's author.
    scope = Q(pk__in=hr_concerns(user).filter(pk=concern_pk).values("pk")) | _getter_scope(
        user, concern_pk, for_write=True
    )
    try:
        evidence = Evidence.objects.select_related(
            "concern", "concern__organisation", "concern__subject"
        ).get(
            pk=evidence_pk,
            concern_id=concern_pk,
            concern__in=Concern.objects.filter(scope, pk=concern_pk).values("pk"),
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None
    if not can_download_evidence(user, evidence):
        raise Http404("No such file.")
    return evidence


# --- Reports -------------------------------------------------------------------------

REPORT_ROLES = (Role.EXECUTIVE, Role.HR_MANAGER, Role.SECTOR_ANALYST)


def can_view_reports(user) -> bool:
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
    """HR managers may follow a number to their organisation's concern list; executives never."""
    return user.is_authenticated and user.has_role(Role.HR_MANAGER) and can_see_hr_list(user)


# --- Records retention and disposal ---------------------------------------------------


def can_manage_records(user) -> bool:
    """The disposal list and the disposal register: HR managers of an organisation."""
    return can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


def records_concerns(user) -> QuerySet[Concern]:
    """Concerns whose retention this HR manager handles (the queryset twin of the rules
    below: a restricted concern only for the coordinator, never with a conflict)."""
    return hr_concerns(user) if can_manage_records(user) else Concern.objects.none()


def can_view_retention(user, concern: Concern) -> bool:
    return can_manage_records(user) and is_case_manager(user, concern)


def can_place_legal_hold(user, concern: Concern) -> bool:
    """HR managers who handle the concern; never once it has been disposed of."""
    return concern.disposed_at is None and can_view_retention(user, concern)


def can_approve_disposal(user, concern: Concern) -> bool:
    return concern.disposed_at is None and can_view_retention(user, concern)


# --- Spreadsheet imports ----------------------------------------------------------------


def can_import(user) -> bool:
    """Bring in past concerns from a spreadsheet: HR managers, into their own organisation."""
    return can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


def can_confirm_import(user, batch) -> bool:
    """The person who uploaded the file confirms it: they saw what it would do."""
    return can_import(user) and batch.uploaded_by_id == user.pk


def imports_visible_to(user) -> QuerySet:
    from imports.models import ImportBatch

    if not can_import(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(organisation_id=user.organisation_id)


def get_import_batch_for_user(user, pk):
    """The import batch, if this user may see it; else 404, the same as a missing one."""
    from imports.models import ImportBatch

    try:
        return (
            imports_visible_to(user)
            .select_related("organisation", "uploaded_by", "confirmed_by")
            .get(pk=pk)
        )
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import.") from None


# --- API tokens -----------------------------------------------------------------------
# A token never carries more than its maker may do:
# - a personal token is always for the person who makes it, and acts as them;
# - a service token acts as a service identity (made by an administrator, with its own
#   roles) and is made by an HR manager of the same organisation who holds every role the
#   identity has. It works only while that stays true (checked at each request, below),
#   and its requests see only what both the identity and the maker may see.
# Administrators define service identities but never make their tokens.
# HR managers also see and revoke the tokens of their organisation.


def is_token_manager(actor) -> bool:
    return (
        actor.is_authenticated
        and actor.organisation_id is not None
        and actor.has_role(Role.HR_MANAGER)
        and not is_service_identity(actor)
    )


def can_hold_token(user) -> bool:
    """May make (and hold) personal tokens: a person of an organisation."""
    return (
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and not is_service_identity(user)
    )


def can_make_service_token(actor, service) -> bool:
    return (
        is_token_manager(actor)
        and actor.is_active
        and not actor.is_superuser
        and not actor.has_role(Role.ADMINISTRATOR)
        and is_service_identity(service)
        and service.is_active
        and service.organisation_id == actor.organisation_id
        and service.roles <= actor.roles
    )


def can_create_token_for(actor, user) -> bool:
    if is_service_identity(user):
        return can_make_service_token(actor, user)
    return can_hold_token(actor) and actor.pk == user.pk


def token_in_force(token) -> bool:
    """Whether a token that is neither expired nor revoked may still answer a request.

    A personal token works only for the person who made it (tokens once made by HR
    managers for other people never work); a service token only while its maker may
    still make it: active, in the identity's organisation, holding its roles.
    """
    holder, maker = token.user, token.created_by
    if maker is None or not holder.is_active:
        return False
    if is_service_identity(holder):
        return can_make_service_token(maker, holder)
    return maker.pk == holder.pk and can_hold_token(holder)


def service_identities_for(actor) -> QuerySet:
    """The service identities this HR manager may make tokens for."""
    from accounts.models import ServiceIdentity

    if not is_token_manager(actor) or actor.is_superuser or actor.has_role(Role.ADMINISTRATOR):
        return ServiceIdentity.objects.none()
    missing = set(Role.values) - set(actor.roles)
    return (
        ServiceIdentity.objects.filter(organisation_id=actor.organisation_id, is_active=True)
        .exclude(role_grants__role__in=missing)
        .order_by("first_name", "username")
    )


def tokens_visible_to(actor) -> QuerySet:
    from api.models import ApiToken

    if not can_hold_token(actor):
        return ApiToken.objects.none()
    mine = Q(user_id=actor.pk)
    if is_token_manager(actor):
        mine |= Q(user__organisation_id=actor.organisation_id)
    return ApiToken.objects.filter(mine).select_related("user", "created_by", "revoked_by")


def get_token_for_user(actor, pk):
    from api.models import ApiToken

    try:
        return tokens_visible_to(actor).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("No such token.") from None
