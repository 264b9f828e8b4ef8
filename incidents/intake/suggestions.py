"""Explainable Code-of-Conduct section suggestions for a free-text concern description.

A manager describes what they saw ("Posted drunk photos in uniform on Instagram ..."). This
module suggests which of the eight Code of Conduct sections named in the Victorian public
sector social media guidance may be relevant, and says *why*, in plain words.

Approach
--------
The engine is deliberately simple and transparent, so a reviewer can always see how a
suggestion was reached and disagree with it:

* Each section has a handful of **cue groups** (``CueGroup``). A cue group is one idea
  ("mentions an election or campaign", "uses a work device") made of several terms or
  short regular expressions, a weight, and a plain-English label used in the reason.
* Plain terms are compiled to case-insensitive, word-boundary regular expressions that
  also accept simple inflections (``vote`` matches *votes, voted, voting*; ``party``
  matches *parties*). Terms written as ``re:...`` are used as regular expressions as-is.
* A section's raw strength is the sum of the weights of the distinct cue groups found,
  with a small bonus for extra distinct terms inside a group, plus **synergy** bonuses
  when two groups that mean more together are both present (for example, an official
  account *and* a discourteous reply point to fair and objective treatment).
* The raw strength is squashed to a 0..1 score with ``1 - exp(-raw)``, so several distinct
  cues count for more than one, with diminishing returns.
* Every matched cue group produces one reason, naming the words found, for example
  ``Mentions "vote" and "election" — election or campaign activity (2.2).``

The rules are negation-naive: "did not mention the election" still counts "election". That
is acceptable for a suggestion aid a person always reviews, and it keeps the rules
predictable. The rules are kept as data (``SECTION_RULES``), not as branching code.

This module has no Django imports, so it can be tested and reused without a database.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MIN_SCORE",
    "MAX_TEXT_CHARS",
    "SECTION_CODES",
    "SECTION_RULES",
    "CueGroup",
    "SectionRule",
    "Suggestion",
    "Synergy",
    "suggest_sections",
]

#: Only the first part of a description is examined; keeps very large input fast.
MAX_TEXT_CHARS = 20_000
DEFAULT_LIMIT = 3
#: Suggestions scoring below this are dropped. Tuned on the main labelled example set.
DEFAULT_MIN_SCORE = 0.4
#: Extra weight for each additional distinct term found inside one cue group (capped).
_EXTRA_TERM_BONUS = 0.15
_EXTRA_TERM_CAP = 2
#: At most this many detected words are quoted in one reason.
_MAX_TERMS_IN_REASON = 3
_MAX_TERM_DISPLAY = 40


@dataclass(frozen=True)
class Suggestion:
    """One suggested Code section, with its strength and the reasons behind it."""

    code: str
    title: str
    score: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "score": self.score,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class CueGroup:
    """One idea that points to a section: its terms, weight and plain-English label."""

    key: str
    label: str
    weight: float
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Synergy:
    """Extra weight when all the named cue groups of a section are present together."""

    keys: tuple[str, ...]
    bonus: float


@dataclass(frozen=True)
class SectionRule:
    code: str
    title: str
    groups: tuple[CueGroup, ...]
    synergies: tuple[Synergy, ...] = ()


# ---------------------------------------------------------------------------------------
# Shared term lists (used by more than one section).
# ---------------------------------------------------------------------------------------

#: An account, page or channel run by or for the organisation.
_OFFICIAL_CHANNEL: tuple[str, ...] = (
    r"re:\bofficial\s+(?:[\w-]+\s+){0,2}(?:accounts?|pages?|handles?|channels?|feeds?|profiles?)\b",
    r"re:\b(?:department|agency|organisation|council|service|program|programme|team|unit"
    r"|ministry|authority)(?:'s)?\s+(?:[\w-]+\s+){0,2}"
    r"(?:accounts?|pages?|handles?|channels?|feeds?)\b",
    r"re:\bour\s+(?:[\w-]+\s+){0,1}(?:accounts?|pages?|handles?|channels?)\b",
    r"re:\b(?:agency|department|corporate|work)\s+handle\b",
)

#: Signs the person is identifiable as a public sector employee.
_IDENTIFIABLE_AS_EMPLOYEE: tuple[str, ...] = (
    r"re:\b(?:profile|bio|linkedin)\b[^.]{0,40}\b(?:says|lists|names|shows|states|mentions)\b"
    r"[^.]{0,40}\b(?:works?|job|role|department|agency|employer|workplace|position)\b",
    r"re:\bin\s+(?:(?:his|her|their|full|work)\s+)?uniform\b",
    r"re:\bwearing\s+(?:(?:his|her|their)\s+)?(?:work\s+)?uniform\b",
    "ID badge",
    "lanyard",
    "job title",
    r"re:\b(?:as|being)\s+a\s+public\s+servant\b",
    "taxpayer",
)

_POLITICAL_PARTIES: tuple[str, ...] = (
    "political party",
    "minor party",
    "Labor",
    "Liberal",
    "Greens",
    "Nationals",
    "the Nats",
    "One Nation",
    "teal independent",
    "party-political",
    "party political",
    r"re:\bparty\s+(?:t-?shirts?|badges?|merch\w*|material|volunteers?|members?|faithful)\b",
)

_ELECTIONS: tuple[str, ...] = (
    "election",
    "by-election",
    "re-election",
    "preselection",
    "campaign",
    "candidate",
    "vote",
    "how-to-vote",
    "ballot",
    "polling booth",
    "electorate",
    "marginal seat",
    r"re:\b(?:hold|holds|holding|win|wins|winning|retain\w*|keep\w*|contest\w*)\s+"
    r"(?:the|a|their|his|her)\s+seat\b",
    "political rally",
)

_POLITICIANS: tuple[str, ...] = (
    "Minister",
    "Premier",
    "Prime Minister",
    "MP",
    "member of parliament",
    "local member",
    "sitting member",
    "Opposition leader",
    "the Opposition",
    "shadow minister",
    "senator",
    "upper house",
    "parliament",
    "politician",
)

_PERSONAL_OPINION: tuple[str, ...] = (
    "personal opinion",
    "personal view",
    "own view",
    "own opinion",
    r"re:\bviews?\s+(?:were|was|are|is)\s+(?:his|her|their|my)\s+own\b",
    "not official",
    "in a personal capacity",
    "rant",
    "disagree",
    "criticise",
    "criticism",
    "critical of",
)

_DISCOURTEOUS: tuple[str, ...] = (
    "rude",
    "rudely",
    "discourteous",
    "impolite",
    "sarcastic",
    "sarcasm",
    "eye-roll",
    "dismissive",
    "dismissively",
    "curt",
    "curtly",
    "condescending",
    "patronising",
    "patronizing",
    "belittle",
    "ridicule",
    "mock",
    "snapped",
    "shot back",
    "hostile",
    "disrespectful",
    "abrupt",
    "abruptly",
    "snarky",
)

_RECORDS_GAP: tuple[str, ...] = (
    r"re:\bno\s+(?:\w+\s+){0,2}records?\b",
    r"re:\b(?:without|not|never)\s+(?:\w+\s+){0,2}(?:record\w*|archiv\w*|sav\w+|logg\w*)\b",
    "record-keeping",
    "record keeping",
    "records management",
    "record of",
    "archive",
    r"re:\bno\s+(?:\w+\s+){0,1}(?:copy|copies|trace|log|trail|history|screenshot)\b",
    r"re:\b(?:nobody|no one|no-one)\s+(?:\w+\s+){0,1}(?:saved|kept|recorded|logged|archived)\b",
    "audit trail",
    "approval trail",
    r"re:\bclear\w*\s+(?:the\s+)?(?:\w+\s+)?history\b",
)

_DELETED_OR_ALTERED: tuple[str, ...] = (
    "delete",
    "deletion",
    "remove",
    "removal",
    "wipe",
    "erase",
    "scrub",
    "took down",
    "taken down",
    "take down",
    r"re:\bedit(?:ed|ing|s)?\s+(?:them|it|the\s+posts?|posts?)\b",
)

_CONFIDENTIAL_MATERIAL: tuple[str, ...] = (
    "confidential",
    "confidentiality",
    "leak",
    "leaked",
    r"re:\binternal\s+(?:[\w-]+\s+){0,1}(?:documents?|briefings?|emails?|memos?|reports?"
    r"|spreadsheets?|files?|papers?|chains?|minutes|data)\b",
    r"re:\bdraft\s+(?:\w+\s+){0,1}(?:documents?|briefings?|reports?|policy|policies|budgets?)\b",
    "unreleased",
    "embargoed",
    "classified",
    "sensitive information",
    "cabinet papers",
    "cabinet documents",
    "cabinet-in-confidence",
    "before it was released",
    "not yet public",
)

_PERSONAL_INFORMATION: tuple[str, ...] = (
    "personal information",
    "personal details",
    "personal data",
    "privacy",
    "private information",
    r"re:\b(?:client|customer|patient|applicant|resident)s?'?(?:'s)?\s+"
    r"(?:[\w-]+\s+){0,1}(?:details|files?|names?|records?|history|information|forms?)\b",
    "case file",
    "case history",
    "case notes",
    r"re:(?<!email\s)\baddress(?:es)?\b",
    "home address",
    "phone number",
    "date of birth",
    "medical",
    "health information",
    "health records",
    "could be identified",
    "identifiable",
    r"re:\bwhere\s+(?:he|she|they)\s+(?:now\s+)?lives?\b",
    "under investigation",
)

_WORK_SOURCED: tuple[str, ...] = (
    "client",
    "patient",
    "applicant",
    "caseworker",
    "case manager",
    "compliance",
    "investigation",
    "from work",
    "acquired at work",
    "screenshot",
    "spreadsheet",
)

_HARASSMENT: tuple[str, ...] = (
    "harass",
    "harassment",
    "bully",
    "bullying",
    "intimidate",
    "intimidation",
    "ganging up",
    "gang up",
    "sexually suggestive",
    "sexual",
    "unwanted",
    "stalking",
    "victimise",
    r"re:\bcall(?:s|ed|ing)?\s+(?:her|him|them)\s+names\b",
    "exclude",
    "excluding",
    "impersonate",
    "impersonating",
    "parody account",
    "targeting",
)

_DISCRIMINATION: tuple[str, ...] = (
    "racist",
    "racism",
    "racial slur",
    "sexist",
    "sexism",
    "misogynist",
    "misogynistic",
    "homophobic",
    "homophobia",
    "transphobic",
    "transphobia",
    "xenophobic",
    "islamophobic",
    "antisemitic",
    "ableist",
    "ageist",
    "discriminate",
    "discriminatory",
    "discrimination",
    "bigot",
    "bigoted",
    "slur",
)

_PROTECTED_ATTRIBUTES: tuple[str, ...] = (
    "race",
    "racial",
    "ethnic",
    "ethnicity",
    "refugee",
    "migrant",
    "immigrant",
    "asylum seeker",
    "Muslim",
    "Islam",
    "Jewish",
    "Christian",
    "Aboriginal",
    "Indigenous",
    "First Nations",
    "Torres Strait",
    "religion",
    "religious",
    "hijab",
    "turban",
    "accent",
    "skin colour",
    "disability",
    "disabilities",
    "disabled",
    "wheelchair",
    "gender",
    "women",
    "female",
    "gay",
    "lesbian",
    "transgender",
    "trans",
    "LGBTIQ",
    "LGBTIQA+",
    "LGBT",
    "sexuality",
    "pregnant",
    "pregnancy",
    "older",
    "elderly",
    r"re:\b(?:her|his|their)\s+(?:weight|appearance|looks|body)\b",
)

_INTOXICATION: tuple[str, ...] = (
    "drunk",
    "intoxicated",
    "inebriated",
    "hungover",
    "wasted",
    "off his face",
    "off her face",
    "drug",
)

_OFFENSIVE: tuple[str, ...] = (
    "abusive",
    "abuse",
    "offensive",
    "obscene",
    "crude",
    "vulgar",
    "lewd",
    "explicit",
    "degrading",
    "insult",
    "swear",
    "swearing",
    "profanity",
    "expletive",
    "threaten",
    "threat",
    "troll",
    "trolling",
    "idiot",
    "moron",
    "nasty",
)

_HEATED_EXCHANGE: tuple[str, ...] = (
    "heated",
    "argument",
    "argue",
    "slanging match",
    "fight",
    "flame war",
    "stoush",
    "spat",
    "feud",
    "brawl",
    "slinging match",
)

_IMAGES_OF_SELF: tuple[str, ...] = (
    r"re:\b(?:photos?|pictures?|images?|videos?|footage|selfies?)\s+of\s+"
    r"(?:(?:him|her|them)sel(?:f|ves)|one of our|a staff|an? (?:officer|employee|worker))\b",
    "selfie",
    "inappropriate photo",
    "inappropriate image",
    "inappropriate video",
)

_REPUTATION: tuple[str, ...] = (
    "disrepute",
    "reputation",
    "reputational",
    "embarrass",
    "embarrassing",
    "media attention",
    "gone viral",
    "went viral",
    "viral",
    "widely shared",
    "backlash",
    r"re:\b(?:drawn|drew|attract\w*)\s+(?:\w+\s+){0,2}attention\b",
)

_RIDICULE: tuple[str, ...] = (
    "mock",
    "making fun",
    "make fun",
    "made fun",
    "ridicule",
    "laughing at",
)

# ---------------------------------------------------------------------------------------
# The rules.
# ---------------------------------------------------------------------------------------

SECTION_RULES: tuple[SectionRule, ...] = (
    SectionRule(
        code="2.2",
        title="Remaining apolitical",
        groups=(
            CueGroup("parties", "names a political party", 1.0, _POLITICAL_PARTIES),
            CueGroup("elections", "election or campaign activity", 0.9, _ELECTIONS),
            CueGroup("politicians", "refers to elected politicians", 0.45, _POLITICIANS),
            CueGroup(
                "partisan",
                "openly takes a political side",
                0.7,
                (
                    "partisan",
                    "endorse",
                    "endorsement",
                    "donation",
                    "donate",
                    "fundraising",
                    r"re:\bvot\w*\s+(?:him|her|them|it)\s+out\b",
                    r"re:\b(?:supporting|backing|support for)\s+(?:\w+\s+){0,2}"
                    r"(?:party|candidate|MP|member|Labor|Liberal|Greens|Nationals)\b",
                ),
            ),
        ),
        synergies=(
            Synergy(("parties", "elections"), 0.3),
            Synergy(("politicians", "partisan"), 0.3),
            Synergy(("elections", "partisan"), 0.3),
        ),
    ),
    SectionRule(
        code="3.5",
        title="Making public comment",
        groups=(
            CueGroup(
                "speaking_officially",
                "appears to speak for the organisation without authority",
                1.0,
                (
                    "on behalf of",
                    r"re:\bspeak\w*\s+(?:for|on behalf of)\s+(?:the|our|his|her)\s+"
                    r"(?:department|agency|organisation|government|council|service)\b",
                    r"re:\bas\s+(?:though|if)\s+(?:\w+\s+){0,4}"
                    r"(?:official|authorised|announcement|department|agency)\b",
                    "without approval",
                    "without authorisation",
                    "without permission",
                    "no authorisation",
                    "not authorised",
                    "unauthorised",
                    r"re:\b(?:hasn't|has not|hadn't|had not|wasn't|was not|not)\s+"
                    r"(?:been\s+)?approved\b",
                    r"re:\bwithout\s+(?:\w+\s+){0,2}"
                    r"(?:going through|approval|sign-?off|clearance)\b",
                    "official announcement",
                ),
            ),
            CueGroup(
                "personal_views",
                "personal opinions about government or work matters",
                0.6,
                _PERSONAL_OPINION,
            ),
            CueGroup(
                "media",
                "comment to or through the media",
                0.6,
                (
                    "journalist",
                    "reporter",
                    "the media",
                    "the press",
                    "podcast",
                    "newspaper",
                    "interview",
                    "quote",
                    "news article",
                ),
            ),
            CueGroup(
                "government_matters",
                "comments on government policy, programs or decisions",
                0.6,
                (
                    "policy",
                    "policies",
                    "reform",
                    "strategy",
                    "scheme",
                    "levy",
                    "budget",
                    "government's",
                    "announcement",
                    r"re:\b(?:new|own)\s+(?:[\w-]+\s+){0,1}(?:rules|policy|policies|fines|levy)\b",
                    "cabinet",
                    r"re:\b(?:fund|funding)\b",
                ),
            ),
            CueGroup("political", "political content", 0.35, _POLITICIANS + _POLITICAL_PARTIES),
            CueGroup("official_channel", "posted from an official channel", 0.3, _OFFICIAL_CHANNEL),
            CueGroup(
                "identifiable",
                "the author is identifiable as a public sector employee",
                0.35,
                _IDENTIFIABLE_AS_EMPLOYEE,
            ),
            CueGroup(
                "criticises_own",
                "criticises their own organisation's work",
                0.6,
                (
                    r"re:\bcritici\w+\s+(?:\w+\s+){0,3}(?:department|agency|government|reforms?"
                    r"|policy|policies|program|rules|strategy)\b",
                    r"re:\b(?:department|agency|government)'s\s+(?:[\w-]+\s+){0,3}"
                    r"(?:policy|policies|reforms?|strategy|program|rules)\b",
                ),
            ),
        ),
        synergies=(
            Synergy(("official_channel", "political"), 0.7),
            Synergy(("official_channel", "personal_views"), 0.5),
            Synergy(("identifiable", "government_matters"), 0.3),
            Synergy(("media", "government_matters"), 0.3),
        ),
    ),
    SectionRule(
        code="3.9",
        title="Public trust",
        groups=(
            CueGroup("intoxication", "intoxication on show", 1.0, _INTOXICATION),
            CueGroup("offensive", "abusive or offensive content", 0.9, _OFFENSIVE),
            CueGroup("heated", "a heated public exchange", 0.8, _HEATED_EXCHANGE),
            CueGroup("images", "images or videos that reflect on the person", 0.5, _IMAGES_OF_SELF),
            CueGroup("reputation", "possible damage to reputation", 0.6, _REPUTATION),
            CueGroup(
                "identifiable",
                "the author is identifiable as a public sector employee",
                0.35,
                _IDENTIFIABLE_AS_EMPLOYEE,
            ),
            CueGroup("ridicule", "publicly mocking people", 0.35, _RIDICULE),
            CueGroup("discriminatory", "discriminatory remarks in public", 0.5, _DISCRIMINATION),
            CueGroup(
                "others_details",
                "disclosing other people's personal details",
                0.4,
                _PERSONAL_INFORMATION,
            ),
            CueGroup(
                "public_post",
                "posted where the public can see it",
                0.2,
                (
                    "public profile",
                    "public page",
                    "public Facebook",
                    "public group",
                    "news story",
                    "news stories",
                    "comments section",
                    "in the comments",
                    "members of the public",
                    "followers",
                ),
            ),
        ),
        synergies=(
            Synergy(("offensive", "identifiable"), 0.3),
            Synergy(("intoxication", "images"), 0.3),
            Synergy(("intoxication", "identifiable"), 0.3),
            Synergy(("ridicule", "public_post"), 0.3),
            Synergy(("discriminatory", "public_post"), 0.3),
            Synergy(("discriminatory", "identifiable"), 0.3),
        ),
    ),
    SectionRule(
        code="5.3",
        title="Work resources",
        groups=(
            CueGroup(
                "work_equipment",
                "work equipment or accounts used",
                1.2,
                (
                    r"re:\bwork\s+(?:laptops?|computers?|pcs?|phones?|mobiles?|devices?|tablets?"
                    r"|emails?|email\s+address(?:es)?|accounts?|cars?|vehicles?|printers?"
                    r"|networks?|wi-?fi|internet)\b",
                    r"re:\boffice\s+(?:computers?|pcs?|printers?|scanners?|laptops?|phones?"
                    r"|networks?|wi-?fi|internet|equipment|photocopiers?)\b",
                    r"re:\b(?:department|agency|government|employer|company|corporate)"
                    r"(?:'s)?(?:-issued)?\s+(?:[\w-]+\s+){0,1}(?:laptops?|phones?|mobiles?"
                    r"|tablets?|devices?|computers?|wi-?fi|networks?|software|licen[cs]es?"
                    r"|email)\b",
                    r"re:\b(?:department|agency|work|employer|government|corporate)-issued\b",
                    "work-issued",
                ),
            ),
            CueGroup(
                "work_time",
                "activity during work time",
                0.8,
                (
                    r"re:\b(?:during|in|within)\s+(?:work|working|business|office|core)\s+hours\b",
                    "work time",
                    "on the clock",
                    "on shift",
                    "while at work",
                    r"re:\bat\s+(?:his|her|their)\s+desk\b",
                    r"re:\bduring\s+(?:a|the|an)\s+(?:\w+\s+)?(?:meeting|shift|workday)\b",
                    r"re:\b(?:all|most\s+of\s+(?:the|each|every|\w+day))\s+(?:\w+\s+)?"
                    r"(?:afternoon|morning|day)\b",
                ),
            ),
            CueGroup(
                "work_network",
                "the workplace network or facilities",
                0.5,
                (
                    "bandwidth",
                    r"re:\b(?:department's|agency's|office|work|the)\s+(?:wi-?fi|network)\b",
                    "software licence",
                    "from the office",
                    "office printer",
                ),
            ),
            CueGroup(
                "private_use",
                "used for private purposes",
                0.3,
                (
                    r"re:\bpersonal\s+(?:[\w-]+\s+)?(?:account|profile|page)s?\b",
                    "private purposes",
                    "small business",
                    "online business",
                    "side business",
                    "gaming",
                    "streaming",
                ),
            ),
        ),
        synergies=(
            Synergy(("work_equipment", "work_time"), 0.3),
            Synergy(("work_equipment", "private_use"), 0.2),
            Synergy(("work_network", "private_use"), 0.3),
        ),
    ),
    SectionRule(
        code="5.4",
        title="Open to scrutiny",
        groups=(
            CueGroup("records_gap", "records of official posts not kept", 1.2, _RECORDS_GAP),
            CueGroup("deleted", "official posts deleted or altered", 0.6, _DELETED_OR_ALTERED),
            CueGroup("official_channel", "an official channel is involved", 0.3, _OFFICIAL_CHANNEL),
        ),
        synergies=(
            Synergy(("deleted", "official_channel"), 0.4),
            Synergy(("deleted", "records_gap"), 0.3),
        ),
    ),
    SectionRule(
        code="6.1",
        title="Fair and objective treatment",
        groups=(
            CueGroup("official_channel", "posted from an official channel", 0.3, _OFFICIAL_CHANNEL),
            CueGroup("discourteous", "a discourteous or belittling reply", 0.45, _DISCOURTEOUS),
            CueGroup(
                "unequal",
                "unequal or unfair treatment",
                0.9,
                (
                    "unfair",
                    "unfairly",
                    "unequal",
                    "favouritism",
                    "singled out",
                    "double standard",
                    "biased",
                    "not objective",
                ),
            ),
            CueGroup(
                "dealing_with_public",
                "a dealing with the public or other public servants",
                0.2,
                (
                    "member of the public",
                    "members of the public",
                    "resident",
                    "customer",
                    "complainant",
                    "complaint",
                    "ratepayer",
                    "community group",
                    "another agency",
                    "public servant",
                    "stakeholder",
                    "protester",
                    "journalist",
                    "reporter",
                    "question",
                    "enquiry",
                ),
            ),
            CueGroup(
                "reply",
                "a reply made in an official capacity",
                0.2,
                ("replied", "reply", "replies", "responded", "response", "answered", "told"),
            ),
            CueGroup(
                "hostile",
                "hostile, offensive or heated content",
                0.2,
                _OFFENSIVE + _DISCRIMINATION + _HEATED_EXCHANGE,
            ),
        ),
        synergies=(
            Synergy(("official_channel", "discourteous"), 0.7),
            Synergy(("official_channel", "hostile"), 0.6),
            Synergy(("official_channel", "reply", "dealing_with_public"), 0.3),
        ),
    ),
    SectionRule(
        code="6.2",
        title="Privacy and confidentiality",
        groups=(
            CueGroup(
                "confidential",
                "confidential or unreleased material",
                1.0,
                _CONFIDENTIAL_MATERIAL,
            ),
            CueGroup(
                "personal_info",
                "someone's personal information",
                1.0,
                _PERSONAL_INFORMATION,
            ),
            CueGroup("work_sourced", "information obtained through work", 0.4, _WORK_SOURCED),
            CueGroup(
                "disclosed",
                "details shared or revealed",
                0.3,
                (
                    "revealed",
                    "revealing",
                    "disclosed",
                    "disclosing",
                    "shared the",
                    r"re:\bshow(?:s|ed|ing)?\s+(?:the\s+)?(?:names?|details|documents?)\b",
                    "not blurred",
                ),
            ),
        ),
        synergies=(
            Synergy(("work_sourced", "disclosed"), 0.3),
            Synergy(("personal_info", "disclosed"), 0.2),
        ),
    ),
    SectionRule(
        code="6.4",
        title="Equity and diversity",
        groups=(
            CueGroup("discrimination", "discriminatory remarks", 1.3, _DISCRIMINATION),
            CueGroup("harassment", "harassment or bullying", 1.0, _HARASSMENT),
            CueGroup(
                "attributes",
                "refers to a personal characteristic such as race, religion, sex, "
                "sexuality, age or disability",
                0.5,
                _PROTECTED_ATTRIBUTES,
            ),
            CueGroup("ridicule", "mocking people", 0.25, _RIDICULE),
            CueGroup("hostile", "hostile or abusive remarks", 0.25, _OFFENSIVE),
        ),
        synergies=(
            Synergy(("attributes", "hostile"), 0.4),
            Synergy(("attributes", "ridicule"), 0.5),
            Synergy(("attributes", "harassment"), 0.3),
        ),
    ),
)

SECTION_CODES: tuple[str, ...] = tuple(rule.code for rule in SECTION_RULES)


# ---------------------------------------------------------------------------------------
# Compilation of terms into regular expressions.
# ---------------------------------------------------------------------------------------

_VOWELS = "aeiou"


def _inflect(word: str) -> str:
    """Regex for ``word`` plus simple English inflections (plural, past, -ing)."""
    if not word.isalpha() or len(word) < 3:
        return re.escape(word)
    if word.endswith("e"):
        stem = re.escape(word[:-1])
        return f"{stem}(?:e|es|ed|ing)"
    if word.endswith("y") and word[-2] not in _VOWELS:
        stem = re.escape(word[:-1])
        return f"{stem}(?:y|ies|ied|ying)"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return f"{re.escape(word)}(?:es|ed|ing)?"
    return f"{re.escape(word)}(?:s|es|ed|ing)?"


def _term_pattern(term: str) -> str:
    """Turn a rule term into a regular-expression fragment with word boundaries."""
    if term.startswith("re:"):
        return term[3:]
    words = term.split()
    parts = [re.escape(w) for w in words[:-1]]
    parts.append(_inflect(words[-1]))
    body = r"[\s\-]+".join(parts)
    # \b only makes sense next to word characters (e.g. not before "+" in "LGBTIQA+").
    start = r"\b" if re.match(r"\w", term) else ""
    end = r"\b" if re.search(r"\w$", term) else ""
    return f"{start}{body}{end}"


@lru_cache(maxsize=1)
def _compiled_rules() -> tuple[
    tuple[SectionRule, tuple[tuple[CueGroup, re.Pattern[str]], ...]], ...
]:
    compiled = []
    for rule in SECTION_RULES:
        groups = []
        for group in rule.groups:
            # Matching is case-insensitive, which is the same as lower-casing the text.
            pattern = "|".join(f"(?:{_term_pattern(t)})" for t in group.terms)
            groups.append((group, re.compile(pattern, re.IGNORECASE)))
        compiled.append((rule, tuple(groups)))
    return tuple(compiled)


# ---------------------------------------------------------------------------------------
# Matching and scoring.
# ---------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})


def _normalise(text: str) -> str:
    text = text[:MAX_TEXT_CHARS].translate(_QUOTES).translate(_DASHES)
    return _WHITESPACE.sub(" ", text).strip()


def _display(term: str) -> str:
    term = _WHITESPACE.sub(" ", term).strip()
    if len(term) > _MAX_TERM_DISPLAY:
        term = term[: _MAX_TERM_DISPLAY - 1].rstrip() + "\u2026"
    return f'"{term}"'


def _join_terms(terms: list[str]) -> str:
    shown = [_display(t) for t in terms[:_MAX_TERMS_IN_REASON]]
    if len(terms) > _MAX_TERMS_IN_REASON:
        return ", ".join(shown) + " and more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _reason(terms: list[str], group: CueGroup, code: str) -> str:
    return f"Mentions {_join_terms(terms)} \u2014 {group.label} ({code})."


def _distinct_matches(pattern: re.Pattern[str], text: str) -> list[str]:
    seen: dict[str, str] = {}
    for match in pattern.finditer(text):
        found = match.group(0)
        key = found.lower()
        if found.strip() and key not in seen:
            seen[key] = found
    return list(seen.values())


def _score_section(
    rule: SectionRule,
    groups: tuple[tuple[CueGroup, re.Pattern[str]], ...],
    text: str,
) -> Suggestion | None:
    raw = 0.0
    hit_keys: set[str] = set()
    reasons: list[str] = []
    for group, pattern in groups:
        terms = _distinct_matches(pattern, text)
        if not terms:
            continue
        hit_keys.add(group.key)
        extra = min(len(terms) - 1, _EXTRA_TERM_CAP)
        raw += group.weight * (1 + _EXTRA_TERM_BONUS * extra)
        reasons.append(_reason(terms, group, rule.code))
    if not hit_keys:
        return None
    for synergy in rule.synergies:
        if hit_keys.issuperset(synergy.keys):
            raw += synergy.bonus
    score = round(1 - math.exp(-raw), 3)
    return Suggestion(code=rule.code, title=rule.title, score=score, reasons=tuple(reasons))


def suggest_sections(
    text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[Suggestion]:
    """Suggest Code of Conduct sections for a concern description, strongest first.

    Returns at most ``limit`` suggestions scoring at least ``min_score``, ordered by score
    (descending) and then by section code. Empty or unrecognisable text gives ``[]``.
    Only the first ``MAX_TEXT_CHARS`` characters are examined.
    """
    if not isinstance(text, str) or limit <= 0:
        return []
    normalised = _normalise(text)
    if not normalised:
        return []
    suggestions = []
    for rule, groups in _compiled_rules():
        suggestion = _score_section(rule, groups, normalised)
        if suggestion is not None and suggestion.score >= min_score:
            suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-s.score, s.code))
    return suggestions[:limit]
