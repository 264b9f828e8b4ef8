"""A year of the demo organisation's concerns, made step by step through the real services.

Every concern is drafted and submitted through intake, then moved through the workflow
(`concern_act`, so `transition()`) by the people who would: triage recorded, an
investigator assigned, fairness steps and findings recorded, notes added, questions asked
and answered, concerns linked as one matter, decisions approved by an HR manager who did
not investigate. Each step runs at the moment it happened (`devtools.demo_clock`), all
concerns' steps in the order of time, so references follow the submission dates, every
event is dated when its change was made, and due dates count from the stage's start.

What a newcomer finds (`load_demo_concerns` docstring): a few recent concerns at every
stage, two of them overdue, and about eighty finished ones over the past twelve months,
enough for the dashboard's months and panels to show figures, with some small cells hidden.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import BusinessUnit, Headcount, Organisation, User
from accounts.services import HeadcountRow, headcount_import
from guidance.models import CodeSection, PlatformCategory
from incidents import charter
from incidents.casework import matters
from incidents.casework import services as casework
from incidents.intake import services as intake
from incidents.models import (
    ActionTaken,
    Concern,
    Finding,
    GraduatedResponse,
    ReporterQuestion,
    RiskRating,
    Status,
)
from incidents.reporter import services as reporter_side

from .demo_clock import clock_at

S = Status

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
        "Wrote a long thread criticising the new funding policy they work on, without saying the "
        "views were their own.",
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
        "Ran an online side business from the work laptop during work hours, posting several "
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
        "Posted videos of themselves drunk in uniform at a work function.",
        "video-photo-sharing",
        "TikTok",
        "private",
        ("3.9",),
    ),
    (
        "Commented in a local forum about a planning decision their unit made, naming the "
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
# How often each scenario comes up in the year's history (weights, same order).
SCENARIO_WEIGHTS = (9, 4, 8, 7, 6, 4, 3, 6, 3, 1, 5, 2)

# The employees concerned: (name, position, business unit).
SUBJECTS = (
    ("Alex Morgan", "Program Officer", "Community Programs"),
    ("Sam Taylor", "Senior Policy Adviser", "Policy and Strategy"),
    ("Jamie Chen", "Customer Service Officer", "Community Programs"),
    ("Chris Patel", "Communications Adviser", "Corporate Services"),
    ("Taylor Brown", "Team Leader", "Community Programs"),
    ("Morgan Lee", "Project Officer", "Policy and Strategy"),
    ("Jordan Smith", "Case Manager", "Community Programs"),
    ("Casey Wilson", "Administration Officer", "Corporate Services"),
    ("Robin Castillo", "Youth Worker", "Community Programs"),
    ("Kim Nakamura", "Policy Officer", "Policy and Strategy"),
    ("Drew Okafor", "Finance Officer", "Corporate Services"),
    ("Avery Rossi", "Community Engagement Officer", "Community Programs"),
)

# Submitted concerns per calendar month, from twelve months ago to two months ago (the
# last month and this one hold the open concerns below). Some months stay under five, so
# the dashboard hides them ("<5") and protects them with a second hidden cell.
MONTHLY = (4, 7, 12, 3, 8, 6, 14, 7, 2, 10, 8)
# A busy month (BUSY or more) is mostly one kind of concern (a post that went round, a
# team in trouble), so a view of that month alone shows its panels' figures: a report of
# several months shows a figure only where every month shows its own share of it
# (reporting.dashboard.hidden_by_parts), which a year of demo-sized months never does.
BUSY = 10
BUSY_SCENARIOS = (0, 0, 10, 10, 2, 5)  # all on social networking sites
BUSY_SUBJECTS = (0, 2, 4, 6, 8, 11)  # Community Programs
# The final status of a past concern (weights).
FINAL_WEIGHTS = {S.CLOSED: 60, S.DISMISSED: 22, S.REFERRED: 8, S.WITHDRAWN: 6}
# Staff per business unit, twelve months ago and now (headcount, for rates per 100 staff).
HEADCOUNT = {
    "Community Programs": (172, 186),
    "Corporate Services": (94, 91),
    "Policy and Strategy": (58, 64),
}
# Who past concerns were logged by (the reporter logs its own stories below).
HISTORY_REPORTERS = ("pwright", "dmurphy", "lhoang", "reporter")
HISTORY_REPORTER_WEIGHTS = (4, 3, 3, 1)

NOTES = (
    "Spoke with the reporter's manager; screenshots match the links given.",
    "Checked the account: it names the department in its profile.",
    "Employee's manager confirms the post was made outside work hours.",
    "Allegation letter drafted from the confirmed sections; sent by email and post.",
    "Employee asked for a support person at the interview; agreed.",
    "Interview held; the employee accepts making the post and has since deleted it.",
)
QUESTIONS = (
    (
        "Do you still have the screenshot you mention? If the post has been deleted, "
        "please add it here.",
        "Yes, I kept it. I have added it to the concern, with the date I took it.",
    ),
    (
        "Was anyone else from the team part of the chat when the messages were sent?",
        "Two others were in the chat; both saw the messages on the day.",
    ),
    (
        "Do you know whether the account is public or visible to friends only?",
        "It was public when I saw it; anyone could open the link without signing in.",
    ),
)
OUTCOMES = {
    Finding.SUBSTANTIATED: (
        "The conduct occurred and breached the Code. The employee accepted the finding.",
        ActionTaken.FORMAL_WARNING,
    ),
    Finding.PARTLY: (
        "Part of the conduct was established. The employee completed social media training.",
        ActionTaken.TRAINING,
    ),
    Finding.NOT_SUBSTANTIATED: (
        "The evidence did not establish that the employee made the posts.",
        ActionTaken.NONE,
    ),
    Finding.NO_CASE: (
        "The posts were made in a private capacity and did not identify the department.",
        ActionTaken.NONE,
    ),
}
FINDING_WEIGHTS = {
    Finding.SUBSTANTIATED: 35,
    Finding.PARTLY: 20,
    Finding.NOT_SUBSTANTIATED: 30,
    Finding.NO_CASE: 15,
}
REFERRED_TO = ("IBAC", "Victoria Police", "Victorian Ombudsman")


@dataclass
class Story:
    """One concern's life: who logged what, when, and how far it has come."""

    key: str
    status: str
    reporter: str
    scenario: int
    subject: int
    submitted: dt.datetime
    # Days after submission at which each stage was reached (only those on its path).
    triage_after: float = 1.0
    investigation_after: float = 4.0
    decision_after: float = 40.0
    final_after: float = 45.0
    investigator: str = "investigator"
    approver: str = "hrmanager"
    risk: str = RiskRating.MEDIUM
    finding: str = Finding.SUBSTANTIATED
    possible_pid: str = "no"
    question: int | None = None
    answered: bool = True
    addition: str = ""
    notes: int = 1
    link: str = ""  # a story whose post this is too
    extra: dict = field(default_factory=dict)
    # The facts put to the employee: the allegation notice is issued as a letter (and, once
    # closed, the notice of outcome and the message to the reporter) instead of the dates
    # being typed in.
    letter_facts: str = ""


@dataclass
class World:
    """What the steps need: people by username, sections by code, the concerns made."""

    organisation: Organisation
    people: dict[str, User]
    sections: dict[str, CodeSection]
    categories: dict[str, PlatformCategory]
    units: dict[str, BusinessUnit]
    concerns: dict[str, int] = field(default_factory=dict)

    def concern(self, story: Story) -> Concern:
        return Concern.objects.select_related("organisation", "subject").get(
            pk=self.concerns[story.key]
        )


Step = tuple[dt.datetime, int, Callable[[World], None]]


# --- The steps ---------------------------------------------------------------------------


# The Charter consideration (s 38) the demo's decision-makers record at a formal
# investigation, an adverse finding and a disciplinary action.
DEMO_RIGHTS = {
    "rights_expression": (
        "The post was made on a personal account, but it comments on the employee's own "
        "program and names its clients, which the Code asks staff not to do."
    ),
    "rights_privacy": (
        "Only the public post and its screenshot were collected; nothing else from the "
        "account. The outcome is known to HR and the employee's manager only."
    ),
    "rights_proportionality": (
        "Looking into it protects the clients' privacy and trust in the program; the "
        "response chosen is the least one that does so."
    ),
}


def _act(world: World, story: Story, action: str, actor: str, **inputs: str) -> None:
    concern = world.concern(story)
    casework.concern_act(
        concern=concern,
        actor=world.people[actor],
        action=action,
        expected_version=concern.version,
        inputs=inputs or None,
    )


def _request_review(world: World, story: Story) -> None:
    """The employee asked for a review of the outcome; hrmanager2, who took no part in it
    and did not approve it, reviews it."""
    concern = world.concern(story)
    casework.outcome_review_request(
        concern=concern,
        actor=world.people[story.approver],
        requested_on=timezone.localdate(),
        reviewer=world.people["hrmanager2"],
        expected_version=concern.version,
    )


def _draft(world: World, story: Story, at: dt.datetime) -> None:
    text, category, platform, use, codes = SCENARIOS[story.scenario]
    name, position, unit = SUBJECTS[story.subject]
    link = story.link or story.key
    data = intake.ConcernData(
        occurred_on=(at - dt.timedelta(days=2)).date(),
        description=text,
        platform_category=world.categories[category],
        platform_name=platform,
        use_context=use,
        links=[f"https://example.org/{platform.lower()}/post/{link}"],
        subject_name=name,
        subject_position=position,
        subject_business_unit=world.units[unit],
        sections=[world.sections[code] for code in codes if code in world.sections],
        possible_pid=story.possible_pid,
    )
    concern = intake.concern_create_draft(reporter=world.people[story.reporter], data=data, at=at)
    world.concerns[story.key] = concern.pk


def _submit(world: World, story: Story) -> None:
    concern = world.concern(story)
    intake.concern_submit(
        concern=concern, actor=world.people[story.reporter], expected_version=concern.version
    )


def _record_triage(world: World, story: Story, actor: str) -> None:
    concern = world.concern(story)
    codes = SCENARIOS[story.scenario][4]
    response = (
        GraduatedResponse.MISCONDUCT
        if story.risk in (RiskRating.HIGH, RiskRating.CRITICAL)
        else GraduatedResponse.INFORMAL
    )
    casework.concern_record_triage(
        concern=concern,
        actor=world.people[actor],
        data=casework.TriageData(
            graduated_response=response,
            risk_rating=story.risk,
            sections=[world.sections[code] for code in codes if code in world.sections],
        ),
        expected_version=concern.version,
    )


def _assign(world: World, story: Story) -> None:
    concern = world.concern(story)
    casework.concern_assign(
        concern=concern,
        actor=world.people["hrmanager"],
        assignee=world.people[story.investigator],
        expected_version=concern.version,
    )


def _fairness(world: World, story: Story, notified: dt.date, received: dt.date | None) -> None:
    concern = world.concern(story)
    casework.concern_record_fairness(
        concern=concern,
        actor=world.people[story.investigator],
        data=casework.FairnessData(
            allegation_notified_on=notified,
            response_due_on=notified + dt.timedelta(days=10),
            response_received_on=received,
        ),
        expected_version=concern.version,
    )


def _findings(world: World, story: Story) -> None:
    concern = world.concern(story)
    summary, action = OUTCOMES[story.finding]
    section_ids = list(concern.findings.values_list("section_id", flat=True))
    casework.concern_record_findings(
        concern=concern,
        actor=world.people[story.investigator],
        data=casework.FindingsData(
            findings=dict.fromkeys(section_ids, story.finding),
            action_taken=action,
            outcome_summary=summary,
            rights=charter.Answers.of(DEMO_RIGHTS),
        ),
        expected_version=concern.version,
    )


def _note(world: World, story: Story, index: int) -> None:
    casework.note_add(
        concern=world.concern(story),
        actor=world.people[story.investigator],
        text=NOTES[index % len(NOTES)],
    )


def _ask(world: World, story: Story) -> None:
    reporter_side.question_ask(
        concern=world.concern(story),
        actor=world.people[story.investigator],
        text=QUESTIONS[story.question][0],
    )


def _answer(world: World, story: Story) -> None:
    question = ReporterQuestion.objects.filter(concern_id=world.concerns[story.key]).latest("pk")
    reporter_side.question_answer(
        question=question, actor=world.people[story.reporter], answer=QUESTIONS[story.question][1]
    )


def _add(world: World, story: Story) -> None:
    reporter_side.addition_add(
        concern=world.concern(story), actor=world.people[story.reporter], note=story.addition
    )


def _link(world: World, story: Story) -> None:
    concern = world.concern(story)
    other = Concern.objects.get(pk=world.concerns[story.link])
    matters.matter_link(
        concern=concern,
        other=other,
        actor=world.people["hrmanager"],
        reason="Both concerns are about the same video, reported by two managers.",
        expected_version=concern.version,
    )


def _letter(world: World, story: Story, kind: str, actor: str, **inputs) -> None:
    """A letter drafted from the organisation's template and issued, through the letters'
    services (the allegation notice records the fairness dates itself)."""
    from incidents.letters import services as letters

    person = world.people[actor]
    draft = letters.letter_draft(concern=world.concern(story), actor=person, kind=kind, **inputs)
    letters.letter_issue(letter=draft, actor=person, expected_version=draft.version)


def _allegation_notice(world: World, story: Story) -> None:
    _letter(
        world,
        story,
        "allegation_notice",
        story.investigator,
        facts=story.letter_facts,
        response_due_on=timezone.localdate() + dt.timedelta(days=10),
    )


# --- A story as dated steps -----------------------------------------------------------------


def _steps(story: Story, order: int) -> list[Step]:
    """The story's steps, each with its moment; `order` keeps same-moment steps in order."""
    t0 = story.submitted
    days = dt.timedelta(days=1)
    steps: list[Step] = []

    def at(offset: float, step: Callable[[World], None]) -> None:
        steps.append((t0 + offset * days, order * 100 + len(steps), step))

    at(-0.02, lambda w: _draft(w, story, t0 - 0.02 * days))
    if story.status == S.DRAFT:
        return steps
    at(0, lambda w: _submit(w, story))
    if story.status == S.WITHDRAWN:
        reason = "I spoke with the employee and the matter has been resolved between us."
        at(story.final_after, lambda w: _act(w, story, "withdraw", story.reporter, reason=reason))
        return steps
    if story.status == S.SUBMITTED:
        return steps
    triager = "investigator" if story.investigator == "investigator" else "hrmanager"
    at(story.triage_after, lambda w: _act(w, story, "start_triage", triager))
    at(story.triage_after + 0.05, lambda w: _record_triage(w, story, triager))
    if story.link:
        at(story.triage_after + 0.1, lambda w: _link(w, story))
    if story.status == S.TRIAGE:
        return steps
    if story.status == S.DISMISSED:
        at(
            story.final_after,
            lambda w: _act(
                w,
                story,
                "dismiss",
                triager,
                reason="The conduct was in a private capacity and did not identify the "
                "employee's work or the department.",
                reporter_message="Thank you for raising this. HR looked at it and will not "
                "take it further.",
            ),
        )
        return steps
    if story.status == S.REFERRED:
        body = story.extra.get("referred_to", REFERRED_TO[story.subject % len(REFERRED_TO)])
        at(
            story.final_after,
            lambda w: _act(
                w,
                story,
                "refer",
                "hrmanager",
                referred_to=body,
                reason="The conduct may be a criminal matter or a disclosure for that body.",
                reporter_message="This has been passed to the body responsible for it.",
            ),
        )
        return steps
    start = story.investigation_after
    at(start - 0.1, lambda w: _assign(w, story))
    at(
        start,
        lambda w: _act(w, story, "start_investigation", story.investigator, **DEMO_RIGHTS),
    )
    span = (story.decision_after if story.status != S.INVESTIGATION else start + 8) - start
    notified_at = t0 + (start + span * 0.2) * days
    notified = timezone.localdate(notified_at)
    received = notified + dt.timedelta(days=max(1, int(span * 0.3)))
    if story.question is not None:
        at(start + span * 0.1, lambda w: _ask(w, story))
        if story.answered:
            at(start + span * 0.15, lambda w: _answer(w, story))
    if story.addition:
        at(start + span * 0.18, lambda w: _add(w, story))
    if story.letter_facts:
        at(start + span * 0.2, lambda w: _allegation_notice(w, story))
    else:
        at(start + span * 0.2, lambda w: _fairness(w, story, notified, None))
    for index in range(story.notes):
        at(start + span * (0.25 + 0.1 * index), lambda w, i=index: _note(w, story, i))
    if story.status == S.INVESTIGATION:
        return steps
    at(start + span * 0.7, lambda w: _fairness(w, story, notified, received))
    at(start + span * 0.8, lambda w: _findings(w, story))
    at(story.decision_after, lambda w: _act(w, story, "propose_decision", story.investigator))
    if story.status == S.DECISION:
        return steps
    at(
        story.final_after,
        lambda w: _act(
            w,
            story,
            "close",
            story.approver,
            reporter_message="Thank you for logging this. HR has finished looking into it "
            "and has taken the action it considered appropriate.",
        ),
    )
    if story.status == S.REVIEW:  # the employee asked for a review within the period
        at(story.final_after + 3, lambda w: _request_review(w, story))
    if story.letter_facts:
        at(story.final_after + 0.1, lambda w: _letter(w, story, "outcome", story.approver))
        at(
            story.final_after + 0.15,
            lambda w: _letter(
                w,
                story,
                "reporter_closure",
                story.approver,
                message="HR looked into what you raised and has dealt with it. Thank you for "
                "taking the time to tell us.",
            ),
        )
    return steps


# --- The stories ----------------------------------------------------------------------------


def _ago(now: dt.datetime, days: float) -> dt.datetime:
    """`days` before now, moved into office hours (9:00 to 17:00 local)."""
    moment = timezone.localtime(now - dt.timedelta(days=days))
    hour = min(max(moment.hour, 9), 16)
    return moment.replace(hour=hour)


def recent_stories(now: dt.datetime) -> list[Story]:
    """The concerns a newcomer opens first: every stage, with the reporter's own."""
    ago = lambda days: _ago(now, days)  # noqa: E731
    return [
        Story("draft", S.DRAFT, "reporter", 4, 4, ago(0.3)),
        Story("new", S.SUBMITTED, "reporter", 0, 8, ago(1)),
        Story("restricted", S.SUBMITTED, "dmurphy", 11, 9, ago(2), possible_pid="unsure"),
        Story("new-2", S.SUBMITTED, "lhoang", 6, 3, ago(2.5)),
        Story("triage", S.TRIAGE, "pwright", 2, 11, ago(3), triage_after=0.5),
        # Overdue: in triage for two weeks with nobody moving it on.
        Story("triage-late", S.TRIAGE, "lhoang", 8, 5, ago(16), triage_after=1),
        Story(
            "video",
            S.INVESTIGATION,
            "reporter",
            7,
            0,
            ago(17),
            triage_after=1,
            investigation_after=3,
            question=0,
            letter_facts="A video filmed at your workplace, showing clients' faces, was posted "
            "from your account and shared publicly.",
            addition="I found a second copy of the video shared by another account; the link "
            "is https://example.org/tiktok/post/video-copy.",
            notes=2,
        ),
        # The same video, logged by another manager: linked as one matter.
        Story(
            "video-2",
            S.INVESTIGATION,
            "pwright",
            7,
            0,
            ago(15.7),
            triage_after=0.5,
            investigation_after=2,
            link="video",
        ),
        # Overdue: a high-risk investigation past its ten working days.
        Story(
            "late",
            S.INVESTIGATION,
            "dmurphy",
            10,
            2,
            ago(34),
            triage_after=1,
            investigation_after=3,
            risk=RiskRating.HIGH,
            notes=2,
        ),
        # Investigated by an HR manager; a question waits for the reporter.
        Story(
            "asked",
            S.INVESTIGATION,
            "reporter",
            3,
            1,
            ago(9),
            triage_after=0.5,
            investigation_after=2,
            investigator="hrmanager",
            question=2,
            answered=False,
        ),
        Story(
            "decision",
            S.DECISION,
            "lhoang",
            4,
            7,
            ago(30),
            triage_after=1,
            investigation_after=3,
            decision_after=27,
            question=1,
        ),
        # Investigated by hrmanager, so only hrmanager2 can approve it.
        Story(
            "decision-2",
            S.DECISION,
            "pwright",
            5,
            10,
            ago(26),
            triage_after=1,
            investigation_after=2,
            decision_after=24,
            investigator="hrmanager",
            finding=Finding.PARTLY,
        ),
        Story(
            "closed",
            S.CLOSED,
            "reporter",
            0,
            6,
            ago(80),
            triage_after=1,
            investigation_after=4,
            decision_after=50,
            final_after=56,
            question=0,
            letter_facts="A photo of a client's file, with the client's name readable, was "
            "posted on your public page.",
        ),
        # Closed ten days ago; the employee has asked for a review of its outcome.
        Story(
            "review",
            S.REVIEW,
            "pwright",
            2,
            5,
            ago(40),
            triage_after=1,
            investigation_after=3,
            decision_after=25,
            final_after=30,
        ),
        Story("dismissed", S.DISMISSED, "reporter", 9, 7, ago(40), final_after=3),
        Story("withdrawn", S.WITHDRAWN, "reporter", 5, 11, ago(22), final_after=1),
        Story(
            "referred",
            S.REFERRED,
            "dmurphy",
            1,
            1,
            ago(52),
            final_after=4,
            extra={"referred_to": "Victorian Electoral Commission"},
        ),
    ]


def _month_start(today: dt.date, back: int) -> dt.date:
    month = today.year * 12 + today.month - 1 - back
    return dt.date(month // 12, month % 12 + 1, 1)


def history_stories(now: dt.datetime, rng: random.Random) -> list[Story]:
    """The past year's finished concerns, month by month (MONTHLY)."""
    today = timezone.localdate(now)
    stories = []
    for index, count in enumerate(MONTHLY):
        back = len(MONTHLY) + 1 - index  # twelve months ago .. two months ago
        first = _month_start(today, back)
        length = (_month_start(today, back - 1) - first).days
        busy = count >= BUSY
        for number in range(count):
            scenario = (
                rng.choice(BUSY_SCENARIOS)
                if busy
                else rng.choices(range(len(SCENARIOS)), weights=SCENARIO_WEIGHTS)[0]
            )
            subject = rng.choice(BUSY_SUBJECTS) if busy else rng.randrange(len(SUBJECTS))
            day = first + dt.timedelta(days=rng.randrange(length))
            submitted = timezone.make_aware(
                dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.randint(0, 59)))
            )
            age = (now - submitted).total_seconds() / 86400
            status = rng.choices(list(FINAL_WEIGHTS), weights=list(FINAL_WEIGHTS.values()))[0]
            triage = rng.uniform(0.1, 3)
            start = triage + rng.uniform(0.5, 4)
            decision = start + rng.uniform(14, 45)
            final = decision + rng.uniform(1, 9)
            if status == S.DISMISSED:
                final = triage + rng.uniform(0.5, 6)
            elif status in (S.REFERRED, S.WITHDRAWN):
                final = triage + rng.uniform(0.2, 4)
            if final > age - 1:  # squeeze a late one into the time since it was logged
                scale = (age - 1) / final
                triage, start, decision, final = (
                    v * scale for v in (triage, start, decision, final)
                )
            manager_investigates = rng.random() < 0.25
            stories.append(
                Story(
                    f"past-{index}-{number}",
                    status,
                    rng.choices(HISTORY_REPORTERS, weights=HISTORY_REPORTER_WEIGHTS)[0],
                    scenario,
                    subject,
                    submitted,
                    triage_after=triage,
                    investigation_after=start,
                    decision_after=decision,
                    final_after=final,
                    investigator="hrmanager" if manager_investigates else "investigator",
                    approver="hrmanager2" if manager_investigates else "hrmanager",
                    risk=rng.choice((RiskRating.LOW, RiskRating.MEDIUM, RiskRating.HIGH)),
                    finding=rng.choices(
                        list(FINDING_WEIGHTS), weights=list(FINDING_WEIGHTS.values())
                    )[0],
                    notes=rng.randint(0, 2),
                    question=0 if rng.random() < 0.15 else None,
                )
            )
    return stories


# --- Loading --------------------------------------------------------------------------------


def _headcount(organisation: Organisation, today: dt.date) -> int:
    """Each unit's staff for the past twelve months and this one, rising or falling evenly."""
    if Headcount.objects.filter(organisation=organisation).exists():
        return 0
    rows = []
    months = len(MONTHLY) + 2
    for unit, (then, now) in HEADCOUNT.items():
        for back in range(months):
            staff = round(now + (then - now) * back / (months - 1))
            rows.append(HeadcountRow(unit, _month_start(today, back), staff))
    return headcount_import(organisation=organisation, rows=rows)


@transaction.atomic
def load_demo_concerns(*, people: dict[str, User], seed: int = 2026) -> int:
    """Create the demo organisation's year of concerns, once: a second run finds them and
    creates nothing (returns 0). Then each business unit's headcount, once too."""
    organisation = people["reporter"].organisation
    now = timezone.now()
    made = 0
    if not Concern.objects.filter(organisation=organisation).exists():
        made = _load_stories(organisation, people, now, seed)
    _headcount(organisation, timezone.localdate(now))
    return made


def _load_stories(
    organisation: Organisation, people: dict[str, User], now: dt.datetime, seed: int
) -> int:
    # Demo data, not security: a seeded generator keeps it reproducible.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    world = World(
        organisation=organisation,
        people=people,
        sections={s.code: s for s in CodeSection.objects.current()},
        categories={c.code: c for c in PlatformCategory.objects.all()},
        units={u.name: u for u in BusinessUnit.objects.filter(organisation=organisation)},
    )
    stories = history_stories(now, rng) + recent_stories(now)
    # Every concern's steps in the order of time, so the events' record reads in order.
    steps = sorted(
        (step for order, story in enumerate(stories) for step in _steps(story, order)),
        key=lambda step: (step[0], step[1]),
    )
    for moment, _, step in steps:
        with clock_at(moment):
            step(world)
    return len(stories)
