"""Nothing shows who made a possible public interest disclosure, except to its coordinator.

Disclosing information likely to identify a discloser is an offence (Public Interest
Disclosures Act 2012, s 53). Each place the app could show a restricted concern's reporter
is asked here, as everyone who might see it, for the reporter's name, sign-in and email:
lists and search, the case page and everything under it, the API, the trend exports (CSV
and XLSX, and the background workbook), the access-request export (even the coordinator's:
it is handed to the employee concerned), the records pages, the outbox in the admin, and
every kind of email. The coordinator's own case page is the one place that names them
(the positive control, so a marker that could never match would fail).

A URL added to the project fails `test_every_url_is_asked_or_exempt_with_a_reason` until it
is asked about below or exempted with the reason it cannot show a restricted concern.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from incidents.casefile import services as case_file_services
from incidents.casefile.options import CaseFileOptions
from incidents.casework import services as casework
from incidents.reporter import services as reporter_services
from notifications.models import Kind, Notification
from notifications.services import build_message
from reporting import export_jobs
from reporting.queries import ReportScope
from tests.factories import UserFactory, make_concern

pytestmark = pytest.mark.django_db

MARKERS = ("Farthingale", "Quillon", "qfarthingale", "quillon.farthingale")


@pytest.fixture
def installation_administrator(db):
    """Sees every organisation's outbox (an organisation's administrator sees none)."""
    return UserFactory(username="root", is_staff=True, is_superuser=True, organisation=None)


@pytest.fixture
def scene(
    settings,
    restricted,
    discloser,
    coordinator,
    hr_manager,
    investigator,
    executive,
    administrator,
    reporter,
    media,
    django_capture_on_commit_callbacks,
):
    """A restricted concern the discloser added to and answered a question on, beside an
    ordinary concern about the same employee, and every email that made."""
    from devtools.demo_people import administrators_group

    administrator.groups.add(administrators_group())
    settings.REPORT_SMALL_CELL_THRESHOLD = 1  # every count shown, however small
    with django_capture_on_commit_callbacks(execute=True):
        reporter_services.addition_add(
            concern=restricted, actor=discloser, note="One more screenshot is coming."
        )
        question = reporter_services.question_ask(
            concern=restricted, actor=coordinator, text="When did you first see it?"
        )
        reporter_services.question_answer(
            question=question, actor=discloser, answer="On the Tuesday."
        )
        ordinary = make_concern(reporter, subject_name="Jordan Example")
        casework.concern_assign(
            concern=ordinary, actor=hr_manager, assignee=investigator, expected_version=None
        )
    assert restricted.subject_id == ordinary.subject_id  # the same employee
    job = export_jobs.export_job_start(
        user=executive, scope=ReportScope(organisation_ids=(restricted.organisation_id,))
    )
    export_jobs.export_job_build(job.pk)
    # The coordinator's own case file of the restricted concern, with the discloser in it.
    case_file = case_file_services.case_file_start(
        concern=restricted, actor=coordinator, options=CaseFileOptions(purpose="internal_review")
    )
    case_file_services.case_file_build(case_file.pk)
    return {"restricted": restricted, "ordinary": ordinary, "job": job, "case_file": case_file}


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content))
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return content.decode("utf-8", "replace")


def _assert_not_identified(text: str, where: str) -> None:
    for marker in MARKERS:
        assert marker.lower() not in text.lower(), f"{marker} shown at {where}"


# Each place: (URL name, who asks, how to build the URL from the scene). Every place is asked
# by each non-coordinator who could reach it; none of them may see the reporter.
HR_OTHERS = ("hr_manager", "investigator")


def _pk(name):
    return lambda scene: reverse(name, args=[scene["restricted"].pk])


PLACES: list[tuple[str, tuple[str, ...], object]] = [
    ("incidents:list", HR_OTHERS, lambda s: reverse("incidents:list")),
    ("incidents:list", HR_OTHERS, lambda s: reverse("incidents:list") + "?q=client+file"),
    (
        "incidents:list",
        HR_OTHERS,
        lambda s: reverse("incidents:list") + f"?q={s['restricted'].reference}",
    ),
    ("incidents:detail", (*HR_OTHERS, "executive", "reporter"), _pk("incidents:detail")),
    ("incidents:detail", HR_OTHERS, lambda s: reverse("incidents:detail", args=[s["ordinary"].pk])),
    ("incidents:timeline", HR_OTHERS, _pk("incidents:timeline")),
    ("incidents:access_log", HR_OTHERS, _pk("incidents:access_log")),
    (
        "incidents:panel",
        HR_OTHERS,
        lambda s: reverse("incidents:panel", args=[s["restricted"].pk, "assign"]),
    ),
    ("incidents:disclosure", HR_OTHERS, _pk("incidents:disclosure")),
    ("incidents:case_file_new", HR_OTHERS, _pk("incidents:case_file_new")),
    ("incidents:letters", HR_OTHERS, _pk("incidents:letters")),
    (
        "incidents:case_file_job",
        HR_OTHERS,
        lambda s: reverse("incidents:case_file_job", args=[s["restricted"].pk, s["case_file"].pk]),
    ),
    (
        "incidents:case_file_download",
        HR_OTHERS,
        lambda s: reverse(
            "incidents:case_file_download", args=[s["restricted"].pk, s["case_file"].pk]
        ),
    ),
    ("incidents:mine", ("reporter",), lambda s: reverse("incidents:mine")),
    (
        "incidents:person_export",
        ("hr_manager",),
        lambda s: reverse("incidents:person_export", args=[s["ordinary"].subject_id]),
    ),
    (
        "incidents:person_export",
        ("coordinator",),
        lambda s: reverse("incidents:person_export", args=[s["restricted"].subject_id]),
    ),
    ("api:concerns", HR_OTHERS, lambda s: reverse("api:concerns")),
    ("api:concerns", HR_OTHERS, lambda s: reverse("api:concerns") + "?q=client+file"),
    ("api:concern", HR_OTHERS, _pk("api:concern")),
    ("api:concern_actions", HR_OTHERS, _pk("api:concern_actions")),
    ("api:concern_notes", HR_OTHERS, _pk("api:concern_notes")),
    ("api:concern_evidence", HR_OTHERS, _pk("api:concern_evidence")),
    ("api:concerns_mine", ("reporter",), lambda s: reverse("api:concerns_mine")),
    ("api:reports", ("hr_manager", "executive"), lambda s: reverse("api:reports")),
    (
        "api:report_panel",
        ("hr_manager", "executive"),
        lambda s: reverse("api:report_panel", args=["units"]),
    ),
    ("reports:dashboard", ("hr_manager", "executive"), lambda s: reverse("reports:dashboard")),
    (
        "reports:export",
        ("hr_manager", "executive"),
        lambda s: reverse("reports:export", args=["all", "xlsx"]),
    ),
    (
        "reports:export",
        ("hr_manager", "executive"),
        lambda s: reverse("reports:export", args=["units", "csv"]),
    ),
    (
        "reports:export_job_download",
        ("executive",),
        lambda s: reverse("reports:export_job_download", args=[s["job"].pk]),
    ),
    ("records:disposal", ("hr_manager",), lambda s: reverse("records:disposal")),
    ("records:register", ("hr_manager",), lambda s: reverse("records:register")),
    (
        "admin:notifications_notification_changelist",
        ("installation_administrator",),
        lambda s: reverse("admin:notifications_notification_changelist"),
    ),
]
CASES = [
    pytest.param(name, who, build, id=f"{name}-{who}-{index}")
    for index, (name, people, build) in enumerate(PLACES)
    for who in people
]


@pytest.mark.parametrize(("name", "who", "build"), CASES)
def test_no_place_shows_the_discloser_to_anyone_but_the_coordinator(
    client, request, scene, name, who, build
):
    client.force_login(request.getfixturevalue(who))
    url = build(scene)
    response = client.get(url)
    assert response.status_code in (200, 404), (name, response.status_code)
    text = _text(response)
    _assert_not_identified(text, f"{name} as {who}")
    if who != "coordinator":  # nor is the concern itself found there
        detail = reverse("incidents:detail", args=[scene["restricted"].pk])
        assert f'href="{detail}"' not in text, f"{name} as {who}"
        if scene["restricted"].reference not in url:  # a search box repeats what was asked
            assert scene["restricted"].reference not in text, f"{name} as {who}"


def test_the_coordinators_case_page_names_the_discloser(client, scene, coordinator):
    """The positive control: the one place that may name them does, so the markers work."""
    client.force_login(coordinator)
    page = client.get(reverse("incidents:detail", args=[scene["restricted"].pk]))
    assert "Farthingale" in page.content.decode()


def test_the_access_request_export_withholds_the_discloser_even_from_the_coordinator(
    client, scene, coordinator
):
    client.force_login(coordinator)
    url = reverse("incidents:person_export", args=[scene["restricted"].subject_id])
    document = json.loads(client.get(url).content)
    (mine,) = [c for c in document["concerns"] if c["reference"] == scene["restricted"].reference]
    by = {event["by"] for event in mine["timeline"]}
    assert "The person who made the disclosure (withheld)" in by


@pytest.mark.parametrize("kind", Kind.values)
def test_no_kind_of_email_about_it_names_the_discloser(scene, coordinator, kind):
    notification = Notification(kind=kind, concern=scene["restricted"], recipient=coordinator)
    message = build_message(notification)
    html = "".join(str(part[0]) for part in message.alternatives)
    _assert_not_identified(message.subject + message.body + html, f"the {kind} email")


def test_every_email_sent_went_to_the_coordinator_or_named_nobody(scene, discloser, coordinator):
    assert mail.outbox, "the scene sends emails"
    for message in mail.outbox:
        if message.to == [discloser.email]:
            continue  # the discloser's own emails (a question from HR)
        _assert_not_identified(message.subject + message.body, f"an email to {message.to}")
    restricted_rows = Notification.objects.filter(concern=scene["restricted"]).exclude(
        recipient=discloser
    )
    assert {row.recipient for row in restricted_rows} == {coordinator}


# Why every other URL cannot show a restricted concern's reporter.
EXEMPT = {
    **dict.fromkeys(
        (
            "home",
            "health",
            "health_status",
            "guidance:index",
            "guidance:section",
            "api:docs",
            "api:schema",
            "api:reference",
            "api:sections",
            "api:platforms",
        ),
        "shows no concern",
    ),
    **dict.fromkeys(
        (
            "accounts:login",
            "accounts:logout",
            "accounts:mfa_setup",
            "accounts:mfa_verify",
            "accounts:password_reset",
            "accounts:password_reset_complete",
            "accounts:password_reset_confirm",
            "accounts:password_reset_done",
            "accounts:sso_callback",
            "accounts:sso_start",
            "otp_webauthn:credential-authentication-begin",
            "otp_webauthn:credential-authentication-complete",
            "otp_webauthn:credential-registration-begin",
            "otp_webauthn:credential-registration-complete",
            "otp_webauthn:js-i18n-catalog",
            "api:api_token",
            "api:api_tokens",
            "api:token_revoke",
            "api:tokens",
        ),
        "the signed-in person's own sign-in or tokens",
    ),
    **dict.fromkeys(
        (
            "admin:index",
            "admin:accounts_user_changelist",
            "admin:accounts_user_change",
            "admin:accounts_organisation_changelist",
            "admin:accounts_organisation_change",
            "admin:accounts_rolemapping_changelist",
            "admin:accounts_identityprovider_changelist",
            "accounts:access_changes",
        ),
        "people and their roles, never linked to a concern",
    ),
    "admin:incidents_lettertemplate_changelist": (
        "an organisation's letter wording and its versions, never a letter about a concern"
    ),
    "incidents:letter": (
        "one letter, through the same getter and rule as the letters page asked above "
        "(can_view_letters: a restricted concern's letters are its coordinator's only)"
    ),
    **dict.fromkeys(
        ("imports:batch", "imports:confirm", "imports:list", "imports:template", "imports:upload"),
        "a spreadsheet's own rows; an imported concern is submitted as the HR manager's",
    ),
    **dict.fromkeys(
        (
            "incidents:create",
            "incidents:edit",
            "incidents:review",
            "incidents:submit",
            "incidents:evidence_upload",
            "incidents:discard_draft",
            "incidents:suggest_sections",
            "incidents:use_context",
            "incidents:add_information",
            "incidents:answer_question",
            "api:concern_act",
        ),
        "the reporter's own drafts and concerns (the discloser is themselves)",
    ),
    **dict.fromkeys(
        (
            "incidents:act",
            "incidents:triage",
            "incidents:assign",
            "incidents:step_aside",
            "incidents:reporting_line",
            "incidents:fairness",
            "incidents:findings",
            "incidents:add_note",
            "incidents:restrict",
            "incidents:link_matter",
            "incidents:unlink_matter",
            "incidents:ask_reporter",
            "incidents:bulk_assign",
            "incidents:document_add",
            "incidents:disclosure_step",
            "incidents:welfare_contact_add",
            "incidents:letter_draft",
            "incidents:letter_save",
            "incidents:letter_issue",
            "incidents:interim_record",
            "incidents:interim_end",
            "incidents:review_request",
            "incidents:review_decide",
            "records:approve",
            "records:hold_place",
            "records:hold_release",
            "reports:export_job_create",
            "api:concern_assign",
            "api:concern_fairness",
            "api:concern_findings",
            "api:concern_triage",
        ),
        "POST actions through the same getter as the case page (404 to anyone else); "
        "a refused form shows the case page asked above",
    ),
    **dict.fromkeys(
        (
            "incidents:evidence_download",
            "incidents:evidence_preview",
            "incidents:evidence_preview_image",
            "incidents:document_download",
            "incidents:document_preview",
            "incidents:document_preview_image",
            "api:evidence_download",
        ),
        "a file's own bytes, behind the case page's getter",
    ),
    "reports:export_job": "the job's state, no rows (its download is asked above)",
}


def _named_urls():
    from django.urls import get_resolver

    from tests.test_access_matrix import _ADMIN_KEPT
    from tests.test_access_matrix import _named_urls as named

    return {
        name
        for name in named(get_resolver().url_patterns)
        if not name.startswith("admin:") or name in _ADMIN_KEPT
    }


def test_every_url_is_asked_or_exempt_with_a_reason():
    asked = {name for name, _, _ in PLACES}
    unaccounted = _named_urls() - asked - set(EXEMPT)
    assert not unaccounted, (
        f"Ask these about a restricted concern's reporter: {sorted(unaccounted)}"
    )
    assert not (asked & set(EXEMPT)), "a URL is both asked and exempt"


def test_a_restricted_concern_is_not_in_a_reporters_email_to_other_hr(
    scene, hr_manager, investigator
):
    """Its submission was announced to the coordinator only."""
    assert not Notification.objects.filter(
        concern=scene["restricted"], recipient__in=[hr_manager, investigator]
    ).exists()
