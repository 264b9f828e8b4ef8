"""Seed many realistic concerns, fast: TEST DATA FOR BENCHMARKS ONLY.

    python manage.py seed_concerns --count 100000 [--organisations 3] [--years 3]
                                   [--seed 42] [--batch 5000] [--password PW]

Rows are written in batches: with COPY on PostgreSQL (ids taken from the sequences first),
with ``bulk_create`` elsewhere. They do NOT go through the services:
nothing is validated, nobody is notified, and each concern gets one ``status_changed``
event (its latest transition) instead of its full history. Use it to measure the
dashboards, lists and exports at scale, never to load real data.

What it writes, into organisations ``bench-org-1`` .. ``bench-org-N`` (reused when they
exist, so real organisations are never touched):

- 2 to 4 business units each; reporters, investigators, an HR manager and an
  executive with their role grants (one password hash for all: unusable unless
  ``--password`` is given);
- a pool of employees (Person) per organisation; about one concern in five is
  about someone named in an earlier one (repeat concerns);
- concerns submitted over the last ``--years`` years, most closed or dismissed and
  some open in every stage, with timestamps, due dates, risk rating, response,
  reported and confirmed sections, findings and procedural-fairness dates that
  agree with the status; about 1.5% restricted as possible public interest
  disclosures;
- references ``SMC-YYYY-NNNNN`` taken from each organisation's ReferenceCounter,
  which is advanced first, so later real submissions (and a second run) never
  collide;
- internal HR notes on concerns that reached triage (none to four, more for those
  investigated), written by the handler between triage and the concern's latest step;
- one ``status_changed`` event per concern, appended to the organisation's hash
  chain (locked head, ``audit.chain.event_digest``) so ``verify_events`` passes.

Works on SQLite and PostgreSQL. Running it twice adds more concerns.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from argparse import ArgumentParser
from collections import Counter, defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation, Role, RoleGrant, User
from audit.chain import event_digest
from audit.models import Event, EventChainHead
from guidance.models import CodeEdition, CodeSection, PlatformCategory, UseContext
from incidents import workflow
from incidents.models import (
    ADVERSE_FINDINGS,
    FINAL_STATUSES,
    ActionTaken,
    Concern,
    ConfirmedSection,
    Finding,
    GraduatedResponse,
    Note,
    Person,
    PidAnswer,
    ReferenceCounter,
    ReportedSection,
    RiskRating,
    Status,
    normalise_name,
)

S = Status
ORG_PREFIX = "bench-org-"
HAS_TRIAGED_AT = any(field.name == "triaged_at" for field in Concern._meta.concrete_fields)

# How often each status is the current one (weights).
STATUS_WEIGHTS = {
    S.CLOSED: 52,
    S.DISMISSED: 20,
    S.WITHDRAWN: 4,
    S.REFERRED: 4,
    S.SUBMITTED: 4,
    S.TRIAGE: 5,
    S.INVESTIGATION: 8,
    S.DECISION: 3,
}
# The statuses a concern passed through, ending with its current one.
PATHS: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (S.SUBMITTED,),
    S.WITHDRAWN: (S.SUBMITTED, S.WITHDRAWN),
    S.TRIAGE: (S.SUBMITTED, S.TRIAGE),
    S.DISMISSED: (S.SUBMITTED, S.TRIAGE, S.DISMISSED),
    S.INVESTIGATION: (S.SUBMITTED, S.TRIAGE, S.INVESTIGATION),
    S.DECISION: (S.SUBMITTED, S.TRIAGE, S.INVESTIGATION, S.DECISION),
    S.CLOSED: (S.SUBMITTED, S.TRIAGE, S.INVESTIGATION, S.DECISION, S.CLOSED),
}
REFERRED_PATHS = (
    (S.SUBMITTED, S.TRIAGE, S.REFERRED),
    (S.SUBMITTED, S.TRIAGE, S.INVESTIGATION, S.REFERRED),
)
# Days spent in a stage before leaving it (uniform range).
STAGE_DAYS = {
    S.SUBMITTED: (0.05, 6.0),
    S.TRIAGE: (0.5, 12.0),
    S.INVESTIGATION: (7.0, 70.0),
    S.DECISION: (1.0, 15.0),
}
# Age of an open concern in its current stage: up to about twice the stage's due period,
# so a realistic share is overdue.
OPEN_STAGE_AGE_DAYS = {S.SUBMITTED: 12.0, S.TRIAGE: 16.0, S.INVESTIGATION: 60.0, S.DECISION: 25.0}
# Share of concerns, among those not at decision or closed, that are possible public
# interest disclosures: about 1.5% of all concerns.
RESTRICTED_SHARE = 0.033
# Share of concerns about someone named in an earlier concern.
REPEAT_SHARE = 0.2
# Who moved the concern into each status.
ACTORS = {
    "submit": "reporter",
    "withdraw": "reporter",
    "start_triage": "handler",
    "start_investigation": "handler",
    "dismiss": "handler",
    "propose_decision": "investigator",
    "refer": "manager",
    "close": "manager",
}

RISK_WEIGHTS = {
    RiskRating.LOW: 40,
    RiskRating.MEDIUM: 35,
    RiskRating.HIGH: 20,
    RiskRating.CRITICAL: 5,
}
RESPONSE_WEIGHTS = {
    GraduatedResponse.NO_FURTHER_ACTION: 15,
    GraduatedResponse.INFORMAL: 45,
    GraduatedResponse.PERFORMANCE: 15,
    GraduatedResponse.MISCONDUCT: 25,
}
FINDING_WEIGHTS = {
    Finding.SUBSTANTIATED: 30,
    Finding.PARTLY: 15,
    Finding.NOT_SUBSTANTIATED: 35,
    Finding.NO_CASE: 20,
}
ADVERSE_ACTION_WEIGHTS = {
    ActionTaken.COUNSELLING: 35,
    ActionTaken.TRAINING: 25,
    ActionTaken.FORMAL_WARNING: 25,
    ActionTaken.DISCIPLINARY: 12,
    ActionTaken.TERMINATION: 3,
}
USE_CONTEXT_WEIGHTS = {UseContext.PRIVATE: 55, UseContext.OFFICIAL: 30, UseContext.UNCLEAR: 15}
PLATFORM_WEIGHTS = {
    "social-networking": 40,
    "micro-blogging": 15,
    "video-photo-sharing": 15,
    "email-messaging": 12,
    "forums": 6,
    "blogs": 4,
    "vod-podcasting": 3,
    "wikis": 1,
    "other-emerging": 4,
}
PLATFORM_NAMES = {
    "social-networking": ("Facebook", "Instagram", "LinkedIn"),
    "micro-blogging": ("X", "Threads", "Bluesky", "Mastodon"),
    "video-photo-sharing": ("TikTok", "YouTube", "Snapchat", "Instagram"),
    "email-messaging": ("WhatsApp", "Microsoft Teams", "Signal", "Email"),
    "forums": ("Reddit", "Whirlpool", "Discord"),
    "blogs": ("Substack", "Medium", "WordPress"),
    "vod-podcasting": ("Spotify", "Apple Podcasts", "YouTube"),
    "wikis": ("Wikipedia",),
    "other-emerging": ("BeReal", "A new app"),
}
SCENARIOS = (
    "Posted a photo of a client file with the client's name readable.",
    "Criticised the policy they work on without saying the views were their own.",
    "Made offensive jokes about a colleague's background in a group chat.",
    "Shared a political candidate's material from the program's official account.",
    "Replied abusively to a member of the public on the department's page.",
    "Ran a private business from a work device during working hours.",
    "Deleted replies from the official account without keeping a record.",
    "Posted videos in uniform at a work function that reflect poorly on the agency.",
    "Disclosed details of an unannounced decision before its release.",
    "Harassed a former colleague with repeated comments and messages.",
    "Endorsed a supplier's product while identifying as a public servant.",
    "Shared an internal briefing document in a public forum.",
)
UNIT_NAMES = (
    "Community Programs",
    "Corporate Services",
    "Policy and Strategy",
    "Regional Operations",
    "Digital and Customer",
    "Legal and Governance",
    "Service Delivery",
)
POSITIONS = (
    "Case Officer",
    "Policy Officer",
    "Program Manager",
    "Team Leader",
    "Communications Adviser",
    "Administration Officer",
    "Senior Analyst",
    "Project Officer",
    "Customer Service Officer",
    "Director",
)
FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as a paragraph
    "Alex Ash Bailey Casey Charlie Dana Drew Eden Emerson Finley Frankie Harper Hayden Jamie "
    "Jesse Jordan Kai Kendall Lee Logan Morgan Nico Noa Parker Quinn Reese Riley River Robin "
    "Rowan Sage Sam Sasha Skye Taylor Toni Wren Amara Bilal Chen Deepa Elif Fatima Georgios "
    "Hiroshi Ines Jiho Kiri Leila Mateo Mei Nadia Omar Priya Rangi Sione Thanh Yusuf Zara"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads better as a paragraph
    "Anderson Baker Brown Campbell Chen Clarke Davies Edwards Evans Fraser Green Hall Harris "
    "Hughes Jackson Johnson Jones Kelly Khan King Lee Lewis Martin Mitchell Morris Murphy "
    "Nguyen Nikolaidis O'Brien Patel Robinson Rossi Ryan Scott Singh Smith Stewart Taylor "
    "Thomas Thompson Tran Walker Watson White Williams Wilson Wong Wright Young Zhang Kaur "
    "Papadopoulos Russo Ali Hassan Kim Park Ngata"
).split()
INITIALS = "ABCDEFGHJKLMNPRSTW"
DISMISS_REASONS = (
    "The conduct does not engage the Code of Conduct.",
    "Not enough information to act on, and the reporter could add none.",
    "Already dealt with through another process.",
)
WITHDRAW_REASONS = ("Resolved directly with the person.", "Logged by mistake.")
REFERRAL_BODIES = ("IBAC", "Victoria Police", "Victorian Ombudsman", "VPSC")
NOTE_TEXTS = (
    "Spoke with the reporter; screenshots confirm the post and its date.",
    "Checked the official account's moderation log.",
    "Employee's manager consulted about the reporting line.",
    "Requested the employee's response in writing.",
    "Reviewed the guidance on official and private use for this matter.",
    "Post no longer visible; relying on the captured evidence.",
)
OUTCOMES = (
    "Findings discussed with the employee; outcome recorded on file.",
    "Employee counselled and the post removed.",
    "Matter reviewed; no breach established on the evidence.",
)


@dataclass(frozen=True)
class Timeline:
    status: str
    path: tuple[str, ...]
    entered: dict[str, dt.datetime]  # when each status on the path was entered


@dataclass
class OrgSetup:
    organisation: Organisation
    units: list[BusinessUnit]
    reporters: list[User]
    investigators: list[User]
    hr_manager: User
    executive: User
    people: list[Person]
    next_person: int = 0  # people[:next_person] have been named in a concern


class Row:
    """Column values by attribute name (``organisation_id``), with ``pk``, like an instance."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)

    @property
    def pk(self) -> Any:
        return self.__dict__.get("id")


_SPECS: dict[type, tuple[dict[str, Any], dict[str, str]]] = {}


def _model_spec(model: type[models.Model]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each concrete field's default by attribute name, and relation name -> attribute."""
    if model not in _SPECS:
        fields = model._meta.concrete_fields
        _SPECS[model] = (
            {f.attname: f.get_default() for f in fields},
            {f.name: f.attname for f in fields if f.is_relation},
        )
    return _SPECS[model]


def _weighted(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_timeline(
    rng: random.Random, status: str, *, now: dt.datetime, start: dt.datetime
) -> Timeline:
    """When each status on the concern's path was entered, consistent with `status`."""
    path = rng.choice(REFERRED_PATHS) if status == S.REFERRED else PATHS[status]
    spent = [dt.timedelta(days=rng.uniform(*STAGE_DAYS[stage])) for stage in path[:-1]]
    if status in FINAL_STATUSES:
        total = sum(spent, dt.timedelta())
        latest = now - total - dt.timedelta(minutes=1)
        # Slight growth over time: later years have more concerns.
        submitted = start + (latest - start) * (rng.random() ** 0.85)
    else:
        age = dt.timedelta(days=rng.uniform(0.01, OPEN_STAGE_AGE_DAYS[status]))
        submitted = now - age - sum(spent, dt.timedelta())
    entered = {path[0]: submitted}
    moment = submitted
    for stage, duration in zip(path[1:], spent, strict=True):
        moment += duration
        entered[stage] = moment
    return Timeline(status=status, path=path, entered=entered)


class Command(BaseCommand):
    help = (
        "Seed realistic concerns fast with bulk writes (COPY on PostgreSQL), for benchmarks "
        "only: no services, no validation, one status_changed event per concern (hash chain "
        "kept valid), HR notes. Writes into organisations bench-org-N and needs load_guidance "
        "first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="Concerns to add.")
        parser.add_argument("--organisations", type=int, default=3, help="Default 3.")
        parser.add_argument("--years", type=int, default=3, help="Spread over N years (3).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42).")
        parser.add_argument("--batch", type=int, default=5000, help="Rows per batch (5000).")
        parser.add_argument(
            "--password",
            default=None,
            help="Password for the seeded users (default: unusable; sign in with force_login).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, organisations = options["count"], options["organisations"]
        years, batch = options["years"], options["batch"]
        for name, value in (
            ("--count", count),
            ("--organisations", organisations),
            ("--years", years),
            ("--batch", batch),
        ):
            if value < 1:
                raise CommandError(f"{name} must be at least 1.")
        categories = list(PlatformCategory.objects.filter(is_active=True))
        sections = list(CodeSection.objects.current())
        if not categories or not sections:
            raise CommandError(
                "The guidance is not loaded (no platform categories or Code sections). "
                "Run `python manage.py load_guidance` first."
            )
        # Benchmark data, not secrets: a seeded generator keeps runs comparable.
        self.rng = random.Random(options["seed"])  # noqa: S311  # nosec B311
        self.categories = categories
        self.category_weights = [PLATFORM_WEIGHTS.get(c.code, 2) for c in categories]
        self.sections = sections
        self.section_weights = [5 if s.named_in_guidance else 1 for s in sections]
        self.edition = CodeEdition.objects.filter(is_current=True).first()
        self.rows = Counter()

        started = time.perf_counter()
        now = timezone.now()
        start = now - dt.timedelta(days=365.25 * years)
        org_weights = [1 / (1 + 0.5 * i) for i in range(organisations)]
        plans = sorted(
            (
                (
                    plan_timeline(
                        self.rng, _weighted(self.rng, STATUS_WEIGHTS), now=now, start=start
                    ),
                    self.rng.choices(range(organisations), weights=org_weights)[0],
                )
                for _ in range(count)
            ),
            key=lambda plan: plan[0].entered[S.SUBMITTED],
        )
        per_org = Counter(org_index for _, org_index in plans)
        password = make_password(options["password"])
        setups = [
            self._setup_organisation(n + 1, per_org[n], password) for n in range(organisations)
        ]
        references = self._reserve_references(plans, setups)
        self.stdout.write(
            f"Set up {organisations} organisation(s) in {time.perf_counter() - started:.1f}s; "
            f"seeding {count:,} concerns in batches of {batch:,}."
        )

        done = 0
        for offset in range(0, count, batch):
            chunk = plans[offset : offset + batch]
            self._write_batch(chunk, references[offset : offset + batch], setups)
            done += len(chunk)
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"  {done:,}/{count:,} concerns, {elapsed:.1f}s, {done / elapsed:,.0f}/s"
            )

        if connection.vendor == "postgresql":
            # A bulk load leaves the planner's statistics stale and the visibility map
            # empty (so no index-only scans) until autovacuum catches up; do its work now
            # so the benchmark measures the plans a running database would get.
            # (VACUUM cannot run inside a transaction, as in a test; ANALYZE then.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        elapsed = time.perf_counter() - started
        total_rows = sum(self.rows.values())
        detail = ", ".join(f"{n:,} {name}" for name, n in sorted(self.rows.items()) if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {count:,} concerns in {elapsed:.1f}s on {connection.vendor}: "
                f"{count / elapsed:,.0f} concerns/s, {total_rows:,} rows at "
                f"{total_rows / elapsed:,.0f} rows/s."
            )
        )
        self.stdout.write(f"Rows written: {detail}.")
        first = setups[0]
        self.stdout.write(
            f"{first.organisation.short_name}: executive {first.executive.username}, "
            f"HR manager {first.hr_manager.username}."
        )

    # --- Organisations, units, users, people -------------------------------------------

    def _setup_organisation(self, number: int, expected: int, password: str) -> OrgSetup:
        rng = self.rng
        short = f"{ORG_PREFIX}{number}"
        with transaction.atomic():
            organisation, created = Organisation.objects.get_or_create(
                short_name=short, defaults={"name": f"Benchmark Organisation {number}"}
            )
            self.rows["organisations"] += int(created)
            units = list(organisation.business_units.filter(is_active=True))
            if not units:
                taken = set(organisation.business_units.values_list("name", flat=True))
                free = [name for name in UNIT_NAMES if name not in taken]
                names = rng.sample(free, min(len(free), rng.randint(2, 4)))
                units = BusinessUnit.objects.bulk_create(
                    BusinessUnit(organisation=organisation, name=name) for name in names
                )
                self.rows["business units"] += len(units)

            wanted: dict[str, tuple[str, BusinessUnit | None]] = {}
            for i in range(1, max(10, min(200, expected // 50)) + 1):
                wanted[f"{short}-reporter-{i:03d}"] = (Role.REPORTER, rng.choice(units))
            for i in range(1, max(3, min(20, expected // 2000)) + 1):
                wanted[f"{short}-investigator-{i:02d}"] = (Role.INVESTIGATOR, None)
            wanted[f"{short}-hr-manager"] = (Role.HR_MANAGER, None)
            wanted[f"{short}-executive"] = (Role.EXECUTIVE, None)
            existing = set(
                User.objects.filter(username__in=wanted).values_list("username", flat=True)
            )
            new_users = [
                User(
                    username=username,
                    password=password,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    email=f"{username}@bench.invalid",
                    organisation=organisation,
                    business_unit=unit,
                )
                for username, (_, unit) in wanted.items()
                if username not in existing
            ]
            User.objects.bulk_create(new_users)
            self.rows["users"] += len(new_users)
            users = {u.username: u for u in User.objects.filter(username__in=wanted)}
            RoleGrant.objects.bulk_create(
                (RoleGrant(user=users[name], role=role) for name, (role, _) in wanted.items()),
                ignore_conflicts=True,
            )
            by_role: dict[str, list[User]] = defaultdict(list)
            for name, (role, _) in wanted.items():
                by_role[role].append(users[name])

            names = [
                f"{rng.choice(FIRST_NAMES)} {rng.choice(INITIALS)}. {rng.choice(LAST_NAMES)}"
                for _ in range(max(10, int(expected * 0.85)))
            ]
            pool = [
                self._row(
                    Person,
                    organisation=organisation,
                    full_name=name,
                    normalised_name=normalise_name(name),  # bulk_create bypasses save()
                    position=rng.choice(POSITIONS),
                    business_unit=rng.choice(units),
                )
                for name in names
            ]
            people = self._insert(Person, pool)
            self.rows["people"] += len(people)
        return OrgSetup(
            organisation=organisation,
            units=units,
            reporters=by_role[Role.REPORTER],
            investigators=by_role[Role.INVESTIGATOR],
            hr_manager=by_role[Role.HR_MANAGER][0],
            executive=by_role[Role.EXECUTIVE][0],
            people=people,
        )

    def _reserve_references(
        self, plans: list[tuple[Timeline, int]], setups: list[OrgSetup]
    ) -> list[str]:
        """Advance each (organisation, year) counter past the numbers this run will use."""
        keys = [
            (org_index, timezone.localtime(timeline.entered[S.SUBMITTED]).year)
            for timeline, org_index in plans
        ]
        needed = Counter(keys)
        next_number: dict[tuple[int, int], int] = {}
        with transaction.atomic():
            for (org_index, year), n in sorted(needed.items()):
                organisation = setups[org_index].organisation
                ReferenceCounter.objects.bulk_create(
                    [ReferenceCounter(organisation=organisation, year=year)], ignore_conflicts=True
                )
                counter = ReferenceCounter.objects.select_for_update().get(
                    organisation=organisation, year=year
                )
                next_number[(org_index, year)] = counter.last + 1
                counter.last += n
                counter.save(update_fields=["last"])
        references = []
        for org_index, year in keys:
            number = next_number[(org_index, year)]
            next_number[(org_index, year)] = number + 1
            references.append(f"SMC-{year}-{number:05d}")
        return references

    # --- Concerns -------------------------------------------------------------------

    def _write_batch(
        self, chunk: list[tuple[Timeline, int]], references: list[str], setups: list[OrgSetup]
    ) -> None:
        built = [
            self._build(timeline, setups[org_index], reference)
            for (timeline, org_index), reference in zip(chunk, references, strict=True)
        ]
        with transaction.atomic():
            concerns = self._insert(Concern, [b[0] for b in built])
            reported = [
                self._row(ReportedSection, concern=concern, section=section)
                for concern, (_, chosen, _, _, _) in zip(concerns, built, strict=True)
                for section in chosen
            ]
            confirmed = [
                self._row(ConfirmedSection, concern=concern, section=section, finding=finding)
                for concern, (_, _, findings, _, _) in zip(concerns, built, strict=True)
                for section, finding in findings
            ]
            notes = [
                self._row(Note, concern=concern, **note)
                for concern, (_, _, _, _, planned) in zip(concerns, built, strict=True)
                for note in planned
            ]
            self._insert(ReportedSection, reported)
            self._insert(ConfirmedSection, confirmed)
            self._insert(Note, notes)
            events = self._chain_events(
                [
                    (concern, event)
                    for concern, (_, _, _, event, _) in zip(concerns, built, strict=True)
                ]
            )
        self.rows["concerns"] += len(concerns)
        self.rows["reported sections"] += len(reported)
        self.rows["confirmed sections"] += len(confirmed)
        self.rows["notes"] += len(notes)
        self.rows["events"] += events

    # --- Writing rows ------------------------------------------------------------------

    @staticmethod
    def _row(model: type[models.Model], **values: Any) -> Row:
        """A row to insert, with the model's defaults: a model instance costs too much here."""
        defaults, relations = _model_spec(model)
        row = dict(defaults)
        for key, value in values.items():
            if key in relations:
                row[relations[key]] = None if value is None else value.pk
            else:
                row[key] = value
        return Row(row)

    @staticmethod
    def _insert(model: type[models.Model], rows: list[Row]) -> list[Row]:
        """Insert rows and give them their ids: COPY on PostgreSQL, bulk_create elsewhere.

        On PostgreSQL the ids are taken from the sequence first and the rows sent with
        COPY, which avoids building one large INSERT per batch (Django adapts every value
        in Python; that dominated the run time). The seeder sets every value itself,
        including the automatic timestamps: no save() runs on either path.
        """
        if not rows:
            return rows
        meta = model._meta
        fields = list(meta.concrete_fields)
        now = timezone.now()
        for name in (
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ):
            for row in rows:
                if row.__dict__.get(name) is None:
                    row.__dict__[name] = now
        if connection.vendor != "postgresql":
            made = model.objects.bulk_create(
                [model(**row.__dict__) for row in rows], batch_size=2000
            )
            for row, obj in zip(rows, made, strict=True):
                row.__dict__[meta.pk.attname] = obj.pk
            return rows
        from psycopg.types.json import Jsonb

        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row.__dict__[meta.pk.attname] = pk
            json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            names = [f.attname for f in fields]
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # nosec B608
                for row in rows:
                    values = row.__dict__
                    copy.write_row(
                        [
                            Jsonb(values[name]) if name in json_fields else values[name]
                            for name in names
                        ]
                    )
        return rows

    def _build(self, timeline: Timeline, setup: OrgSetup, reference: str) -> tuple:
        """One concern, its reported sections, confirmed sections, latest event and notes."""
        rng = self.rng
        status, entered = timeline.status, timeline.entered
        submitted_at = entered[S.SUBMITTED]
        reached = set(timeline.path)
        local = timezone.localdate

        category = rng.choices(self.categories, weights=self.category_weights)[0]
        platform_name = rng.choice(PLATFORM_NAMES.get(category.code, (category.name,)))
        subject = self._subject(setup) if rng.random() >= 0.05 else None
        # About 1.5% overall. Not at decision or closure: with no coordinator the HR
        # manager handles them, and could not then also be the decision maker.
        restricted = status not in (S.DECISION, S.CLOSED) and rng.random() < RESTRICTED_SHARE
        reporter = rng.choice(setup.reporters)
        investigator = rng.choice(setup.investigators)

        fields: dict[str, Any] = {
            "organisation": setup.organisation,
            "reference": reference,
            "reporter": reporter,
            "business_unit_id": subject.business_unit_id if subject else rng.choice(setup.units).pk,
            "status": status,
            "occurred_on": local(submitted_at) - dt.timedelta(days=rng.randint(0, 14)),
            "description": f"{rng.choice(SCENARIOS)} Seen on {platform_name}.",
            "platform_category": category,
            "platform_name": platform_name,
            "use_context": _weighted(rng, USE_CONTEXT_WEIGHTS),
            "subject": subject,
            "subject_not_known": subject is None,
            "code_edition": self.edition,
            "possible_pid": rng.choice((PidAnswer.YES, PidAnswer.UNSURE))
            if restricted
            else PidAnswer.NO,
            "restricted": restricted,
            "created_at": submitted_at - dt.timedelta(minutes=rng.uniform(5, 2880)),
            "submitted_at": submitted_at,
            "closed_at": entered[status] if status in FINAL_STATUSES else None,
            "version": len(timeline.path) + 1,
            "updated_at": entered[status],
        }
        if HAS_TRIAGED_AT:
            fields["triaged_at"] = entered.get(S.TRIAGE)

        # Triage decisions: complete once the concern moved past triage.
        past_triage = bool(reached & {S.INVESTIGATION, S.DISMISSED, S.REFERRED})
        in_triage = status == S.TRIAGE
        if past_triage or (in_triage and rng.random() < 0.6):
            fields["risk_rating"] = _weighted(rng, RISK_WEIGHTS)
        if S.INVESTIGATION in reached or (in_triage and rng.random() < 0.4):
            fields["graduated_response"] = _weighted(rng, RESPONSE_WEIGHTS)
        if status == S.REFERRED:
            fields["graduated_response"] = GraduatedResponse.REFERRAL
        if status == S.DISMISSED and rng.random() < 0.5:
            fields["graduated_response"] = GraduatedResponse.NO_FURTHER_ACTION
        if S.INVESTIGATION in reached or (in_triage and rng.random() < 0.5):
            fields["assignee"] = setup.hr_manager if restricted else investigator

        chosen = self._sections(1 if rng.random() < 0.7 else 2)
        confirmed_sections: list[CodeSection] = []
        if S.INVESTIGATION in reached or status == S.REFERRED or (in_triage and rng.random() < 0.4):
            confirmed_sections = list(chosen)
            if rng.random() < 0.2:
                extra = self._sections(1)[0]
                if extra not in confirmed_sections:
                    confirmed_sections.append(extra)
        findings: list[tuple[CodeSection, str]] = []
        decided = status in (S.DECISION, S.CLOSED)
        for section in confirmed_sections:
            findings.append((section, _weighted(rng, FINDING_WEIGHTS) if decided else ""))

        if decided:
            adverse = any(finding in ADVERSE_FINDINGS for _, finding in findings)
            if adverse:
                self._fairness(fields, entered[S.INVESTIGATION], entered[S.DECISION])
                fields["action_taken"] = _weighted(rng, ADVERSE_ACTION_WEIGHTS)
            else:
                fields["action_taken"] = ActionTaken.NONE
            fields["outcome_summary"] = rng.choice(OUTCOMES)

        inputs: dict[str, str] = {}
        if status == S.DISMISSED:
            inputs = {"reason": rng.choice(DISMISS_REASONS), "reporter_message": "Thank you."}
        elif status == S.WITHDRAWN:
            inputs = {"reason": rng.choice(WITHDRAW_REASONS)}
        elif status == S.REFERRED:
            inputs = {
                "referred_to": rng.choice(REFERRAL_BODIES),
                "reason": "The matter is for another body to consider.",
                "reporter_message": "",
            }
            fields["referred_to"] = inputs["referred_to"]
        elif status == S.CLOSED:
            inputs = {"reporter_message": "The matter has been dealt with. Thank you."}
        if "reason" in inputs:
            fields["status_reason"] = inputs["reason"]
        if "reporter_message" in inputs:
            fields["reporter_message"] = inputs["reporter_message"]

        if status not in FINAL_STATUSES:
            stage = SimpleNamespace(
                organisation=setup.organisation, risk_rating=fields.get("risk_rating", "")
            )
            fields["due_on"] = workflow.due_on_entering(stage, status, local(entered[status]))
        assignee = fields.get("assignee")
        concern = self._row(Concern, **fields)

        previous = timeline.path[-2] if len(timeline.path) > 1 else S.DRAFT
        rule = workflow.find(previous, status)
        if rule is None:  # the seeded paths must follow the transition table
            raise CommandError(f"No transition from {previous} to {status} in the workflow table.")
        actor = {
            "reporter": reporter,
            "handler": assignee or setup.hr_manager,
            "investigator": assignee or investigator,
            "manager": setup.hr_manager,
        }[ACTORS[rule.name]]
        event = {
            "actor_id": actor.pk,
            "kind": "status_changed",
            "at": entered[status],
            "before": {"status": str(previous)},
            "after": {"status": str(status), "action": rule.name, **inputs},
        }
        notes = self._notes(timeline, assignee or setup.hr_manager)
        return concern, chosen, findings, event, notes

    def _notes(self, timeline: Timeline, author: User) -> list[dict[str, Any]]:
        """HR's internal notes, written while the concern was being handled."""
        entered = timeline.entered
        if S.TRIAGE not in entered:
            return []
        rng = self.rng
        start = entered[S.TRIAGE]
        end = entered[timeline.status] if timeline.status in FINAL_STATUSES else timezone.now()
        end = max(end, start + dt.timedelta(minutes=5))
        n = rng.randint(1, 4) if S.INVESTIGATION in entered else rng.randint(0, 2)
        moments = sorted(start + (end - start) * rng.random() for _ in range(n))
        return [
            {"author": author, "text": rng.choice(NOTE_TEXTS), "created_at": moment}
            for moment in moments
        ]

    def _subject(self, setup: OrgSetup) -> Person:
        """Someone new, or (REPEAT_SHARE of the time) someone already named."""
        used = setup.next_person
        if used and (used >= len(setup.people) or self.rng.random() < REPEAT_SHARE):
            return setup.people[self.rng.randrange(used)]
        setup.next_person += 1
        return setup.people[used]

    def _sections(self, n: int) -> list[CodeSection]:
        chosen: list[CodeSection] = []
        for _ in range(n * 4):  # bounded: a few draws to find distinct sections
            section = self.rng.choices(self.sections, weights=self.section_weights)[0]
            if section not in chosen:
                chosen.append(section)
            if len(chosen) == n:
                break
        return chosen

    def _fairness(self, fields: dict[str, Any], investigation: dt.datetime, decision: dt.datetime):
        """Told of the allegations, and a chance to respond, before the decision."""
        start, end = timezone.localdate(investigation), timezone.localdate(decision)
        span = max((end - start).days, 2)
        notified = start + dt.timedelta(days=span // 5)
        fields["allegation_notified_on"] = notified
        if self.rng.random() < 0.85:
            fields["response_due_on"] = notified + dt.timedelta(days=10)
            fields["response_received_on"] = notified + dt.timedelta(days=max(1, span // 3))
        else:  # no response, and the due date had passed by the decision
            fields["response_due_on"] = notified + dt.timedelta(days=max(1, span // 2))

    # --- The event chain ----------------------------------------------------------

    def _chain_events(self, pairs: list[tuple[Concern, dict[str, Any]]]) -> int:
        """Append one event per concern to its organisation's chain. Inside a transaction.

        Heads are locked in organisation order (the same order for every writer that
        locks several), then each event's hash covers the previous one, as in
        `audit.chain.record_event`.
        """
        by_org: dict[int, list[tuple[Concern, dict[str, Any]]]] = defaultdict(list)
        for concern, event in pairs:
            by_org[concern.organisation_id].append((concern, event))
        events: list[Event] = []
        heads: list[EventChainHead] = []
        for organisation_id in sorted(by_org):
            EventChainHead.objects.bulk_create(
                [EventChainHead(organisation_id=organisation_id)], ignore_conflicts=True
            )
            head = EventChainHead.objects.select_for_update().get(organisation_id=organisation_id)
            seq, prev = head.seq, head.hash
            for concern, event in by_org[organisation_id]:
                seq += 1
                digest = event_digest(
                    organisation_id=organisation_id,
                    seq=seq,
                    concern_id=concern.pk,
                    actor_id=event["actor_id"],
                    kind=event["kind"],
                    at=event["at"],
                    before=event["before"],
                    after=event["after"],
                    prev_hash=prev,
                )
                events.append(
                    self._row(
                        Event,
                        organisation_id=organisation_id,
                        concern_id=concern.pk,
                        seq=seq,
                        prev_hash=prev,
                        hash=digest,
                        **event,
                    )
                )
                prev = digest
            head.seq, head.hash = seq, prev
            heads.append(head)
        self._insert(Event, events)
        EventChainHead.objects.bulk_update(heads, ["seq", "hash"])
        return len(events)
