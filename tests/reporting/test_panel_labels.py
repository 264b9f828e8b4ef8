"""Every panel's title says what it counts: each panel is rendered on the page and its
title and figures are checked against the query it claims to show."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guidance.models import PlatformCategory
from incidents.models import Concern
from reporting import queries
from tests.factories import make_concern

pytestmark = pytest.mark.django_db

MARCH = timezone.make_aware(dt.datetime(2026, 3, 10, 10))


@pytest.fixture
def twelve(guidance, org, reporter):
    """Twelve concerns in March 2026 about seven employees: five follow an earlier one."""
    social = PlatformCategory.objects.get(code="social-networking")
    forums = PlatformCategory.objects.get(code="forums")
    names = ["A", "B", "C", "D", "E", "F", "G", "A", "A", "B", "C", "D"]
    for index, name in enumerate(names):
        concern = make_concern(
            reporter,
            subject_name=f"Person {name}",
            platform_category=social if index % 2 else forums,
            links=[],
        )
        Concern.objects.filter(pk=concern.pk).update(submitted_at=MARCH + dt.timedelta(hours=index))


def _rendered(body: str) -> dict[str, tuple[str, list[list[str]]]]:
    """{panel key: (title, table rows as text)} as a reader sees them."""
    panels = {}
    for key, section in re.findall(r'data-panel="(\w+)"(.*?)</section>', body, re.S):
        title = re.search(r"<h2[^>]*>(.*?)</h2>", section, re.S).group(1)
        rows = [
            [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
            for cells in (
                re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
                for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)
            )
        ]
        panels[key] = (html.unescape(title).strip(), rows)
    return panels


def _body_rows(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows[1:] if row[0] != "Total"}


def test_every_panel_title_matches_the_query_it_shows(client, twelve, org, executive):
    client.force_login(executive)
    page = _rendered(client.get(reverse("reports:dashboard")).content.decode())
    scope = queries.ReportScope(organisation_ids=(org.pk,))
    counts = queries.summary_counts(scope)

    def as_text(pairs):
        return {label: [str(n)] for label, n in pairs}

    expected = {
        "months": (
            "Concerns by month submitted",
            {f"{m:%b %Y}": [str(n)] for m, n in queries.by_month(scope)},
        ),
        "sections": (
            "Concerns by Code section",
            {f"{c} {t}": [str(a), str(b)] for c, t, a, b in queries.by_section(scope)},
        ),
        "platforms": ("Concerns by platform", as_text(queries.by_platform(scope))),
        "use": (
            "Concerns by use context (official or private use)",
            as_text(queries.by_use_context(scope, counts)),
        ),
        "units": ("Concerns by business unit", as_text(queries.by_business_unit(scope))),
        "ageing": (
            "Open concerns by days since submission",
            as_text(queries.ageing(scope, counts=counts)),
        ),
    }
    for key, (title, rows) in expected.items():
        shown_title, shown_rows = page[key]
        assert shown_title == title, key
        assert _body_rows(shown_rows) == rows, key

    due = queries.due_compliance(scope, counts=counts)
    title, rows = page["due"]
    assert title == "Open concerns against their due dates"
    assert _body_rows(rows) == {
        "Open": [str(due["open"])],
        "Open and past their due date": [str(due["open_overdue"])],
        "Ever escalated as overdue": [str(due["escalated"])],
    }

    repeat = queries.repeat_concerns(scope, counts)
    assert repeat == {"with_subject": 12, "repeat": 5}
    title, rows = page["repeat"]
    assert title == "Concerns about employees with an earlier concern"
    assert _body_rows(rows) == {
        "Concerns with a named employee": ["12"],
        "Concerns about an employee with an earlier concern": ["5"],
        # 5 of the 12 follow an earlier concern about the same person: not "with a named
        # employee", which all twelve are
        "Share of concerns with a named employee that follow an earlier one": ["42%"],
    }

    title, rows = page["durations"]
    assert title == "Days from submission to triage and to closure"
    triage = queries.time_to_triage(scope)
    assert _body_rows(rows)["Submission to triage"][-1] == (
        str(triage.count) if triage.count >= 5 else "0"
    )
    # Nothing found and no response chosen yet: those panels say so rather than draw.
    assert page["findings"][0] == "Findings made, by Code section"
    assert queries.findings_by_section(scope) == {}
    assert page["responses"][0] == "Concerns by response chosen at triage"
    assert not any(n for _, n in queries.graduated_responses(scope, counts))
    for key in ("findings", "responses"):
        assert page[key][1] == [], key
