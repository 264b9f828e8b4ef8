"""Who may see or do what to a concern, its evidence and the employee it is about.

This module governs concerns (intake, casework and the workflow's actors), conflicts of
interest, the restriction of a possible public interest disclosure, evidence files and
their previews, the investigation's case documents, and the export of an employee's
record for an access request. Other areas keep their own rules and build on these:
retention and disposal in `records.permissions`, spreadsheet imports in
`imports.permissions`, reports in `reporting.permissions`, API tokens in
`api.permissions`, and whose rules a service identity's request must pass in
`accounts.permissions`. Nothing here imports those areas (reporting above all).

Views fetch through one getter per kind of object, which answers 404 for one that
does not exist and for one the user may not see alike: `get_concern_for_user`,
`get_evidence_for_user`, `get_evidence_for_preview`, `get_case_document_for_user`,
`get_person_for_export`. Lists start from
`concerns_visible_to`, `hr_concerns` or `reported_by`. Templates receive booleans
computed here; they never re-derive a rule.

Who sees a submitted concern's full record:
- HR managers of its organisation;
- HR investigators of its organisation, while it is unassigned or assigned to them;
- never someone with a conflict: its reporter (in an HR capacity), the employee
  concerned, anyone in the employee's reporting line, or anyone who stepped aside;
- a possible public interest disclosure (restricted) only to the organisation's
  designated coordinator, or to its HR managers when none is designated;
- the organisation's named second approver (HR staff), at the decision stage only,
  and never a restricted concern unless they are its coordinator.
Reporters see their own concerns, status only once submitted. Executives and
administrators see no individual concern.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet, Value
from django.http import Http404

from accounts.models import Role, with_roles
from accounts.permissions import answers_to, is_service_identity
from audit.models import EventKind

from .models import (
    CaseDocument,
    CaseFileJob,
    Concern,
    ConflictDeclaration,
    Evidence,
    Person,
    Status,
    normalise_name,
)
from .selectors import RECORD_LOADED, record_queryset

if TYPE_CHECKING:
    from .workflow import Transition

HR_ROLES = (Role.HR_MANAGER, Role.INVESTIGATOR)


def _in_org(user, concern: Concern) -> bool:
    return user.organisation_id is not None and user.organisation_id == concern.organisation_id


# --- Conflicts of interest -----------------------------------------------------------


_IN_LINE, _STEPPED_ASIDE = 0, 1


def _conflict_sets(concern: Concern) -> tuple[frozenset[int], frozenset[int]]:
    """Who is in the employee's reporting line and who stepped aside: one query, once."""
    cached = concern.__dict__.get("_conflict_sets")
    if cached is None:
        rows = ConflictDeclaration.objects.filter(concern_id=concern.pk).values_list(
            "user_id", Value(_STEPPED_ASIDE)
        )
        if concern.subject_id:
            line = Person.reporting_line.through.objects.filter(
                person_id=concern.subject_id
            ).values_list("user_id", Value(_IN_LINE))
            rows = line.union(rows, all=True)
        found = list(rows)
        cached = concern.__dict__["_conflict_sets"] = (
            frozenset(user for user, kind in found if kind == _IN_LINE),
            frozenset(user for user, kind in found if kind == _STEPPED_ASIDE),
        )
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


def _conflicted_q(user, *, lazy: bool = False) -> Q:
    """Concerns this user has a conflict on, as a filter (for lists).

    The few employee records and concerns concerned are read first (two small indexed
    queries) and the filter is written with their ids. As subqueries inside the list's
    query they cost little to run, but PostgreSQL cannot know that they exclude almost
    nothing: it guessed each excluded half the rows, expected a few thousand concerns
    where there were 46,000, and chose to hash every concern of the organisation
    (measured at 100,000 concerns). With the ids written out it estimates them from its
    statistics. Each way of being conflicted stays a separate indexed lookup: an OR
    across the reporting-line join read every employee record (measured at 1M concerns).

    With `lazy`, the same lookups stay subqueries inside the caller's query (no query of
    their own): for a query that looks at a handful of rows found another way (the
    related-concerns panel), where the estimate does not matter.
    """
    people = Q(user_id=user.pk)
    full_name = normalise_name(user.get_full_name())
    if full_name:
        people |= Q(organisation_id=user.organisation_id, normalised_name=full_name)
    as_employee = Person.objects.filter(people).values_list("pk", flat=True)
    in_line = Person.reporting_line.through.objects.filter(user_id=user.pk).values_list(
        "person_id", flat=True
    )
    stepped_aside_ids = ConflictDeclaration.objects.filter(user_id=user.pk).values_list(
        "concern_id", flat=True
    )
    if lazy:
        return (
            Q(reporter_id=user.pk)
            | Q(subject_id__in=as_employee)
            | Q(subject_id__in=in_line)
            | Q(pk__in=stepped_aside_ids)
        )
    subjects = sorted(set(as_employee.union(in_line, all=True)))
    stepped_aside = sorted(stepped_aside_ids)
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


# --- The named second approver ------------------------------------------------------


def is_second_approver(user, organisation) -> bool:
    """The organisation's named second approver, while they still qualify: an active
    person (never a system's account, so never through a token) of that same
    organisation holding an HR role there (accounts.models.second_approver_problem).
    Checked each time, so a move to another organisation or a lost role ends it."""
    return (
        organisation is not None
        and user.is_authenticated
        and organisation.second_approver_id is not None
        and user.pk == organisation.second_approver_id
        and user.organisation_id == organisation.pk
        and not is_service_identity(user)
        and user.has_role(*HR_ROLES)
    )


def _as_second_approver(user, concern: Concern) -> bool:
    """May open this concern's full record as its organisation's second approver: at the
    decision stage, never a restricted one unless they may see it (its coordinator), never
    with a conflict. The status is left to the caller (eligible_approvers asks ahead)."""
    if not is_second_approver(user, concern.organisation):
        return False
    if concern.restricted and not may_see_restricted(user, concern.organisation):
        return False
    return not has_conflict(user, concern)


def can_see_decision_queue(user) -> bool:
    """The "Awaiting your decision" link: the organisation's named second approver."""
    return can_see_hr_list(user) and is_second_approver(user, user.organisation)


# --- Rules over (user, concern) ----------------------------------------------------


def is_reporter_of(user, concern: Concern) -> bool:
    return user.is_authenticated and concern.reporter_id == user.pk


def can_view_case_record(user, concern: Concern) -> bool:
    """May open the full record (employee, evidence, notes, timeline) in an HR capacity.

    Reporters see the status only (can_view_concern). A service identity's request
    needs both the identity and the token's maker to pass (accounts.permissions).
    """
    people = answers_to(user)
    return bool(people) and all(_can_view_case_record_alone(person, concern) for person in people)


def _can_view_case_record_alone(user, concern: Concern) -> bool:
    """can_view_case_record for this one account, ignoring whom it answers to: for a
    service identity it does not look at the token's maker. Never the whole rule."""
    if not (user.is_authenticated and user.has_role(*HR_ROLES) and _in_org(user, concern)):
        return False
    if concern.status == Status.DRAFT:
        return False
    if concern.status == Status.DECISION and _as_second_approver(user, concern):
        return True
    if concern.restricted:
        return may_see_restricted(user, concern.organisation) and not has_conflict(user, concern)
    if not user.has_role(Role.HR_MANAGER) and concern.assignee_id not in (None, user.pk):
        return False
    return not has_conflict(user, concern)


def is_case_manager(user, concern: Concern) -> bool:
    """Manages this concern: an HR manager who may open its full record; for a restricted
    concern, whoever may open it (the coordinator, who may be an investigator, or the HR
    managers when none is designated).

    Not the same people as managers_to_notify, which does not look at conflicts.
    """
    if concern.restricted:
        return can_view_case_record(user, concern)
    return user.has_role(Role.HR_MANAGER) and can_view_case_record(user, concern)


def can_log_concern(user) -> bool:
    return (
        user.is_authenticated and user.organisation_id is not None and user.has_role(Role.REPORTER)
    )


def can_view_concern(user, concern: Concern) -> bool:
    """May open the concern at all: its reporter (the status page, or their draft), or HR
    who may open its full record (can_view_case_record)."""
    return is_reporter_of(user, concern) or can_view_case_record(user, concern)


def can_edit_draft(user, concern: Concern) -> bool:
    return (
        concern.status == Status.DRAFT and is_reporter_of(user, concern) and _in_org(user, concern)
    )


def can_download_evidence(user, evidence: Evidence) -> bool:
    """HR who may open the concern's full record, the author of its draft, or its
    reporter for a file they attached themselves (can_download_own_file)."""
    concern = evidence.concern
    return (
        can_view_case_record(user, concern)
        or can_edit_draft(user, concern)
        or can_download_own_file(user, evidence)
    )


def can_download_own_file(user, evidence: Evidence) -> bool:
    """The reporter's read-only copy of their files: after submitting, its reporter may
    download a file they attached (at intake or in a later addition) to their concern,
    of their organisation, until it is disposed of. Never a file someone else added,
    never the case documents, never another concern's files."""
    return evidence.pk in own_files_to_download(user, evidence.concern, [evidence])


def own_files_to_download(user, concern: Concern, files) -> set[int]:
    """Which of these files of `concern` its reporter may download (can_download_own_file)."""
    if not (
        is_reporter_of(user, concern)
        and _in_org(user, concern)
        and concern.status != Status.DRAFT
        and concern.disposed_at is None
    ):
        return set()
    return {f.pk for f in files if f.concern_id == concern.pk and f.uploaded_by_id == user.pk}


def can_preview_evidence(user, evidence: Evidence) -> bool:
    """See an evidence file's preview (an image of it made on the server): HR who may
    open the concern's full record. The download's rule without the draft's author: a
    reporter never gets previews."""
    return can_view_case_record(user, evidence.concern)


# --- Case documents (what the investigation produces) ---------------------------------


def can_view_case_documents(user, concern: Concern) -> bool:
    """See, download and preview a concern's case documents: HR who may open its full
    record and are its assignee or a case manager (an investigator who may only look at
    an unassigned concern in the queue does not). Never its reporter."""
    return can_view_case_record(user, concern) and (
        concern.assignee_id == user.pk or is_case_manager(user, concern)
    )


def can_add_case_document(user, concern: Concern) -> bool:
    """Attach a case document. While the concern is open, decision stage included (the
    decision itself is one), whoever may see its documents; once it has a final status,
    only its case managers (an HR manager, or the coordinator of a restricted concern),
    for what arrives after the outcome (a signed letter, a late response). Never once it
    is disposed of. Unlike findings, documents do not change what was decided, so they
    are not locked at the decision stage."""
    if concern.disposed_at is not None or not can_view_case_documents(user, concern):
        return False
    return concern.is_open or is_case_manager(user, concern)


# --- The case file (incidents/casefile) ---------------------------------------------


def can_produce_case_file(user, concern: Concern) -> bool:
    """Produce the case file (a PDF of everything held on the concern that this person may
    see): HR who may see its case documents (its assignee or a case manager), a person and
    never a system's account, until it is disposed of. A restricted concern (a possible
    public interest disclosure) produces one for no one but who may see it restricted (its
    coordinator, or the HR managers when none is named); nor does a second approver who is
    not its case manager. The reporter, the employee, executives and administrators never."""
    return (
        concern.disposed_at is None
        and concern.status != Status.DRAFT
        and user.is_authenticated
        and not is_service_identity(user)
        and can_view_case_documents(user, concern)
        and (not concern.restricted or may_see_restricted(user, concern.organisation))
    )


def get_case_file_job_for_user(user, concern_pk, job_pk) -> CaseFileJob:
    """A case file job of this concern that this user asked for and may still produce;
    else 404, alike for one that does not exist and one of somebody else."""
    if not user.is_authenticated:
        raise Http404("No such case file.")
    scope = _getter_scope(user, concern_pk, full_record=True)
    try:
        job = CaseFileJob.objects.select_related(
            "concern", "concern__organisation", "concern__subject"
        ).get(
            pk=job_pk,
            concern_id=concern_pk,
            requested_by_id=user.pk,
            concern__in=Concern.objects.filter(scope, pk=concern_pk).values("pk"),
        )
    except (CaseFileJob.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case file.") from None
    if not can_produce_case_file(user, job.concern):
        raise Http404("No such case file.")
    return job


# Why an investigator who could add documents before may not now, for the page.
DOCUMENTS_CLOSED = "This concern is closed, so only an HR manager can add documents to it now."


def _is_handler(user, concern: Concern) -> bool:
    """The stage part of can_work_on: the assignee or a case manager; while it is
    unassigned and not yet under investigation, anyone. Never the whole rule: call it
    only for someone who may open the full record.

    An unassigned concern in the triage stage can be picked up from the queue by an
    investigator; from the investigation on, only its assignee and the managers act.
    """
    if concern.assignee_id == user.pk or is_case_manager(user, concern):
        return True
    return concern.assignee_id is None and concern.status in (Status.SUBMITTED, Status.TRIAGE)


def can_work_on(user, concern: Concern) -> bool:
    """Record triage, fairness steps and findings: on an open concern, HR who may open its
    full record and are its assignee or a case manager, or any of them while it is
    unassigned and not yet under investigation."""
    return concern.is_open and can_view_case_record(user, concern) and _is_handler(user, concern)


def can_edit_investigation(user, concern: Concern) -> bool:
    """Record fairness steps and findings: someone who may work on it, while it is under
    investigation. Sent for decision, they are locked until an HR manager returns it."""
    return concern.status == Status.INVESTIGATION and can_work_on(user, concern)


# Why the investigation's record cannot be edited at the decision stage, for the page and
# for a refused save.
INVESTIGATION_LOCKED = (
    "This concern has been sent for decision, so its fairness steps and findings are "
    "locked. An HR manager can return it to the investigation if something must change."
)


def can_add_note(user, concern: Concern) -> bool:
    """Add an internal note: HR who may open its full record and are its assignee or a
    case manager, until it is disposed of. Unlike can_work_on, closed concerns included,
    and an unassigned concern in triage gives no one else the right."""
    return (
        concern.disposed_at is None
        and can_view_case_record(user, concern)
        and (concern.assignee_id == user.pk or is_case_manager(user, concern))
    )


# --- The reporter's side after submitting, and HR's questions to them ----------------


def _reporter_may_still_act(user, concern: Concern) -> bool:
    return (
        is_reporter_of(user, concern)
        and _in_org(user, concern)
        and concern.disposed_at is None
        and concern.status != Status.DRAFT
    )


def can_add_further_information(user, concern: Concern) -> bool:
    """Add a dated note or file to a submitted concern: its reporter, while it is open."""
    return _reporter_may_still_act(user, concern) and concern.is_open


def can_answer_questions(user, concern: Concern) -> bool:
    """Answer HR's questions: its reporter, while the concern is open."""
    return _reporter_may_still_act(user, concern) and concern.is_open


def can_discard_draft(user, concern: Concern) -> bool:
    """Throw a draft away: its author, before it is submitted."""
    return can_edit_draft(user, concern)


# Why a finished concern takes nothing more from its reporter, and whom to ask instead.
REPORTER_CLOSED = (
    "This concern is finished, so nothing more can be added to it here. If you have "
    "something new, contact your organisation's HR team, or log a new concern."
)


def can_view_reporter_exchange(user, concern: Concern) -> bool:
    """See HR's questions to the reporter, their answers and the reporter's additions: HR
    who may open the full record (for a restricted concern, its coordinator only)."""
    return can_view_case_record(user, concern) and (
        not concern.restricted or may_see_restricted(user, concern.organisation)
    )


def can_ask_reporter(user, concern: Concern) -> bool:
    """Send the reporter a question: on an open concern that still has its reporter, HR
    who may see the exchange and are its assignee or a case manager."""
    return (
        concern.is_open
        and concern.reporter_id is not None
        and concern.disposed_at is None
        and can_view_reporter_exchange(user, concern)
        and (concern.assignee_id == user.pk or is_case_manager(user, concern))
    )


def reporter_contacts(concern: Concern) -> QuerySet:
    """Who is told that the reporter added something or answered: the assignee, else the
    concern's managers (the coordinator alone for a restricted concern)."""
    User = get_user_model()
    if concern.assignee_id is not None:
        return User.objects.filter(pk=concern.assignee_id, is_active=True)
    return managers_to_notify(concern)


def can_link_matter(user, concern: Concern, other: Concern | None = None) -> bool:
    """Link concerns as the same matter, or unlink one: HR who may open the full record
    (of both), on submitted concerns not yet disposed of, of one organisation, who are the
    investigator (assignee) of either or a case manager of both. With `other` None: whether
    to offer it on this concern's page (its investigator or a case manager).

    Which pairs may be linked at all (restriction, matters already made) is the service's
    to refuse, with a message: see incidents.casework.matters.
    """
    concerns = (concern,) if other is None else (concern, other)
    if other is not None and other.organisation_id != concern.organisation_id:
        return False
    if not all(
        c.submitted_at is not None and c.disposed_at is None and can_view_case_record(user, c)
        for c in concerns
    ):
        return False
    return any(c.assignee_id == user.pk for c in concerns) or all(
        is_case_manager(user, c) for c in concerns
    )


def get_person_for_export(user, pk) -> Person:
    """An employee's record, for an HR manager answering an access request.

    404 for a person who does not exist and for one out of the user's reach alike. A
    person is reachable only through a submitted concern the requester may open: never
    through a reporter's unsubmitted draft, a restricted concern or a conflicted one. The
    rule is applied in the one query, so a person who exists but is out of reach costs
    what a missing id does. HR who may reach the person but may not export (an
    investigator) get 403, like any HR action they may see but not take.
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
    """The link to the employee's access-request export: a case manager who holds the HR
    manager role (a coordinator who is an investigator does not), on a concern with an
    employee."""
    return (
        concern.subject_id is not None
        and user.has_role(Role.HR_MANAGER)
        and is_case_manager(user, concern)
    )


def can_view_access_log(user, concern: Concern) -> bool:
    """Who opened this concern and its files: today exactly its case managers
    (is_case_manager); named apart because it is a rule about the log, not a role."""
    return is_case_manager(user, concern)


def can_assign(user, concern: Concern) -> bool:
    return concern.is_open and is_case_manager(user, concern)


def can_step_aside(user, concern: Concern) -> bool:
    return (
        concern.is_open and concern.assignee_id == user.pk and can_view_case_record(user, concern)
    )


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
    return _may_act(user, concern, rule) and outcome_refusal(user, concern, rule) is None


def withheld_reason(user, concern: Concern, rule: Transition) -> str | None:
    """Why an action this person would otherwise be offered is not (the approval rule),
    in one line for where the action would be; None when nothing is withheld."""
    if not _may_act(user, concern, rule):
        return None
    return outcome_refusal(user, concern, rule)


def _may_act(user, concern: Concern, rule: Transition) -> bool:
    """can_apply_transition without the approval rule."""
    if not user.is_authenticated or not _in_org(user, concern):
        return False
    if concern.disposed_at is not None:  # only de-identified figures remain
        return False
    if (
        rule.second_approver
        and is_second_approver(user, concern.organisation)
        and can_view_case_record(user, concern)
    ):
        return True
    if not user.has_role(*rule.roles):
        return False
    if rule.actor == "author":
        return is_reporter_of(user, concern)
    if not can_view_case_record(user, concern):
        return False
    if rule.actor == "manager":
        return is_case_manager(user, concern)
    if rule.actor == "decision_maker":
        return is_case_manager(user, concern)
    if rule.actor == "reviewer":
        return is_reviewer_of(user, concern)
    return _is_handler(user, concern)


def outcome_refusal(user, concern: Concern, rule: Transition) -> str | None:
    """Why this person may not give the concern its outcome with `rule`, or None: approving
    the decision, or dismissing a reopened concern that was investigated. A service token
    answers to its maker here too."""
    if not (
        rule.actor == "decision_maker"
        or ends_investigated_case(rule, concern)
        or (rule.second_approver and _acts_only_as_second_approver(user, concern))
    ):
        return None
    for person in answers_to(user):
        reason = decision_refusal(person, concern)
        if reason:
            return reason
    return None


def _acts_only_as_second_approver(user, concern: Concern) -> bool:
    """Would act on the decision as the second approver, not as a case manager: then the
    approval rule holds for returning it to the investigation too (the power to decide is
    all the role gives, and nobody decides what they took part in)."""
    return is_second_approver(user, concern.organisation) and not is_case_manager(user, concern)


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
    if user.pk in _kept_from_approving(concern, [user.pk]):
        return (
            "You took part in this investigation (as its investigator, or by recording its "
            "fairness steps, findings or the proposed decision, yourself or through a "
            "system's token you made), so another HR manager must approve it."
        )
    return None


def eligible_approvers(concern: Concern, *, staff: list | None = None) -> list:
    """The people who could approve this concern's outcome: its organisation's HR
    managers and its named second approver (who qualifies only as HR staff of the same
    organisation; asked ahead of the decision stage, as they will see it then). Another
    organisation's HR manager never counts: only this organisation's staff are looked at.
    `staff` is hr_staff(), when the caller already has it. Three queries at most (the
    staff, what keeps each from approving), whatever the number of people."""
    if staff is None:
        staff = list(hr_staff(concern.organisation_id))
    managers = [
        person
        for person in staff
        if (person.has_role(Role.HR_MANAGER) and can_view_case_record(person, concern))
        or _as_second_approver(person, concern)
    ]
    kept = _kept_from_approving(concern, [person.pk for person in managers])
    return [person for person in managers if person.pk not in kept]


NO_APPROVER = (
    "No other HR manager of the organisation could approve this concern's outcome: "
    "whoever takes part in the investigation cannot approve it. Ask an administrator to name "
    "a second approver for the organisation, or to give another person the HR manager role, "
    "before it reaches a decision."
)


def _kept_from_approving(concern: Concern, people: list[int]) -> set[int]:
    """Those of `people` the approval rule keeps from approving this concern's outcome:
    where the organisation keeps the decision apart from the investigation (the default),
    whoever took part in it, themselves or through a token they made for a service
    identity that did. One query at most, for any number of people."""
    from api.models import ApiToken

    if not people or not concern.organisation.decision_maker_must_differ:
        return set()
    participants = investigation_participants(concern)
    if not participants:
        return set()
    # The page asks for the same person more than once (the actions offered, the actions
    # withheld): answer a repeated question from what was read, once per concern object.
    asked = concern.__dict__.setdefault("_kept_from_approving", {})
    key = frozenset(people)
    if key not in asked:
        through_tokens = (
            ApiToken.objects.filter(created_by_id__in=people, user_id__in=participants)
            .exclude(user_id=F("created_by_id"))
            .values_list("created_by_id", flat=True)
        )
        asked[key] = frozenset((set(people) & participants) | set(through_tokens))
    return set(asked[key])


# --- Querysets -----------------------------------------------------------------------


def can_see_hr_list(user) -> bool:
    """HR's work queue: HR staff (investigators and managers) of an organisation. What it
    lists is hr_concerns."""
    return user.is_authenticated and user.organisation_id is not None and user.has_role(*HR_ROLES)


def hr_concerns(user) -> QuerySet[Concern]:
    """Concerns the user may open in an HR capacity (the queryset twin of
    can_view_case_record): never a draft, never the user's own as reporter."""
    people = answers_to(user)
    if not people or not all(can_see_hr_list(person) for person in people):
        return Concern.objects.none()
    concerns = Concern.objects.all()
    for person in people:
        concerns = concerns.filter(_hr_visible_q(person)).exclude(_conflicted_q(person))
    return concerns


def hr_scope_q(user) -> Q:
    """hr_concerns as one filter whose conflict lookups are subqueries (no query of its
    own), for a query over a few rows found another way: the related-concerns panel."""
    people = answers_to(user)
    if not people or not all(can_see_hr_list(person) for person in people):
        return Q(pk__in=[])
    scope = Q()
    for person in people:
        scope &= _hr_visible_q(person) & ~_conflicted_q(person, lazy=True)
    return scope


def _hr_visible_q(user) -> Q:
    visible = Q(organisation_id=user.organisation_id) & ~Q(status=Status.DRAFT)
    sees_restricted = may_see_restricted(user, user.organisation)
    if user.has_role(Role.HR_MANAGER):
        if not sees_restricted:
            visible &= Q(restricted=False)
    else:
        normal = Q(restricted=False) & (Q(assignee__isnull=True) | Q(assignee_id=user.pk))
        if is_second_approver(user, user.organisation):  # and at the decision stage, any
            normal |= Q(restricted=False, status=Status.DECISION)
        visible &= (normal | Q(restricted=True)) if sees_restricted else normal
    return visible


def reported_by(user) -> QuerySet[Concern]:
    """Every concern the user logged, drafts included (the queryset twin of
    is_reporter_of): the reporter's own list."""
    return (
        Concern.objects.filter(reporter=user) if user.is_authenticated else Concern.objects.none()
    )


def concerns_visible_to(user) -> QuerySet[Concern]:
    """Every concern the user may open at all: reported_by and hr_concerns together (the
    queryset twin of can_view_concern)."""
    if not user.is_authenticated:
        return Concern.objects.none()
    return Concern.objects.filter(Q(pk__in=reported_by(user)) | Q(pk__in=hr_concerns(user)))


def managers_to_notify(concern: Concern) -> QuerySet:
    """Who is emailed about a concern as its managers: the coordinator for a restricted
    one (when designated), else the organisation's active HR managers (people, not
    systems) other than its reporter.

    Not the same people as is_case_manager: apart from the reporter, conflicts of interest
    are not looked at here. The email names the concern's reference only, and opening it
    goes through get_concern_for_user.
    """
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
    """Active HR investigators and managers of an organisation (people, not systems), with
    the roles each holds read in the same query."""
    User = get_user_model()
    return with_roles(
        User.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            is_service_identity=False,
            role_grants__role__in=HR_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def assignable_staff(concern: Concern, *, staff: list | None = None) -> list:
    """HR staff of the organisation who may be given this concern (from `staff`, hr_staff(),
    when the caller already has it)."""
    if staff is None:
        staff = hr_staff(concern.organisation_id)
    return [person for person in staff if assignment_conflict(person, concern) is None]


def can_bulk_assign(user) -> bool:
    """Assign several concerns at once from the queue: HR managers of an organisation
    (can_see_hr_list without the investigators)."""
    return can_see_hr_list(user) and user.has_role(Role.HR_MANAGER)


# --- Getters -------------------------------------------------------------------------


def _getter_scope(user, pk, *, for_write: bool = False, full_record: bool = False) -> Q:
    """The getters' rule as a filter on one concern id (the queryset twin of
    can_view_concern, can_edit_draft with for_write, can_view_case_record with
    full_record), so a concern the user may not see and one that does not exist cost the
    same: the same queries, each answering no row."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if for_write:
        return Q(reporter_id=user.pk, organisation_id=user.organisation_id, status=Status.DRAFT)
    # hr_concerns' filter twin: its conflict lookups are subqueries of this one query.
    as_hr = Q(pk=pk) & hr_scope_q(user)
    return as_hr if full_record else Q(reporter_id=user.pk) | as_hr


def get_concern_for_user(
    user,
    pk,
    *,
    for_write: bool = False,
    full_record: bool = False,
    with_record: bool = False,
    lock: bool = False,
) -> Concern:
    """The concern, if this user may see it; else 404, the same as a missing one.

    By default, what can_view_concern allows (its reporter, or HR who may open it); with
    for_write, only a draft its author may edit (can_edit_draft); with full_record, only
    for HR who may open the full record (can_view_case_record): the HR pages and
    actions. Missing and forbidden look alike, in the answer and in the work done: the
    rule is applied in the one query, then checked again on the row found. With
    `with_record`, that query also loads what the concern page shows (concern_record),
    so a page that reads it need not load the concern twice. With `lock` (inside a
    transaction), the concern's row is locked for its rest (SELECT ... FOR UPDATE), so a
    service that would lock it need not read it again.
    """
    if for_write and full_record:
        raise TypeError("Ask for a draft to edit or for the full record, not both.")
    concerns = (
        record_queryset()
        if with_record
        else Concern.objects.select_related("organisation", "subject")
    )
    if lock:
        concerns = concerns.select_for_update(of=("self",))
    try:
        concern = concerns.filter(
            _getter_scope(user, pk, for_write=for_write, full_record=full_record)
        ).get(pk=pk)
    except (Concern.DoesNotExist, ValueError, TypeError):
        raise Http404("No such concern.") from None
    if for_write:
        allowed = can_edit_draft(user, concern)
    elif full_record:
        allowed = can_view_case_record(user, concern)
    else:
        allowed = can_view_concern(user, concern)
    if not allowed:
        raise Http404("No such concern.")
    if with_record:
        concern.__dict__[RECORD_LOADED] = True
    return concern


def find_concern_for_user(user, reference: str) -> Concern | None:
    """The concern with this reference that the user may open in an HR capacity, or None:
    one that does not exist, another organisation's, a restricted one (unless theirs to
    see) and a conflicted one look alike."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    concern = (
        hr_concerns(user)
        .select_related("organisation", "subject")
        .filter(organisation_id=user.organisation_id, reference=reference)
        .first()
    )
    if concern is None or not can_view_case_record(user, concern):
        return None
    return concern


def get_evidence_for_user(user, concern_pk, evidence_pk) -> Evidence:
    """A file of a concern the user may see in full (or of their own draft); else 404, with
    the same work for a file that does not exist and one they may not open."""
    if not user.is_authenticated:
        raise Http404("No such file.")
    # The twin of can_download_evidence: HR who see the full record, the draft's author,
    # or the reporter for a file of their own (can_download_own_file).
    scope = _getter_scope(user, concern_pk, full_record=True) | _getter_scope(
        user, concern_pk, for_write=True
    )
    own_file = Q(
        uploaded_by_id=user.pk,
        concern__reporter_id=user.pk,
        concern__organisation_id=user.organisation_id,
        concern__disposed_at__isnull=True,
    ) & ~Q(concern__status=Status.DRAFT)
    try:
        evidence = (
            Evidence.objects.select_related("concern", "concern__organisation", "concern__subject")
            .filter(
                Q(concern__in=Concern.objects.filter(scope, pk=concern_pk).values("pk")) | own_file
            )
            .get(pk=evidence_pk, concern_id=concern_pk)
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None
    if not can_download_evidence(user, evidence):
        raise Http404("No such file.")
    return evidence


def _file_of_concern(model, user, concern_pk, file_pk):
    """A row of `model` (a file of a concern) for HR who may open the concern's full
    record; else 404, with the same work for a missing file and a forbidden one."""
    if not user.is_authenticated:
        raise Http404("No such file.")
    scope = _getter_scope(user, concern_pk, full_record=True)
    try:
        return model.objects.select_related(
            "concern", "concern__organisation", "concern__subject"
        ).get(
            pk=file_pk,
            concern_id=concern_pk,
            concern__in=Concern.objects.filter(scope, pk=concern_pk).values("pk"),
        )
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such file.") from None


def get_evidence_for_preview(user, concern_pk, evidence_pk) -> Evidence:
    """An evidence file whose preview this user may see (can_preview_evidence); else 404."""
    evidence = _file_of_concern(Evidence, user, concern_pk, evidence_pk)
    if not can_preview_evidence(user, evidence):
        raise Http404("No such file.")
    return evidence


def get_case_document_for_user(user, concern_pk, document_pk) -> CaseDocument:
    """A case document this user may see (can_view_case_documents); else 404."""
    document = _file_of_concern(CaseDocument, user, concern_pk, document_pk)
    if not can_view_case_documents(user, document.concern):
        raise Http404("No such file.")
    return document


# --- Public interest disclosures: the assessment and its clocks (incidents.disclosures) --


def can_manage_disclosure(user, concern: Concern) -> bool:
    """See and record a restricted concern's disclosure assessment, its clocks and its
    welfare contacts: its coordinator (or, when none is named, an HR manager who may open
    it), until it is disposed of. Nobody else learns the steps or the clocks."""
    return (
        concern.restricted
        and concern.disposed_at is None
        and concern.submitted_at is not None
        and may_see_restricted(user, concern.organisation)
        and is_case_manager(user, concern)
    )


# --- Review of an outcome (issue 19) -------------------------------------------------------


def review_refusal(candidate, concern: Concern, *, review=None, you: bool = False) -> str | None:
    """Why `candidate` may not review this concern's outcome, in one line, or None (`you`:
    said to the candidate themselves).

    A reviewer is an HR manager of the organisation (a person, not a system) who may open
    the concern's full record (no conflict; for a restricted concern, its coordinator), who
    took no part in its investigation (investigation_participants) and did not issue the
    outcome (approve the decision that closed it)."""
    from . import review as outcome_review

    who, are, have = ("You", "are", "have") if you else (candidate.display_name, "is", "has")
    if (
        not candidate.is_active
        or is_service_identity(candidate)
        or candidate.organisation_id != concern.organisation_id
        or not candidate.has_role(Role.HR_MANAGER)
    ):
        return f"{who} {are} not an HR manager of this organisation."
    if not can_view_case_record(candidate, concern):
        reason = conflict_reason(candidate, concern)
        if reason:
            return f"{who} {have} a conflict of interest: {reason}"
        return f"{who} may not see this concern: it is restricted to its coordinator."
    if candidate.pk in investigation_participants(concern):
        return f"{who} took part in the investigation, so cannot review its outcome."
    review = review if review is not None else outcome_review.current(concern)
    if review is not None and review.issued_by_id == candidate.pk:
        return f"{who} issued the outcome, so cannot review it."
    return None


def is_reviewer_of(user, concern: Concern) -> bool:
    """Records the review's result: the reviewer named when the request was recorded,
    while the outcome is under review and they still qualify."""
    from . import review as outcome_review

    if concern.status != Status.REVIEW or not user.is_authenticated:
        return False
    review = outcome_review.current(concern)
    return (
        review is not None
        and review.reviewer_id == user.pk
        and review_refusal(user, concern, review=review) is None
    )


def review_withheld_reason(user, concern: Concern) -> str | None:
    """Why a case manager of a concern under review is not offered its result, or None."""
    from . import review as outcome_review

    if concern.status != Status.REVIEW or not is_case_manager(user, concern):
        return None
    if is_reviewer_of(user, concern):
        return None
    review = outcome_review.current(concern)
    reason = review_refusal(user, concern, review=review, you=True)
    if reason:
        return reason
    reviewer = review.reviewer.display_name if review and review.reviewer else "the reviewer"
    return f"Only the reviewer named for this request, {reviewer}, records its result."


def eligible_reviewers(concern: Concern, *, staff: list | None = None) -> list:
    """HR managers who could review this concern's outcome (review_refusal is None)."""
    if staff is None:
        staff = list(hr_staff(concern.organisation_id))
    return [person for person in staff if review_refusal(person, concern) is None]


# --- Interim measures during an investigation (issue 19) -------------------------------


def can_view_interim_measures(user, concern: Concern) -> bool:
    """See the interim measures recorded on a concern: HR who may open its full record
    (for a restricted concern, its coordinator). Never its reporter."""
    return can_view_case_record(user, concern)


def can_record_interim_measure(user, concern: Concern) -> bool:
    """Record or end an interim measure: while the concern is open, whoever may work on it
    (its assignee or a case manager; anyone of HR while unassigned at triage)."""
    return concern.disposed_at is None and can_work_on(user, concern)


# --- Letters from templates (incidents/letters) -------------------------------------------


def can_view_letters(user, concern: Concern) -> bool:
    """See a concern's letters (drafts and issued): whoever may see its case documents (its
    assignee or a case manager), since an issued letter is one. A restricted concern's
    letters only for whoever may open it (its coordinator). Never its reporter, the employee
    concerned, executives or administrators."""
    return can_view_case_documents(user, concern) and (
        not concern.restricted or may_see_restricted(user, concern.organisation)
    )


# Why a kind of letter cannot be prepared now, for the letters page.
LETTER_NOT_NOW = {
    "allegation_notice": "An allegation notice is prepared while the concern is under "
    "investigation: it records when the employee was told and when their response is due.",
    "outcome": "A notice of outcome is prepared once the outcome is approved and the concern "
    "is closed.",
    "reporter_closure": "The closing message to the person who logged it is prepared once the "
    "concern is finished (closed, dismissed or referred).",
}


def can_prepare_letter(user, concern: Concern, kind: str) -> bool:
    """Draft, edit and issue a letter of this kind: someone who may see the letters and add a
    case document (issuing stores one), when the concern is at the stage the letter belongs
    to. The allegation notice also records fairness steps, so it follows that rule
    (can_edit_investigation); the outcome needs the approved outcome (closed); the message
    to the reporter needs a finished concern that still has its reporter."""
    if not (can_view_letters(user, concern) and can_add_case_document(user, concern)):
        return False
    if kind == "allegation_notice":
        return can_edit_investigation(user, concern)
    if kind == "outcome":
        return concern.status == Status.CLOSED
    if kind == "reporter_closure":
        return concern.reporter_id is not None and concern.status in (
            Status.CLOSED,
            Status.DISMISSED,
            Status.REFERRED,
        )
    return False


def can_see_letters_link(user, concern: Concern) -> bool:
    """The concern page's link to its letters (no query: the page has read all this)."""
    return concern.disposed_at is None and can_view_letters(user, concern)


def get_letter_for_user(user, concern_pk, letter_pk):
    """A letter of a concern whose letters this user may see (can_view_letters); else 404,
    the same for a letter that does not exist and one out of reach."""
    from .models import Letter

    letter = _file_of_concern(Letter, user, concern_pk, letter_pk)
    if not can_view_letters(user, letter.concern):
        raise Http404("No such letter.")
    return letter
