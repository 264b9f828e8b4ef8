"""Two organisations with every persona in each, and the case data the access matrix asks about.

`build_world()` makes everything once; `tests/test_access_matrix.py` calls it inside a
transaction that is rolled back after the module, and every test runs in a savepoint of
it, so a test may change anything it likes.

Organisation A ("Department of Examples") holds the objects the matrix asks about.
Organisation B ("Other Agency") holds the same roles and a few concerns of its own, so its
people have something to see on their lists and dashboards. Everything that identifies
A's case data (`World.markers["A"]`) must never reach a page served to someone of B, and
the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Organisation, Role, User
from tests.factories import (
    RIGHTS,
    BusinessUnitFactory,
    OrganisationFactory,
    UserFactory,
    make_concern,
    png_upload,
)

# persona -> (username, roles, staff). One persona per role in each organisation, plus a
# second reporter in A (someone else's concern) and the outsider in B (every role at once).
PERSONAS_A: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "reporter": ("reporter", (Role.REPORTER,), False),
    "second_reporter": ("reporter2", (Role.REPORTER,), False),
    "investigator": ("investigator", (Role.INVESTIGATOR,), False),
    "hr_manager": ("hrmanager", (Role.HR_MANAGER,), False),
    "executive": ("executive", (Role.EXECUTIVE,), False),
    "administrator": ("admin", (Role.ADMINISTRATOR,), True),
    "sector_analyst": ("analyst", (Role.SECTOR_ANALYST,), False),
}
PERSONAS_B: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "other_reporter": ("other-reporter", (Role.REPORTER,), False),
    "other_investigator": ("other-investigator", (Role.INVESTIGATOR,), False),
    "other_hr_manager": ("other-hrmanager", (Role.HR_MANAGER,), False),
    "other_executive": ("other-executive", (Role.EXECUTIVE,), False),
    "other_administrator": ("other-admin", (Role.ADMINISTRATOR,), True),
    "other_sector_analyst": ("other-analyst", (Role.SECTOR_ANALYST,), False),
    "outsider": ("outsider", tuple(Role.values), False),
}
# Who sees the whole sector's aggregates (and so every organisation's name and units).
SECTOR_PERSONAS = frozenset(
    persona
    for persona, (_, roles, _) in {**PERSONAS_A, **PERSONAS_B}.items()
    if Role.SECTOR_ANALYST in roles
)

# A's references start far above B's, so a reference on a page says whose concern it is.
A_FIRST_REFERENCE = 701


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    people: dict[str, User]
    # Organisation A's objects by the name a matrix row uses after the URL name.
    concerns: dict[str, object]
    evidence: dict[str, object]
    export_jobs: dict[str, object]
    # Organisation B's submitted concerns.
    other_concerns: list = field(default_factory=list)
    # Organisation A's case documents, by the name of the concern they belong to.
    documents: dict[str, object] = field(default_factory=dict)
    # Text that identifies one organisation's case data: "A" and "B". `markers_org` adds
    # the names of the organisation and its units (shown to sector analysts by design).
    markers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    markers_org: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Organisation A's possible public interest disclosure (no coordinator is named, so
    # A's HR manager handles it), kept out of `concerns`: A's investigator never sees it.
    restricted: object = None

    def org_of(self, persona: str) -> str | None:
        if persona in PERSONAS_A:
            return "A"
        if persona in PERSONAS_B:
            return "B"
        return None


def _people(organisation, unit, personas, surname: str) -> dict[str, User]:
    from devtools.demo_people import administrators_group

    people = {
        persona: UserFactory(
            username=username,
            first_name=persona.replace("other_", "").replace("_", " ").title(),
            last_name=surname,
            organisation=organisation,
            business_unit=unit if Role.REPORTER in roles else None,
            roles=list(roles),
            is_staff=staff,
        )
        for persona, (username, roles, staff) in personas.items()
    }
    for persona, (_, _, staff) in personas.items():
        if staff:  # administrators hold the admin's model permissions, as they do in use
            people[persona].groups.add(administrators_group())
    return people


def build_world() -> World:
    """Both organisations, their people and A's concerns at each stage. Needs the DB."""
    from guidance.loader import load_guidance
    from guidance.models import CodeSection
    from incidents.casework import services as casework
    from incidents.intake import services as intake
    from incidents.models import ReferenceCounter
    from reporting import export_jobs
    from reporting.queries import ReportScope

    load_guidance()
    org = OrganisationFactory(name="Department of Examples", short_name="examples")
    unit = BusinessUnitFactory(organisation=org, name="Community Programs")
    other_org = OrganisationFactory(name="Other Agency", short_name="other")
    other_unit = BusinessUnitFactory(organisation=other_org, name="Regional Services")
    people = {
        **_people(org, unit, PERSONAS_A, "Ashdown"),
        **_people(other_org, other_unit, PERSONAS_B, "Birchwood"),
    }
    ReferenceCounter.objects.create(
        organisation=org, year=timezone.localdate().year, last=A_FIRST_REFERENCE - 1
    )

    reporter, hr_manager, investigator = (
        people["reporter"],
        people["hr_manager"],
        people["investigator"],
    )
    draft = make_concern(reporter, submit=False)
    submitted = make_concern(reporter)
    assigned = casework.concern_assign(
        concern=make_concern(reporter),
        actor=hr_manager,
        assignee=investigator,
        expected_version=None,
    )
    triage = casework.concern_assign(
        concern=make_concern(reporter),
        actor=hr_manager,
        assignee=investigator,
        expected_version=None,
    )
    triage = casework.concern_act(
        concern=triage, actor=hr_manager, action="start_triage", expected_version=triage.version
    )
    triage = casework.concern_record_triage(
        concern=triage,
        actor=hr_manager,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=triage.version,
    )
    investigating = casework.concern_act(
        concern=triage,
        actor=investigator,
        action="start_investigation",
        expected_version=triage.version,
        inputs=RIGHTS,
    )
    evidence = {
        "submitted": intake.evidence_add(
            concern=submitted, actor=reporter, upload=png_upload("submitted.png")
        ),
        "draft": intake.evidence_add(concern=draft, actor=reporter, upload=png_upload("draft.png")),
    }
    # The reporter's read-only copy: a file they added after submitting.
    from incidents.reporter.services import EvidenceUpload, addition_add

    later = addition_add(
        concern=assigned,
        actor=reporter,
        note="A second screenshot.",
        files=[EvidenceUpload(upload=png_upload("later.png"))],
    )
    evidence["addition"] = later.evidence.get()
    from incidents.documents.services import case_document_add
    from tests.incidents.files import pdf_upload

    documents = {
        "assigned": case_document_add(
            concern=assigned, actor=hr_manager, upload=pdf_upload(), kind="allegation_notice"
        )
    }
    job = export_jobs.export_job_start(
        user=people["executive"], scope=ReportScope(organisation_ids=(org.pk,))
    )
    export_jobs.export_job_build(job.pk)

    other_concerns = [
        make_concern(
            people["other_reporter"],
            subject_name="Morgan Bexley",
            subject_position="Field Officer",
            description="An officer shared a ministerial briefing in a public forum thread.",
        )
        for _ in range(2)
    ]
    concerns = {
        "draft": draft,
        "submitted": submitted,
        "assigned": assigned,
        "investigating": investigating,
    }
    restricted = make_concern(reporter, possible_pid="yes")
    a_references = (
        *(c.reference for c in concerns.values() if c.reference),
        restricted.reference,
    )
    return World(
        org=org,
        other_org=other_org,
        people=people,
        concerns=concerns,
        evidence=evidence,
        export_jobs={"executive": job},
        other_concerns=other_concerns,
        documents=documents,
        markers={
            "A": (*a_references, "Jordan Example", "Ashdown"),
            "B": (*(c.reference for c in other_concerns), "Morgan Bexley", "Birchwood"),
        },
        markers_org={
            "A": ("Department of Examples", "Community Programs"),
            "B": ("Other Agency", "Regional Services"),
        },
        restricted=restricted,
    )


def snapshot(organisation) -> dict:
    """Everything about an organisation's case data that a request could change."""
    from audit.models import AccessRecord, Event
    from incidents.models import (
        CaseDocument,
        Concern,
        ConflictDeclaration,
        Evidence,
        Letter,
        Note,
        Person,
        ReporterAddition,
        ReporterQuestion,
    )

    concerns = Concern.objects.filter(organisation=organisation)
    return {
        "concerns": list(
            concerns.order_by("pk").values_list(
                "pk", "status", "version", "assignee_id", "restricted", "risk_rating"
            )
        ),
        "events": Event.objects.filter(organisation=organisation).count(),
        "access records": AccessRecord.objects.filter(concern__in=concerns).count(),
        "notes": Note.objects.filter(concern__in=concerns).count(),
        "questions to reporters": list(
            ReporterQuestion.objects.filter(concern__in=concerns).values_list("pk", "answer")
        ),
        "reporter additions": ReporterAddition.objects.filter(concern__in=concerns).count(),
        "conflicts": ConflictDeclaration.objects.filter(concern__in=concerns).count(),
        "evidence": Evidence.objects.filter(concern__in=concerns).count(),
        "case documents": CaseDocument.objects.filter(concern__in=concerns).count(),
        "letters": list(
            Letter.objects.filter(concern__in=concerns).values_list("pk", "version", "issued_at")
        ),
        "reporting lines": Person.reporting_line.through.objects.filter(
            person__organisation=organisation
        ).count(),
    }
