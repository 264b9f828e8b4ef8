"""A few dozen realistic concerns for the demo organisation, made through the intake services."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import BusinessUnit, User
from guidance.models import CodeSection, PlatformCategory
from incidents.intake import services as intake
from incidents.models import Concern

# (description, platform category, platform name, use context, sections)
SCENARIOS = (
    (
        "Posted a photo of a client's case file on a public Facebook page, with the client's name "
        "readable.",
        "social-networking",
        "Facebook",
        "private",
        ("6.2", "3.9"),
    ),
    (
        "Shared a candidate's campaign video from the program's official account two weeks before "
        "the state election.",
        "social-networking",
        "Facebook",
        "official",
        ("2.2",),
    ),
    (
        "Replied to a resident's complaint on the department's page calling them an idiot who "
        "should move suburbs.",
        "social-networking",
        "Facebook",
        "official",
        ("6.1", "3.9"),
    ),
    (
        "Wrote a long thread criticising the new funding policy he works on, without saying the "
        "views were his own.",
        "micro-blogging",
        "X",
        "private",
        ("3.5",),
    ),
    (
        "Made jokes about a colleague's accent and religion in the team's group chat.",
        "email-messaging",
        "WhatsApp",
        "private",
        ("6.4",),
    ),
    (
        "Ran her online side business from the work laptop during work hours, posting several "
        "times a day.",
        "social-networking",
        "Instagram",
        "private",
        ("5.3",),
    ),
    (
        "Deleted several replies from the official account after a complaint, without keeping "
        "a copy.",
        "micro-blogging",
        "X",
        "official",
        ("5.4",),
    ),
    (
        "Posted videos of himself drunk in uniform at a work function.",
        "video-photo-sharing",
        "TikTok",
        "private",
        ("3.9",),
    ),
    (
        "Commented in a local forum about a planning decision his unit made, naming the "
        "applicants.",
        "forums",
        "Reddit",
        "unclear",
        ("6.2", "3.5"),
    ),
    (
        "Edited the agency's Wikipedia page to remove criticism, from the office network.",
        "wikis",
        "Wikipedia",
        "unclear",
        ("5.3", "3.9"),
    ),
    (
        "Repeatedly posted mocking comments about a team member's disability on LinkedIn.",
        "social-networking",
        "LinkedIn",
        "private",
        ("6.4", "3.9"),
    ),
    (
        "Discussed upcoming budget cuts on a podcast before they were announced.",
        "vod-podcasting",
        "Podcast",
        "private",
        ("6.2", "3.5"),
    ),
)

SUBJECTS = (
    ("Alex Morgan", "Program Officer"),
    ("Sam Taylor", "Senior Policy Adviser"),
    ("Jamie Chen", "Customer Service Officer"),
    ("Chris Patel", "Communications Adviser"),
    ("Taylor Brown", "Team Leader"),
    ("Morgan Lee", "Project Officer"),
    ("Jordan Smith", "Case Manager"),
    ("Casey Wilson", "Administration Officer"),
)


@transaction.atomic
def load_demo_concerns(*, reporter: User, count: int = 36, seed: int = 2026) -> int:
    """Create `count` submitted concerns spread over the past year. Idempotent: tops up only."""
    existing = Concern.objects.filter(reporter=reporter).count()
    if existing >= count:
        return 0
    # Demo data, not security: a seeded generator keeps it reproducible.
    rng = random.Random(seed + existing)  # noqa: S311  # nosec B311
    units = list(BusinessUnit.objects.filter(organisation=reporter.organisation))
    categories = {c.code: c for c in PlatformCategory.objects.all()}
    sections = {s.code: s for s in CodeSection.objects.current()}
    now = timezone.now()
    for index in range(existing, count):
        text, category, platform, use, codes = SCENARIOS[index % len(SCENARIOS)]
        name, position = SUBJECTS[rng.randrange(len(SUBJECTS))]
        reported = now - dt.timedelta(days=rng.randint(1, 360), hours=rng.randint(0, 8))
        data = intake.ConcernData(
            occurred_on=(reported - dt.timedelta(days=rng.randint(0, 6))).date(),
            description=text,
            platform_category=categories[category],
            platform_name=platform,
            use_context=use,
            links=[f"https://example.org/{platform.lower()}/post/{1000 + index}"],
            subject_name=name,
            subject_position=position,
            subject_business_unit=rng.choice(units) if units else None,
            sections=[sections[code] for code in codes if code in sections],
        )
        concern = intake.concern_create_draft(reporter=reporter, data=data, at=reported)
        intake.concern_submit(
            concern=concern,
            actor=reporter,
            expected_version=concern.version,
            at=reported + dt.timedelta(minutes=rng.randint(5, 40)),
        )
    return count - existing
