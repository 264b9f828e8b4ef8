"""Who gets what from every URL: the access matrix.

Each row is one URL (with the concern it is asked about, where it needs one); each
column is one persona. The rules behind the numbers:

* anonymous visitors are sent to sign in (302) wherever a page needs an account;
* a concern (or a file of one) the user may not see answers 404, never 403, so its
  existence is not revealed: the outsider (every role, other organisation), the
  executive and the administrator get 404 on every concern and evidence URL;
* reporters see only their own concerns, and only the status once submitted; they
  keep editing, reviewing, submitting and attaching to their own drafts;
* HR (investigator, HR manager) of the organisation see a submitted concern's full
  record and may download its evidence, but never a draft (404);
* list and intake pages a role may not use answer 403 (PermissionDenied);
* dashboards and exports (aggregates only) are for HR managers, executives and
  sector analysts (the outsider holds every role, so sees its own organisation or
  the sector); everyone else gets 403; a background export is visible only to the
  person who asked for it (404 for everyone else);
* password reset pages answer everyone (an invalid link says so);
* the two-step sign-in pages are for anyone signed in (the code page sends someone
  without an authenticator app to the set-up page);
* the admin site lets staff in (200) and sends everyone else to its sign-in (302);
* HR actions on a concern answer 403 to HR who may see it but not do that
  (an investigator assigning, or stepping aside from a concern not theirs), and a
  successful action redirects (302). The outsider's bulk assignment is refused by
  the form (nothing of another organisation can be chosen) and redirects back.

A URL added to the project without a row here fails
`test_the_matrix_has_a_row_for_every_named_url`.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from incidents import services
from tests.factories import png_upload

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "reporter",
    "second_reporter",
    "investigator",
    "hr_manager",
    "executive",
    "administrator",
    "outsider",
)

# Row key: the URL name, then (after a space) which object it is asked about, if any.
# fmt: off
#                                                anon  rep  rep2  inv  hrm  exec adm  out
_TABLE: dict[str, tuple[int, ...]] = {
    "home":                                      (302, 200, 200, 200, 200, 200, 200, 200),
    "accounts:login":                            (200, 302, 302, 302, 302, 302, 302, 302),
    "accounts:logout":                           (302, 302, 302, 302, 302, 302, 302, 302),
    "accounts:mfa_setup":                        (302, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset":                   (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_done":              (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_confirm":           (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_complete":          (200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:mfa_verify":                       (302, 302, 302, 302, 302, 302, 302, 302),
    "guidance:index":                            (302, 200, 200, 200, 200, 200, 200, 200),
    "guidance:section":                          (302, 200, 200, 200, 200, 200, 200, 200),
    "admin:index":                               (302, 302, 302, 302, 302, 302, 200, 302),
    "health":                                    (200, 200, 200, 200, 200, 200, 200, 200),
    "incidents:list":                            (302, 403, 403, 200, 200, 403, 403, 200),
    "incidents:mine":                            (302, 200, 200, 403, 403, 403, 403, 200),
    "incidents:create":                          (302, 200, 200, 403, 403, 403, 403, 200),
    "incidents:suggest_sections":                (302, 200, 200, 403, 403, 403, 403, 200),
    "incidents:use_context":                     (302, 200, 200, 403, 403, 403, 403, 200),
    "incidents:detail submitted":                (302, 200, 404, 200, 200, 404, 404, 404),
    "incidents:detail draft":                    (302, 200, 404, 404, 404, 404, 404, 404),
    "incidents:edit draft":                      (302, 200, 404, 404, 404, 404, 404, 404),
    "incidents:review draft":                    (302, 200, 404, 404, 404, 404, 404, 404),
    "incidents:submit draft":                    (302, 302, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_upload draft":           (302, 302, 404, 404, 404, 404, 404, 404),
    "incidents:evidence_download submitted":     (302, 404, 404, 200, 200, 404, 404, 404),
    "incidents:evidence_download draft":         (302, 200, 404, 404, 404, 404, 404, 404),
    "incidents:bulk_assign":                     (302, 403, 403, 403, 302, 403, 403, 302),
    "incidents:act submitted":                   (302, 403, 404, 302, 302, 404, 404, 404),
    "incidents:triage submitted":                (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:assign submitted":                (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:step_aside assigned":             (302, 404, 404, 302, 403, 404, 404, 404),
    "incidents:reporting_line submitted":        (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:fairness investigating":          (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:findings investigating":          (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:add_note submitted":              (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:add_note investigating":          (302, 404, 404, 302, 302, 404, 404, 404),
    "incidents:restrict submitted":              (302, 404, 404, 403, 302, 404, 404, 404),
    "incidents:access_log submitted":            (302, 404, 404, 403, 200, 404, 404, 404),
    "incidents:person_export submitted":         (302, 404, 404, 403, 200, 404, 404, 404),
    "reports:dashboard":                         (302, 403, 403, 403, 200, 200, 403, 200),
    "reports:export":                            (302, 403, 403, 403, 200, 200, 403, 200),
    "reports:export_job_create":                 (302, 403, 403, 403, 302, 302, 403, 302),
    "reports:export_job executive":              (302, 404, 404, 404, 404, 200, 404, 404),
    "reports:export_job_download executive":     (302, 404, 404, 404, 404, 200, 404, 404),
}
# fmt: on

EXPECTED: dict[str, dict[str, int]] = {
    case: dict(zip(PERSONAS, row, strict=True)) for case, row in _TABLE.items()
}

# Admin pages other than the index belong to Django's admin and are not ours to list.
_ADMIN_NAMESPACE = "admin:"
_ADMIN_KEPT = {"admin:index"}


@pytest.fixture
def submitted_evidence(media, submitted_concern, reporter):
    return services.evidence_add(
        concern=submitted_concern, actor=reporter, upload=png_upload("submitted.png")
    )


@pytest.fixture
def draft_evidence(media, draft_concern, reporter):
    return services.evidence_add(
        concern=draft_concern, actor=reporter, upload=png_upload("draft.png")
    )


@pytest.fixture
def executive_export_job(media, guidance, executive):
    from incidents import export_jobs
    from incidents.reports import ReportScope

    job = export_jobs.export_job_start(
        user=executive, scope=ReportScope(organisation_ids=(executive.organisation_id,))
    )
    export_jobs.export_job_build(job.pk)
    return job


def _hr_post_data(name: str, concern, request) -> dict:
    """Valid data for each HR action, so a permitted user gets the success redirect."""
    from guidance.models import CodeSection

    version = {"version": concern.version}
    section = CodeSection.objects.get(code="6.2")
    return {
        "incidents:act": version,
        "incidents:triage": {
            **version,
            "graduated_response": "informal",
            "risk_rating": "low",
            "sections": [section.pk],
        },
        "incidents:assign": {**version, "assignee": request.getfixturevalue("investigator").pk},
        "incidents:step_aside": {"reason": "I know the employee."},
        "incidents:reporting_line": {"managers": []},
        "incidents:fairness": {**version, "allegation_notified_on": "2026-01-05"},
        "incidents:findings": {**version, "action_taken": "", "outcome_summary": "In progress."},
        "incidents:add_note": {"text": "Spoke to the reporter."},
        "incidents:restrict": {"reason": "Alleges corrupt conduct."},
    }[name]


def _request_for(case: str, request) -> tuple[str, str, dict]:
    """(method, url, data) for a row. Objects are made fresh for each test."""
    fixture = request.getfixturevalue
    name, _, target = case.partition(" ")
    if name == "guidance:section":
        return "get", reverse(name, args=["vps-code-2007", "3.5"]), {}
    if name == "accounts:logout":
        return "post", reverse(name), {}
    if name == "incidents:suggest_sections":
        return "post", reverse(name), {"description": "Handed out how-to-vote cards."}
    if name == "incidents:use_context":
        return "post", reverse(name), {"q_official_account": "no"}
    if name == "accounts:password_reset_confirm":
        return "get", reverse(name, args=["MQ", "not-a-valid-token"]), {}
    if name == "incidents:person_export":
        concern = fixture(f"{target}_concern")
        return "get", reverse(name, args=[concern.subject_id]), {}
    if name == "reports:export":
        return "get", reverse(name, args=["platforms", "csv"]), {}
    if name == "reports:export_job_create":
        return "post", reverse(name), {}
    if name in {"reports:export_job", "reports:export_job_download"}:
        job = fixture("executive_export_job")
        return "get", reverse(name, args=[job.pk]), {}
    if name == "incidents:bulk_assign":
        concern = fixture("submitted_concern")
        data = {"concerns": [concern.pk], "assignee": fixture("investigator").pk}
        return "post", reverse(name), data
    if name == "incidents:act":
        concern = fixture(f"{target}_concern")
        url = reverse(name, args=[concern.pk, "start_triage"])
        return "post", url, _hr_post_data(name, concern, request)
    if name in {
        "incidents:triage",
        "incidents:assign",
        "incidents:step_aside",
        "incidents:reporting_line",
        "incidents:fairness",
        "incidents:findings",
        "incidents:add_note",
        "incidents:restrict",
    }:
        concern = fixture(f"{target}_concern")
        concern.refresh_from_db()
        return "post", reverse(name, args=[concern.pk]), _hr_post_data(name, concern, request)
    if name == "incidents:evidence_download":
        evidence = fixture(f"{target}_evidence")
        return "get", reverse(name, args=[evidence.concern_id, evidence.pk]), {}
    if target:
        concern = fixture(f"{target}_concern")
        url = reverse(name, args=[concern.pk])
        if name == "incidents:submit":
            return "post", url, {"version": concern.version}
        if name == "incidents:evidence_upload":
            fixture("media")
            return "post", url, {"file": png_upload(), "post_deleted": "unsure"}
        return "get", url, {}
    return "get", reverse(name), {}


def _sign_in_url(case: str) -> str:
    return (
        reverse("admin:login") if case.startswith(_ADMIN_NAMESPACE) else reverse("accounts:login")
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_persona_gets_the_expected_status_from_every_url(
    client, request, guidance, media, case, persona
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    method, url, data = _request_for(case, request)

    response = getattr(client, method)(url, data)

    assert response.status_code == EXPECTED[case][persona], (
        f"{persona} {method.upper()} {url} ({case})"
    )
    if persona == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(_sign_in_url(case))


def _named_urls(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_urls(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_the_matrix_has_a_row_for_every_named_url():
    in_project = {
        name
        for name in _named_urls(get_resolver().url_patterns)
        if not name.startswith(_ADMIN_NAMESPACE) or name in _ADMIN_KEPT
    }
    in_matrix = {case.partition(" ")[0] for case in EXPECTED}

    assert in_matrix == in_project
