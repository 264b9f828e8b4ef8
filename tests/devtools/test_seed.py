"""seed_concerns: fast benchmark data that agrees with itself and with the real services."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation, Role, RoleGrant, User
from audit.models import Event, EventChainHead
from incidents.models import (
    ADVERSE_FINDINGS,
    FINAL_STATUSES,
    OPEN_STATUSES,
    Concern,
    ConfirmedSection,
    PidAnswer,
    ReferenceCounter,
    ReportedSection,
    Status,
)
from tests.factories import OrganisationFactory, UserFactory, make_concern

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^SMC-(\d{4})-(\d{5})$")


def seed(**options) -> str:
    out = io.StringIO()
    call_command(
        "seed_concerns", **{"count": 300, "organisations": 2, "seed": 1, **options}, stdout=out
    )
    return out.getvalue()


def verify_events() -> str:
    out = io.StringIO()
    call_command("verify_events", stdout=out)  # raises CommandError on a broken chain
    return out.getvalue()


def test_it_writes_the_requested_numbers_of_rows(guidance):
    output = seed()
    assert "Seeded 300 concerns" in output
    organisations = Organisation.objects.filter(short_name__startswith="bench-org-")
    assert sorted(o.short_name for o in organisations) == ["bench-org-1", "bench-org-2"]
    assert Concern.objects.count() == 300
    assert Event.objects.filter(kind="status_changed").count() == 300
    for organisation in organisations:
        assert 2 <= BusinessUnit.objects.filter(organisation=organisation).count() <= 4
        roles = set(
            RoleGrant.objects.filter(user__organisation=organisation).values_list("role", flat=True)
        )
        assert {Role.REPORTER, Role.INVESTIGATOR, Role.HR_MANAGER, Role.EXECUTIVE} <= roles
    per_concern = Counter(ReportedSection.objects.values_list("concern_id", flat=True))
    assert len(per_concern) == 300
    assert set(per_concern.values()) <= {1, 2}


def test_seeded_users_cannot_sign_in_with_a_password_unless_one_is_given(guidance):
    seed(count=20)
    assert not User.objects.get(username="bench-org-1-executive").has_usable_password()
    hashes = set(User.objects.filter(username__startswith="bench-").values_list("password"))
    assert len(hashes) == 1  # one hash computed once


def test_references_are_unique_per_organisation_and_counters_are_advanced(guidance):
    seed()
    for organisation in Organisation.objects.filter(short_name__startswith="bench-org-"):
        references = list(
            Concern.objects.filter(organisation=organisation).values_list("reference", flat=True)
        )
        assert len(references) == len(set(references))
        numbers: dict[int, list[int]] = {}
        for reference in references:
            match = REFERENCE.match(reference)
            assert match, reference
            numbers.setdefault(int(match[1]), []).append(int(match[2]))
        for year, issued in numbers.items():
            assert sorted(issued) == list(range(1, len(issued) + 1))
            counter = ReferenceCounter.objects.get(organisation=organisation, year=year)
            assert counter.last == max(issued)


def test_statuses_are_mixed_with_most_concerns_finished(guidance):
    seed()
    counts = Counter(Concern.objects.values_list("status", flat=True))
    assert set(OPEN_STATUSES) <= set(counts)
    assert {Status.CLOSED, Status.DISMISSED} <= set(counts)
    assert counts[Status.CLOSED] + counts[Status.DISMISSED] > 150
    assert Status.DRAFT not in counts


def test_dates_and_handling_agree_with_the_status(guidance):
    seed()
    now = timezone.now()
    for concern in Concern.objects.all():
        assert concern.created_at <= concern.submitted_at <= now
        assert concern.occurred_on <= timezone.localdate(concern.submitted_at)
        assert concern.reference.startswith(f"SMC-{timezone.localtime(concern.submitted_at).year}-")
        if concern.status in FINAL_STATUSES:
            assert concern.submitted_at <= concern.closed_at <= now
            assert concern.due_on is None
        else:
            assert concern.closed_at is None
            assert concern.due_on is not None
        if concern.status in (Status.INVESTIGATION, Status.DECISION, Status.CLOSED):
            assert concern.assignee_id and concern.risk_rating and concern.graduated_response
        if concern.status == Status.WITHDRAWN:
            assert concern.status_reason and not concern.risk_rating


def test_findings_and_procedural_fairness_are_recorded_for_decided_concerns(guidance):
    seed()
    decided = Concern.objects.filter(status__in=[Status.DECISION, Status.CLOSED])
    assert decided.exists()
    for concern in decided:
        findings = list(concern.findings.values_list("finding", flat=True))
        assert findings and all(findings)
        assert concern.action_taken and concern.outcome_summary
        if set(findings) & set(ADVERSE_FINDINGS):
            assert concern.allegation_notified_on is not None
            assert concern.response_received_on or concern.response_due_on
    early = ConfirmedSection.objects.filter(concern__status=Status.SUBMITTED)
    assert not early.exists()


def test_a_few_concerns_are_restricted_as_possible_disclosures(guidance):
    seed(count=1000, organisations=1)
    restricted = Concern.objects.filter(restricted=True)
    assert 3 <= restricted.count() <= 40
    assert not restricted.filter(possible_pid=PidAnswer.NO).exists()
    assert not Concern.objects.filter(restricted=False).exclude(possible_pid=PidAnswer.NO).exists()


def test_some_employees_have_repeat_concerns(guidance):
    seed()
    repeats = (
        Concern.objects.exclude(subject=None)
        .values("subject")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert repeats.exists()


def test_every_event_chain_verifies_and_each_concern_has_its_latest_change(guidance):
    seed()
    assert "Event chain verified." in verify_events()
    for concern in Concern.objects.prefetch_related("events"):
        (event,) = concern.events.all()
        assert event.kind == "status_changed"
        assert event.after["status"] == concern.status
        assert event.actor_id is not None
    for head in EventChainHead.objects.all():
        assert head.seq == Event.objects.filter(organisation_id=head.organisation_id).count()


def test_a_later_real_submission_gets_a_fresh_reference_and_extends_the_chain(guidance):
    seed()
    reporter = User.objects.get(username="bench-org-1-reporter-001")
    seeded = set(
        Concern.objects.filter(organisation=reporter.organisation).values_list(
            "reference", flat=True
        )
    )
    concern = make_concern(reporter)
    assert concern.reference not in seeded
    year, number = map(int, REFERENCE.match(concern.reference).groups())
    seeded_this_year = [r for r in seeded if r.startswith(f"SMC-{year}-")]
    assert number == len(seeded_this_year) + 1
    verify_events()


def test_seeding_continues_an_organisations_existing_chain_and_numbering(guidance):
    organisation = OrganisationFactory(name="Benchmark Organisation 1", short_name="bench-org-1")
    reporter = UserFactory(organisation=organisation, roles=[Role.REPORTER])
    real = make_concern(reporter)
    seed(organisations=1)
    references = list(
        Concern.objects.filter(organisation=organisation).values_list("reference", flat=True)
    )
    assert len(references) == 301 == len(set(references))
    assert references.count(real.reference) == 1
    verify_events()


def test_running_twice_adds_more_without_collisions(guidance):
    seed(count=120)
    seed(count=120)  # the same seed: same names and timings, new numbers
    assert Concern.objects.count() == 240
    assert Organisation.objects.filter(short_name__startswith="bench-org-").count() == 2
    duplicates = (
        Concern.objects.values("organisation", "reference").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert User.objects.filter(username="bench-org-1-executive").count() == 1
    verify_events()


def test_it_refuses_without_the_guidance(db):
    with pytest.raises(CommandError, match="load_guidance"):
        seed()
    assert not Concern.objects.exists()


def test_it_refuses_nonsense_options(guidance):
    with pytest.raises(CommandError, match="--count"):
        seed(count=0)


def test_notes_are_written_while_a_concern_is_handled(guidance):
    from incidents.models import Note

    seed()
    assert Note.objects.exists()
    assert not Note.objects.filter(concern__status=Status.SUBMITTED).exists()
    assert not Note.objects.filter(
        concern__status=Status.WITHDRAWN, concern__triaged_at=None
    ).exists()
    for note in Note.objects.select_related("concern")[:200]:
        assert note.concern.triaged_at is not None
        assert note.created_at >= note.concern.triaged_at
