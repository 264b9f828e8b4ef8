"""Security headers on every page, and pages the Content Security Policy can allow as they are.

The policy forbids inline code and inline styles, so no page may rely on them: scripts
come only from `<script src>`, data only from `type="application/json"` blocks, and
styles only from the project's stylesheets.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reporting import export_jobs
from reporting.queries import ReportScope
from tests.factories import make_concern

pytestmark = pytest.mark.django_db


def _pages(request) -> dict[str, tuple[str | None, str, str, dict]]:
    """name -> (persona or None for anonymous, method, url, data)."""
    fixture = request.getfixturevalue
    submitted = fixture("submitted_concern")
    draft = make_concern(fixture("reporter"), submit=False)
    investigating = fixture("investigating_concern")
    for _ in range(5):  # enough that the dashboard draws its charts
        make_concern(fixture("second_reporter"))
    job = export_jobs.export_job_start(
        user=fixture("executive"),
        scope=ReportScope(organisation_ids=(fixture("executive").organisation_id,)),
    )
    return {
        "sign in": (None, "get", reverse("accounts:login"), {}),
        "home": ("reporter", "get", reverse("home"), {}),
        "guidance": ("reporter", "get", reverse("guidance:index"), {}),
        "guidance section": (
            "reporter",
            "get",
            reverse("guidance:section", args=["vps-code-2007", "3.5"]),
            {},
        ),
        "my concerns": ("reporter", "get", reverse("incidents:mine"), {}),
        "log a concern": ("reporter", "get", reverse("incidents:create"), {}),
        "log a concern, refused": (
            "reporter",
            "post",
            reverse("incidents:create"),
            {"occurred_on": "tomorrow"},
        ),
        "edit a draft": ("reporter", "get", reverse("incidents:edit", args=[draft.pk]), {}),
        "review a draft": ("reporter", "get", reverse("incidents:review", args=[draft.pk]), {}),
        "reporter's status page": (
            "reporter",
            "get",
            reverse("incidents:detail", args=[submitted.pk]),
            {},
        ),
        "concerns list": ("hr_manager", "get", reverse("incidents:list"), {}),
        "concern page": ("hr_manager", "get", reverse("incidents:detail", args=[submitted.pk]), {}),
        "concern page, investigating": (
            "investigator",
            "get",
            reverse("incidents:detail", args=[investigating.pk]),
            {},
        ),
        "concern page, action refused": (
            "investigator",
            "post",
            reverse("incidents:findings", args=[investigating.pk]),
            {"version": "1"},
        ),
        "dashboard": ("executive", "get", reverse("reports:dashboard"), {}),
        "export job": ("executive", "get", reverse("reports:export_job", args=[job.pk]), {}),
        "two-step set-up": ("reporter", "get", reverse("accounts:mfa_setup"), {}),
        "section suggestions (htmx)": (
            "reporter",
            "post",
            reverse("incidents:suggest_sections"),
            {"description": "Posted a photo of a client file and political comments."},
        ),
        "use-context helper (htmx)": (
            "reporter",
            "post",
            reverse("incidents:use_context"),
            {"q_official_account": "no"},
        ),
        "not found": ("reporter", "get", "/concerns/987654/", {}),
        "forbidden": ("executive", "get", reverse("incidents:list"), {}),
    }


PAGE_NAMES = [
    "sign in",
    "home",
    "guidance",
    "guidance section",
    "my concerns",
    "log a concern",
    "log a concern, refused",
    "edit a draft",
    "review a draft",
    "reporter's status page",
    "concerns list",
    "concern page",
    "concern page, investigating",
    "concern page, action refused",
    "dashboard",
    "export job",
    "two-step set-up",
    "section suggestions (htmx)",
    "use-context helper (htmx)",
    "not found",
    "forbidden",
]
EXPECTED_STATUS = {"not found": 404, "forbidden": 403, "log a concern, refused": 400}
EXPECTED_STATUS |= {"concern page, action refused": 409}


def _fetch(client, request, name: str):
    persona, method, url, data = _pages(request)[name]
    if persona is not None:
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url, data)
    assert response.status_code == EXPECTED_STATUS.get(name, 200), name
    return response


def test_every_page_is_listed(request):
    assert set(PAGE_NAMES) == set(_pages(request))


def _directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            found[words[0].lower()] = words[1:]
    return found


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_sends_the_security_headers(client, request, guidance, media, name):
    response = _fetch(client, request, name)

    policy = response.get("Content-Security-Policy", "")
    assert _directives(policy).get("default-src") == ["'self'"], policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, policy
    assert response.get("X-Content-Type-Options") == "nosniff"
    assert response.get("X-Frame-Options") == "DENY"
    assert response.get("Referrer-Policy") == "same-origin"


class _InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_src_script = False
        self.json_blocks = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.problems.append("<style> element")
        for key, value in attrs:
            if key == "style":
                self.problems.append(f"style= on <{tag}>: {value!r}")
            if key.startswith("on"):
                self.problems.append(f"{key}= handler on <{tag}>")
            if (
                key in ("href", "src", "action", "formaction")
                and (value or "").strip().lower()[:11] == "javascript:"
            ):
                self.problems.append(f"javascript: URL in {key} on <{tag}>")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            if kind == "application/json":
                self.json_blocks += 1
            elif not attributes.get("src"):
                self.problems.append(f"inline <script> {attributes!r}")
            self._in_src_script = bool(attributes.get("src"))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_src_script = False

    def handle_data(self, data):
        if self._in_src_script and data.strip():
            self.problems.append(f"code inside a <script src>: {data.strip()[:60]!r}")


def _inline_problems(response) -> _InlineFinder:
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    finder.close()
    return finder


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_page_has_inline_script_or_style(client, request, guidance, media, name):
    response = _fetch(client, request, name)

    assert _inline_problems(response).problems == []


def test_the_dashboard_passes_its_chart_data_as_json_blocks(client, request, guidance, media):
    response = _fetch(client, request, "dashboard")

    assert _inline_problems(response).json_blocks >= 1


def test_the_finder_sees_what_the_policy_would_block():
    class Fake:
        content = (
            b'<div style="color:red"><style>p{}</style><script>alert(1)</script>'
            b'<a href="javascript:x" onclick="y">z</a><script src="/a.js">b()</script></div>'
        )

    assert len(_inline_problems(Fake).problems) == 6
