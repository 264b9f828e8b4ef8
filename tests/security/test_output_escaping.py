"""Hostile text in, safe output out: HTML pages, spreadsheets and the code that builds them.

* A static scan: no template or module turns escaping off, except the few listed in
  ALLOW_LIST with the reason.
* A payload corpus sent through every text field a person can type into: the answer is
  never a server error; where the text is kept and shown again it is shown escaped; a
  `javascript:` link is refused.
* Exports: labels that look like formulas reach the CSV and XLSX files as inert text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import Role
from guidance.models import CodeSection, PlatformCategory
from incidents.models import Concern, Note
from reporting import dashboard
from reporting.queries import ReportScope
from tests.factories import (
    BusinessUnitFactory,
    OrganisationFactory,
    UserFactory,
    make_concern,
    png_upload,
)

# The factories' concerns are about private use: a file needs its reason (issue 19).
RELEVANT = "It names the agency and a client."

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# --- Static scan -----------------------------------------------------------------------

UNSAFE = {
    "|safe filter": re.compile(r"\|\s*safe(seq)?\b"),
    "{% filter safe %}": re.compile(r"{%\s*filter\s+[^%]*\bsafe\b"),
    "{% autoescape off %}": re.compile(r"{%\s*autoescape\s+off\b"),
    "mark_safe(": re.compile(r"\bmark_safe\s*\("),
    "SafeString(": re.compile(r"\bSafe(String|Text|Data)\s*\("),
    "format_html(": re.compile(r"\bformat_html(_join)?\s*\("),
    "escape=False": re.compile(r"\bescape\s*=\s*False\b"),
    "allow_tags": re.compile(r"\ballow_tags\b"),
}

# path (from the project root) -> why turning escaping off there is right.
ALLOW_LIST: dict[str, str] = {
    # The plain-text email part and the subject lines. They are sent as text/plain and
    # as a mail header, never rendered as HTML; escaping would show "&amp;" to readers.
    # Their HTML twins (body.html) keep autoescaping on.
    "templates/emails/base.txt": "text/plain email body, never HTML",
    "templates/emails/assigned/subject.txt": "email subject header, never HTML",
    "templates/emails/closed/subject.txt": "email subject header, never HTML",
    "templates/emails/disposal_due/subject.txt": "email subject header, never HTML",
    "templates/emails/escalated/subject.txt": "email subject header, never HTML",
    "templates/emails/overdue/subject.txt": "email subject header, never HTML",
    "templates/emails/submitted/subject.txt": "email subject header, never HTML",
    "templates/emails/reporter_added/subject.txt": "email subject header, never HTML",
    "templates/emails/question_asked/subject.txt": "email subject header, never HTML",
    "templates/emails/question_answered/subject.txt": "email subject header, never HTML",
    # Interim measures (issue 19)
    "templates/emails/interim_review/subject.txt": "email subject header, never HTML",
    # Public interest disclosure reminders (issue 19)
    "templates/emails/disclosure_due/subject.txt": "email subject header, never HTML",
}

SCANNED_CODE = (
    "accounts",
    "api",
    "audit",
    "config",
    "devtools",
    "guidance",
    "imports",
    "incidents",
    "notifications",
    "operations",
    "records",
    "reporting",
)


def _scanned_files() -> list[Path]:
    files = [
        path
        for path in (ROOT / "templates").rglob("*")
        if path.suffix in {".html", ".txt"} and path.is_file()
    ]
    for folder in SCANNED_CODE:
        files += [path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts]
    return sorted(files)


def _hits() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _scanned_files():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            for name, pattern in UNSAFE.items():
                if pattern.search(line):
                    rel = path.relative_to(ROOT).as_posix()
                    found.setdefault(rel, []).append(f"{rel}:{number}: {name}: {line.strip()}")
    return found


def test_the_scan_sees_the_templates_and_the_code():
    names = {path.relative_to(ROOT).as_posix() for path in _scanned_files()}
    assert "templates/base.html" in names
    assert "incidents/casework/views/case.py" in names
    assert "reporting/views.py" in names
    assert "templates/emails/submitted/body.txt" in names


def test_nothing_turns_escaping_off_outside_the_allow_list():
    offending = [
        line for path, lines in _hits().items() if path not in ALLOW_LIST for line in lines
    ]
    assert offending == []


def test_the_allow_list_holds_only_plain_text_email_parts_that_still_need_it():
    hits = _hits()
    for path in ALLOW_LIST:
        assert path.startswith("templates/emails/") and path.endswith(".txt"), path
        assert path in hits, f"{path} no longer turns escaping off: remove it from ALLOW_LIST"


def test_no_html_template_pulls_in_a_plain_text_one():
    pulls_text = re.compile(r"{%\s*(include|extends)\s+[\"'][^\"']+\.txt[\"']")
    offending = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "templates").rglob("*.html")
        if pulls_text.search(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


# --- The payload corpus ----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
PAYLOADS = {
    "script tag": SCRIPT,
    "attribute breakout": '"><img src=x onerror=alert(1)>',
    "javascript url": "javascript:alert(1)",
    "formula hyperlink": '=HYPERLINK("http://x")',
    "formula plus": "+1",
    "formula minus": "-1+1",
    "formula at": "@SUM(A1)",
    "sql": "'; DROP TABLE incidents_concern; --",
    "20000 characters": "A" * (20_000 - len(SCRIPT)) + SCRIPT,
    "nul": "\x00null",
    "right-to-left override": "\u202egnp.exe",
    "emoji": "\U0001f600 \U0001f44d\U0001f3fd \U0001f1e6\U0001f1fa",
}
# Markup that must never reach a page unescaped.
RAW_MARKERS = ("<script>alert", "<img src=x")
# Choice, date and id fields hold no free text: formulas and SQL mean nothing to them.
# What matters there is that a refused value echoed back in the error is escaped, and
# that odd characters and sizes do not break the page.
CHOICE_PAYLOADS = [
    "script tag",
    "attribute breakout",
    "javascript url",
    "20000 characters",
    "nul",
    "right-to-left override",
    "emoji",
]
# Bytes that are not UTF-8, raw and percent-encoded.
BAD_BYTES = b"\xff\xfe\xc3\x28%FF%FE%C0%AF"


def assert_no_raw_markup(response) -> None:
    assert response.status_code < 500
    body = response.content.decode("utf-8", errors="replace")
    for marker in RAW_MARKERS:
        assert marker not in body, f"unescaped {marker!r} in {response.request['PATH_INFO']}"


def assert_shown_escaped(response, text: str) -> None:
    assert_no_raw_markup(response)
    assert escape(text) in response.content.decode(), "the text is not shown (escaped)"


def _keeps(text: str) -> bool:
    """Whether the text can be kept as typed (NUL characters never can)."""
    return "\x00" not in text


def _intake(**overrides) -> dict:
    data = {
        "occurred_on": "2026-03-14",
        "description": "Posted a photo of a client file.",
        "platform_category": PlatformCategory.objects.get(code="social-networking").pk,
        "platform_name": "Facebook",
        "links": "https://www.facebook.com/some.post/123",
        "use_context": "private",
        "subject_name": "Jordan Example",
        "subject_position": "Case Officer",
        "sections": [CodeSection.objects.current().get(code="6.2").pk],
        "possible_pid": "no",
    }
    data.update(overrides)
    return data


INTAKE_TEXT = ("description", "platform_name", "subject_name", "subject_position")


def _check_intake_answer(client, response, field: str, payload: str, *, kept: bool = True) -> None:
    """`kept`: the field's value is stored as typed (see the edit test for the exception)."""
    assert_no_raw_markup(response)
    if field == "links":
        # None of the payloads is a web address; each is refused and kept in the form.
        assert response.status_code == 400
    if response.status_code == 302:
        review = client.get(response["Location"])
        if not kept:
            assert_no_raw_markup(review)
            return
        concern = Concern.objects.get(pk=int(response["Location"].strip("/").split("/")[-2]))
        stored = getattr(concern, field, None)
        if field.startswith("subject_"):
            attribute = {"subject_name": "full_name", "subject_position": "position"}[field]
            stored = getattr(concern.subject, attribute)
        assert stored == payload
        assert_shown_escaped(review, payload)
    else:
        assert response.status_code == 400
        if _keeps(payload):
            assert escape(payload) in response.content.decode(), "what was typed was lost"


@pytest.mark.parametrize("field", [*INTAKE_TEXT, "links"])
@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_intake_create_survives_and_escapes(client, guidance, reporter, field, payload):
    client.force_login(reporter)

    response = client.post(reverse("incidents:create"), _intake(**{field: PAYLOADS[payload]}))

    _check_intake_answer(client, response, field, PAYLOADS[payload])


@pytest.mark.parametrize("field", [*INTAKE_TEXT, "links"])
@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_intake_edit_survives_and_escapes(client, draft_concern, reporter, field, payload):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:edit", args=[draft_concern.pk]),
        _intake(version=draft_concern.version, **{field: PAYLOADS[payload]}),
    )

    # The employee's record is shared by every concern about them: a draft's edit fills in
    # a missing position but never overwrites a recorded one (services.person_for).
    kept = field != "subject_position"
    _check_intake_answer(client, response, field, PAYLOADS[payload], kept=kept)


def test_a_javascript_link_is_refused_with_a_message(client, guidance, reporter):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:create"), _intake(links="javascript:alert(1)//https://example.org")
    )

    assert response.status_code == 400
    assert "not a web address" in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    "link",
    [
        "https://example.org/<script>alert(1)</script>",
        'https://example.org/"><img src=x onerror=alert(1)>',
        "https://example.org/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_markup_inside_a_web_address_is_shown_escaped(client, guidance, reporter, link):
    client.force_login(reporter)

    response = client.post(reverse("incidents:create"), _intake(links=link))

    assert_no_raw_markup(response)
    if response.status_code == 302:
        assert_shown_escaped(client.get(response["Location"]), link)


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_evidence_capture_address_survives_and_escapes(
    client, media, draft_concern, reporter, payload
):
    client.force_login(reporter)
    text = PAYLOADS[payload]

    response = client.post(
        reverse("incidents:evidence_upload", args=[draft_concern.pk]),
        {
            "file": png_upload(),
            "captured_url": text,
            "relevance": RELEVANT,
            "post_deleted": "unsure",
        },
    )

    assert_no_raw_markup(response)
    if payload == "javascript url":
        assert response.status_code == 400
        assert "Enter a web address" in response.content.decode()
        assert not draft_concern.evidence.exists()
    if response.status_code == 302:
        assert_no_raw_markup(client.get(response["Location"]))
        assert not draft_concern.evidence.get().captured_url.lower().startswith("javascript:")
    elif _keeps(text):
        assert response.status_code == 400
        assert escape(text) in response.content.decode(), "what was typed was lost"


@pytest.mark.parametrize("payload", ["attribute breakout", "emoji"])
def test_an_evidence_file_name_is_shown_escaped(client, media, draft_concern, reporter, payload):
    client.force_login(reporter)
    name = PAYLOADS[payload] + ".png"

    response = client.post(
        reverse("incidents:evidence_upload", args=[draft_concern.pk]),
        {"file": png_upload(name), "relevance": RELEVANT, "post_deleted": "unsure"},
    )

    assert response.status_code == 302
    assert_shown_escaped(client.get(response["Location"]), name)


def test_a_right_to_left_override_in_a_file_name_is_not_kept(
    client, media, draft_concern, reporter
):
    """ "\u202egnp.exe.png" would show as "exe.png" reversed: a disguised file type."""
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:evidence_upload", args=[draft_concern.pk]),
        {"file": png_upload("\u202egnp.exe.png"), "relevance": RELEVANT, "post_deleted": "unsure"},
    )

    assert response.status_code == 302
    assert "\u202e" not in draft_concern.evidence.get().original_name
    assert "\u202e" not in client.get(response["Location"]).content.decode()


def _stored_text_check(response, payload: str, *, limit: int) -> None:
    assert_no_raw_markup(response)
    if len(payload) <= limit and _keeps(payload):
        assert response.status_code == 302, "acceptable text was refused"
    else:
        assert response.status_code == 400


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_a_note_is_shown_escaped(client, submitted_concern, hr_manager, payload):
    client.force_login(hr_manager)
    text = PAYLOADS[payload]

    response = client.post(
        reverse("incidents:add_note", args=[submitted_concern.pk]), {"text": text}
    )

    _stored_text_check(response, text, limit=10_000)
    if response.status_code == 302:
        assert Note.objects.get().text == text
        assert_shown_escaped(
            client.get(reverse("incidents:detail", args=[submitted_concern.pk])), text
        )


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_a_step_aside_reason_is_shown_escaped(
    client, assigned_concern, investigator, hr_manager, payload
):
    client.force_login(investigator)
    text = PAYLOADS[payload]

    response = client.post(
        reverse("incidents:step_aside", args=[assigned_concern.pk]),
        {"reason": text, "confirm": "on"},
    )

    _stored_text_check(response, text, limit=2000)
    if response.status_code == 302:
        client.force_login(hr_manager)
        page = client.get(reverse("incidents:detail", args=[assigned_concern.pk]))
        assert_shown_escaped(page, text)


@pytest.mark.parametrize("field", ["reason", "reporter_message"])
@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_a_dismissal_reason_and_message_are_shown_escaped(
    client, triage_concern, hr_manager, reporter, field, payload
):
    client.force_login(hr_manager)
    text = PAYLOADS[payload]
    data = {
        "version": triage_concern.version,
        "reason": "Not a conduct matter.",
        "reporter_message": "Thank you for raising this.",
        "confirm": "on",
        field: text,
    }

    response = client.post(reverse("incidents:act", args=[triage_concern.pk, "dismiss"]), data)

    _stored_text_check(response, text, limit=2000)
    if response.status_code == 302:
        detail = reverse("incidents:detail", args=[triage_concern.pk])
        assert_shown_escaped(client.get(detail), text)
        client.force_login(reporter)
        status_page = client.get(detail)
        if field == "reporter_message":
            assert_shown_escaped(status_page, text)
        else:
            assert_no_raw_markup(status_page)


@pytest.mark.parametrize("field", ["graduated_response", "risk_rating", "sections"])
@pytest.mark.parametrize("payload", CHOICE_PAYLOADS)
def test_triage_refuses_hostile_choices(client, submitted_concern, hr_manager, field, payload):
    client.force_login(hr_manager)
    data = {
        "version": submitted_concern.version,
        "graduated_response": "informal",
        "risk_rating": "low",
        "sections": [CodeSection.objects.current().get(code="6.2").pk],
        field: PAYLOADS[payload],
    }

    response = client.post(reverse("incidents:triage", args=[submitted_concern.pk]), data)

    assert_no_raw_markup(response)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "field", ["allegation_notified_on", "response_due_on", "response_received_on"]
)
@pytest.mark.parametrize("payload", CHOICE_PAYLOADS)
def test_fairness_refuses_hostile_dates(
    client, investigating_concern, investigator, field, payload
):
    client.force_login(investigator)
    data = {
        "version": investigating_concern.version,
        "allegation_notified_on": "2026-01-05",
        field: PAYLOADS[payload],
    }

    response = client.post(reverse("incidents:fairness", args=[investigating_concern.pk]), data)

    assert_no_raw_markup(response)
    assert response.status_code == 400


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_an_outcome_summary_is_shown_escaped(client, investigating_concern, investigator, payload):
    client.force_login(investigator)
    text = PAYLOADS[payload]
    data = {"version": investigating_concern.version, "action_taken": "", "outcome_summary": text}

    response = client.post(reverse("incidents:findings", args=[investigating_concern.pk]), data)

    _stored_text_check(response, text, limit=10_000)
    if response.status_code == 302:
        page = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
        assert_shown_escaped(page, text.strip())


@pytest.mark.parametrize("payload", CHOICE_PAYLOADS)
def test_a_hostile_action_taken_is_refused(client, investigating_concern, investigator, payload):
    client.force_login(investigator)
    data = {
        "version": investigating_concern.version,
        "action_taken": PAYLOADS[payload],
        "outcome_summary": "In progress.",
    }

    response = client.post(reverse("incidents:findings", args=[investigating_concern.pk]), data)

    assert_no_raw_markup(response)
    assert response.status_code == 400


QUEUE_PARAMS = (
    "q",
    "queue",
    "status",
    "section",
    "platform",
    "unit",
    "risk",
    "submitted_from",
    "submitted_to",
    "sort",
    "page",
)


@pytest.mark.parametrize(
    "param, payload",
    [("q", payload) for payload in PAYLOADS]
    + [(param, payload) for param in QUEUE_PARAMS if param != "q" for payload in CHOICE_PAYLOADS],
)
def test_work_queue_filters_survive_and_escape(
    client, submitted_concern, hr_manager, param, payload
):
    client.force_login(hr_manager)
    text = PAYLOADS[payload]

    response = client.get(reverse("incidents:list"), {param: text})

    assert_no_raw_markup(response)
    assert response.status_code in (200, 400)
    if param == "q" and len(text) <= 200 and _keeps(text):
        assert response.status_code == 200
        assert escape(text) in response.content.decode(), "the search is not shown (escaped)"


@pytest.mark.parametrize("payload", ["script tag", "attribute breakout"])
def test_work_queue_escapes_a_hostile_parameter_name(
    client, submitted_concern, hr_manager, payload
):
    client.force_login(hr_manager)

    response = client.get(reverse("incidents:list") + "?" + urlencode({PAYLOADS[payload]: "1"}))

    assert_no_raw_markup(response)


DASHBOARD_PARAMS = ("date_from", "date_to", "unit", "section", "platform", "organisation", "other")


@pytest.mark.parametrize("param", DASHBOARD_PARAMS)
@pytest.mark.parametrize("payload", CHOICE_PAYLOADS)
def test_dashboard_filters_survive_and_escape(client, submitted_concern, executive, param, payload):
    client.force_login(executive)

    response = client.get(reverse("reports:dashboard"), {param: PAYLOADS[payload]})

    assert_no_raw_markup(response)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("payload", ["script tag", "attribute breakout"])
def test_dashboard_escapes_a_hostile_parameter_name(client, submitted_concern, executive, payload):
    client.force_login(executive)

    response = client.get(reverse("reports:dashboard") + "?" + urlencode({PAYLOADS[payload]: "1"}))

    assert_no_raw_markup(response)
    assert response.status_code == 200


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_sign_in_username_survives_and_escapes(client, reporter, payload):
    response = client.post(
        reverse("accounts:login"), {"username": PAYLOADS[payload], "password": "wrong"}
    )

    assert_no_raw_markup(response)
    assert response.status_code in (200, 400, 403, 429)


def test_text_kept_everywhere_it_is_shown_is_escaped(client, guidance, reporter, hr_manager):
    """One concern carrying markup in every free-text field, seen by each person."""
    payload = PAYLOADS["attribute breakout"] + SCRIPT
    concern = make_concern(
        reporter,
        description=payload,
        platform_name=payload[:100],
        subject_name=payload,
        subject_position=payload,
    )
    client.force_login(hr_manager)
    for url in (reverse("incidents:list"), reverse("incidents:detail", args=[concern.pk])):
        assert_shown_escaped(client.get(url), payload)
    client.force_login(reporter)
    assert_no_raw_markup(client.get(reverse("incidents:detail", args=[concern.pk])))
    assert_no_raw_markup(client.get(reverse("incidents:mine")))


# --- Bytes that are not UTF-8 ----------------------------------------------------------


def _post_raw(client, url: str, fields: dict, bad_field: str):
    body = urlencode(fields, doseq=True).encode() + b"&" + bad_field.encode() + b"=" + BAD_BYTES
    return client.generic("POST", url, data=body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("field", [*INTAKE_TEXT, "links"])
def test_invalid_utf8_on_intake_is_not_a_server_error(client, guidance, reporter, field):
    client.force_login(reporter)
    data = _intake()
    data.pop(field)

    response = _post_raw(client, reverse("incidents:create"), data, field)

    assert_no_raw_markup(response)
    assert response.status_code in (302, 400)


def test_invalid_utf8_on_edit_is_not_a_server_error(client, draft_concern, reporter):
    client.force_login(reporter)
    data = _intake(version=draft_concern.version)
    data.pop("description")

    response = _post_raw(
        client, reverse("incidents:edit", args=[draft_concern.pk]), data, "description"
    )

    assert_no_raw_markup(response)
    assert response.status_code in (302, 400)


def test_invalid_utf8_on_evidence_is_not_a_server_error(client, media, draft_concern, reporter):
    client.force_login(reporter)

    response = _post_raw(
        client,
        reverse("incidents:evidence_upload", args=[draft_concern.pk]),
        {"relevance": RELEVANT, "post_deleted": "unsure"},
        "captured_url",
    )

    assert_no_raw_markup(response)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "view, fixture, persona, fields, bad_field",
    [
        ("incidents:add_note", "submitted_concern", "hr_manager", {}, "text"),
        ("incidents:step_aside", "assigned_concern", "investigator", {}, "reason"),
        (
            "incidents:triage",
            "submitted_concern",
            "hr_manager",
            {"risk_rating": "low"},
            "graduated_response",
        ),
        (
            "incidents:fairness",
            "investigating_concern",
            "investigator",
            {},
            "allegation_notified_on",
        ),
        ("incidents:findings", "investigating_concern", "investigator", {}, "outcome_summary"),
    ],
)
def test_invalid_utf8_on_hr_forms_is_not_a_server_error(
    client, request, view, fixture, persona, fields, bad_field
):
    concern = request.getfixturevalue(fixture)
    client.force_login(request.getfixturevalue(persona))

    response = _post_raw(
        client, reverse(view, args=[concern.pk]), {"version": concern.version, **fields}, bad_field
    )

    assert_no_raw_markup(response)
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("field", ["reason", "reporter_message"])
def test_invalid_utf8_on_a_dismissal_is_not_a_server_error(
    client, triage_concern, hr_manager, field
):
    client.force_login(hr_manager)
    data = {"version": triage_concern.version, "reason": "Not a conduct matter."}
    data.pop(field, None)

    response = _post_raw(
        client, reverse("incidents:act", args=[triage_concern.pk, "dismiss"]), data, field
    )

    assert_no_raw_markup(response)
    assert response.status_code in (302, 400)


def test_invalid_utf8_on_sign_in_is_not_a_server_error(client, reporter):
    response = _post_raw(client, reverse("accounts:login"), {"password": "wrong"}, "username")

    assert_no_raw_markup(response)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "persona, view", [("hr_manager", "incidents:list"), ("executive", "reports:dashboard")]
)
def test_invalid_utf8_in_a_query_string_is_not_a_server_error(
    client, request, submitted_concern, persona, view
):
    client.force_login(request.getfixturevalue(persona))
    param = "q" if view == "incidents:list" else "date_from"

    response = client.get(f"{reverse(view)}?{param}=%FF%FE%C3%28&%FF=1")

    assert_no_raw_markup(response)
    assert response.status_code in (200, 400)


# --- Exports: formula injection --------------------------------------------------------

FORMULAS = {
    "hyperlink": '=HYPERLINK("http://x")',
    "plus": "+1 unit",
    "minus": "-1+1 unit",
    "at": "@SUM(A1)",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
    "spaces first": "  =1+1",
}
DANGEROUS_START = tuple("=+-@\t\r")


@pytest.fixture
def formula_concerns(guidance, org, other_org):
    """Concerns whose exported labels (unit, platform, organisation) look like formulas;
    their free text does too, though no export carries it."""
    PlatformCategory.objects.filter(code="social-networking").update(name=FORMULAS["hyperlink"])
    for key, name in FORMULAS.items():
        unit = BusinessUnitFactory(organisation=org, name=name)
        person = UserFactory(
            username=f"formula-{key.replace(' ', '-')}",
            organisation=org,
            business_unit=unit,
            roles=[Role.REPORTER],
        )
        make_concern(person, description=name, platform_name=name.strip()[:100] or "x")
    formula_org = OrganisationFactory(name="=cmd|' /C calc'!A0", short_name="formula-org")
    person = UserFactory(
        username="formula-org-reporter", organisation=formula_org, roles=[Role.REPORTER]
    )
    make_concern(person, description="@SUM(A1)", platform_name="=1+1")


def _unsafe_csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [
        cell
        for row in rows
        for cell in row
        if cell.lstrip(" \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f").startswith(
            DANGEROUS_START
        )
    ]


def _panel_keys(user) -> list[str]:
    organisations = None if user.has_role(Role.SECTOR_ANALYST) else (user.organisation_id,)
    return [
        panel.key for panel in dashboard.build_panels(ReportScope(organisation_ids=organisations))
    ]


def _download(client, key: str, fmt: str) -> bytes:
    response = client.get(reverse("reports:export", args=[key, fmt]))
    assert response.status_code == 200, f"{key}.{fmt}"
    return response.content


@pytest.mark.parametrize("persona", ["executive", "outsider"])
def test_every_csv_table_is_safe_from_formula_injection(client, request, formula_concerns, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    everything = ""
    for key in _panel_keys(user):
        content = _download(client, key, "csv")
        assert _unsafe_csv_cells(content) == [], f"{key}.csv"
        everything += content.decode("utf-8-sig")

    # The hostile labels did reach the files (neutralised), so the check above had work to do.
    assert "'=HYPERLINK(" in everything
    if persona == "executive":
        assert "'@SUM(A1)" in everything and "'+1 unit" in everything
    else:
        assert "'=cmd|" in everything


@pytest.mark.parametrize("persona", ["executive", "outsider"])
def test_the_xlsx_of_every_table_holds_no_formula(client, request, formula_concerns, persona):
    client.force_login(request.getfixturevalue(persona))

    workbook = load_workbook(io.BytesIO(_download(client, "all", "xlsx")))

    formulas, unsafe, texts = [], [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}")
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.lstrip(" ").startswith(DANGEROUS_START):
                        unsafe.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    assert formulas == []
    assert unsafe == []
    assert any(text.startswith("'=HYPERLINK(") for text in texts)
