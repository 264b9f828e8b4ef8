"""The columns of an import file: heading, whether it must be filled in, and what it means.

The template downloads, the upload page's explanation and the parser all read this
one list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    required: bool
    explanation: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "reported_on",
        "Reported date",
        True,
        "The day the concern was first reported to you. It becomes the concern's "
        "submission date. YYYY-MM-DD or DD/MM/YYYY.",
        "2025-03-18",
    ),
    Column(
        "occurred_on",
        "Occurred date",
        True,
        "The day of the post or message, as near as is known. Not after the reported date.",
        "14/03/2025",
    ),
    Column(
        "business_unit",
        "Business unit",
        False,
        "The name of one of your organisation's business units, as set up in this app. "
        "Leave empty to use the reporter's own unit.",
        "Policy and Strategy",
    ),
    Column(
        "employee_name",
        "Employee name",
        True,
        "The full name of the employee the concern is about, or Not known.",
        "Sam Sample",
    ),
    Column(
        "employee_position",
        "Employee position",
        False,
        "Their position, if known.",
        "Case Officer",
    ),
    Column(
        "platform_category",
        "Platform category",
        True,
        "The name of one of the guidance's platform categories (listed with the template), "
        "for example Social networking sites or Micro-blogging.",
        "Social networking sites",
    ),
    Column(
        "platform_name",
        "Platform name",
        False,
        "The service itself, for example Facebook or Reddit.",
        "Facebook",
    ),
    Column(
        "use_context",
        "Use context",
        False,
        "official, private or unclear. Empty means unclear.",
        "private",
    ),
    Column(
        "links",
        "Links",
        False,
        "Web addresses of the content, starting with http:// or https://, separated by a "
        "space, a new line or a semicolon. Up to 10.",
        "https://www.facebook.com/some.post/123",
    ),
    Column(
        "description",
        "Description",
        True,
        "What was seen, in plain words.",
        "Posted a photo of a client's case file on a public page, with the name readable.",
    ),
    Column(
        "sections",
        "Code sections",
        False,
        "Code of Conduct section numbers the reporter thought apply, separated by a "
        "semicolon, for example 3.5; 6.2. Keep this column formatted as text.",
        "6.2; 3.9",
    ),
    Column(
        "possible_pid",
        "Possible public interest disclosure",
        False,
        "yes, no or unsure. Empty means no. Yes or unsure restricts the concern to the "
        "public interest disclosure coordinator at once.",
        "no",
    ),
    Column(
        "reporter",
        "Reporter username",
        False,
        "The username of the person who reported it; they need the reporter role in "
        "your organisation. Empty means you, if you hold the reporter role. The reporter "
        "can never handle the concern.",
        "",
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}


def normalise_heading(text: str) -> str:
    return " ".join(text.replace("*", " ").casefold().split())


BY_HEADING = {normalise_heading(column.heading): column for column in COLUMNS}

NOT_IMPORTED = (
    "Every imported concern arrives as Submitted, awaiting triage, with its reference "
    "issued as usual. Triage, assignments, findings, outcomes and evidence files are "
    "not imported: record them in the app afterwards."
)
