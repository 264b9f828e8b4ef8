"""Logging a concern through the pages, as a reporter would notice it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from guidance.models import CodeSection, PlatformCategory
from incidents.intake import services as intake
from incidents.intake.context_helper import MINOR_ADVICE
from incidents.models import Concern, Status
from tests.factories import BusinessUnitFactory, concern_data, make_concern

# The factories' concerns are about private use: a file needs its reason (issue 19).
RELEVANT = "It names the agency and a client."

pytestmark = pytest.mark.django_db

TYPED_DESCRIPTION = (
    'Posted <b>"bold"</b> claims & a photo of a client file \u2014 caf\u00e9 \U0001f642'
)
TYPED_NAME = "Jordan O'Example-\u00c5sa"
TYPED_LINKS = ["https://www.facebook.com/some.post/123", "https://x.com/someone/status/42"]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    """A complete intake form as the browser posts it."""
    data = {
        "occurred_on": "2026-03-14",
        "description": TYPED_DESCRIPTION,
        "platform_category": PlatformCategory.objects.get(code="social-networking").pk,
        "platform_name": "Facebook",
        "links": "\n".join(TYPED_LINKS),
        "use_context": "private",
        "subject_name": TYPED_NAME,
        "subject_position": "Case Officer",
        "subject_business_unit": "",
        "sections": [CodeSection.objects.current().get(code="6.2").pk],
        "possible_pid": "no",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_error(body: str, field: str) -> str:
    """The error text shown beside one field (empty if there is none)."""
    match = re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', body, re.S
    )
    return match.group(1) if match else ""


def error_message(body: str) -> str:
    """The error message shown at the top of the page (empty if there is none)."""
    match = re.search(r'<div class="alert alert-danger" role="status">(.*?)</div>', body, re.S)
    return match.group(1) if match else ""


def textarea_value(body: str, field: str) -> str:
    match = re.search(rf'<textarea name="{field}"[^>]*>(.*?)</textarea>', body, re.S)
    assert match, f"no textarea {field}"
    return match.group(1)


def input_value(body: str, field: str) -> str:
    match = re.search(rf'<input type="text" name="{field}" value="([^"]*)"', body)
    return match.group(1) if match else ""


# --- Logging a concern end to end ----------------------------------------------------


def test_reporter_logs_a_concern_end_to_end_and_sees_its_reference(
    client, guidance, reporter, media
):
    client.force_login(reporter)
    assert client.get(reverse("incidents:create")).status_code == 200

    response = client.post(reverse("incidents:create"), form_data())
    concern = Concern.objects.get(reporter=reporter)
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:review", args=[concern.pk])

    review = client.get(response["Location"])
    assert review.status_code == 200
    assert escape(TYPED_DESCRIPTION) in review.content.decode()

    upload = SimpleUploadedFile("screenshot.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("incidents:evidence_upload", args=[concern.pk]),
        {"file": upload, "relevance": RELEVANT, "post_deleted": "unsure"},
    )
    assert response.status_code == 302
    assert "screenshot.png" in client.get(response["Location"]).content.decode()

    response = client.post(
        reverse("incidents:submit", args=[concern.pk]), {"version": concern.version}, follow=True
    )
    year = timezone.localdate().year
    reference = f"SMC-{year}-00001"
    body = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("incidents:detail", args=[concern.pk]), 302)]
    assert f"Your concern has been logged as {reference}." in body
    concern.refresh_from_db()
    assert (concern.status, concern.reference) == (Status.SUBMITTED, reference)
    assert concern.evidence.count() == 1

    mine = client.get(reverse("incidents:mine")).content.decode()
    assert reference in mine
    assert "Received" in mine
    assert escape(TYPED_NAME) in mine  # the reporter's own words identify it for them


def test_reporters_page_shows_what_they_sent_and_their_own_files_but_no_hashes(
    client, submitted_concern, reporter, investigator, media
):
    evidence = intake.evidence_add(
        concern=submitted_concern,
        actor=reporter,
        upload=SimpleUploadedFile("proof-of-post.png", png_bytes()),
    )
    url = reverse("incidents:detail", args=[submitted_concern.pk])
    download = reverse("incidents:evidence_download", args=[submitted_concern.pk, evidence.pk])

    client.force_login(reporter)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert submitted_concern.reference in body
    assert "Received" in body
    assert "Jordan Example" in body and "proof-of-post.png" in body
    assert evidence.sha256 not in body
    assert download in body  # the file they attached, a recorded download (issue 17)

    # HR sees the full record on the same URL.
    client.force_login(investigator)
    body = client.get(url).content.decode()
    assert "Jordan Example" in body and "proof-of-post.png" in body and download in body


# --- Form validation: the error sits beside the field and nothing typed is lost ------


def _tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


VALIDATION_CASES = {
    "future date": (
        {"occurred_on": _tomorrow},
        "occurred_on",
        "The date can't be in the future.",
    ),
    "javascript link": (
        {"links": lambda: "https://ok.example/a\njavascript:alert(document.cookie)"},
        "links",
        "Link 2 is not a web address starting with http:// or https://.",
    ),
    "link that is not a web address": (
        {"links": lambda: "see the Facebook group called Staff Gripes"},
        "links",
        "Link 1 is not a web address starting with http:// or https://.",
    ),
    "more than ten links": (
        {"links": lambda: "\n".join(f"https://example.org/post/{n}" for n in range(11))},
        "links",
        "Please give at most 10 links (you gave 11).",
    ),
    "over-long description": (
        {"description": lambda: "A" * 10_010},
        "description",
        "Please keep the description under 10000 characters (it is 10010).",
    ),
    "name and not known both given": (
        {"subject_not_known": lambda: "on"},
        "subject_not_known",
        "You gave a name and also ticked that you don't know who it is.",
    ),
}


@pytest.mark.parametrize("case", list(VALIDATION_CASES))
def test_invalid_intake_shows_the_error_beside_the_field_and_keeps_what_was_typed(
    client, guidance, reporter, case
):
    makers, field, message = VALIDATION_CASES[case]
    overrides = {key: make() for key, make in makers.items()}
    data = form_data(**overrides)
    client.force_login(reporter)

    response = client.post(reverse("incidents:create"), data)

    body = response.content.decode()
    assert response.status_code == 400
    assert escape(message) in field_error(body, field)
    assert not Concern.objects.exists()
    # Everything typed comes back.
    assert textarea_value(body, "description").strip() == escape(data["description"])
    assert input_value(body, "subject_name") == escape(data["subject_name"])
    assert textarea_value(body, "links").strip() == escape(data["links"])
    assert input_value(body, "platform_name") == "Facebook"
    assert f'name="occurred_on" value="{data["occurred_on"]}"' in body


def test_invalid_edit_of_a_draft_keeps_what_was_typed(client, draft_concern, reporter):
    client.force_login(reporter)
    data = form_data(links="javascript:alert(1)", version=draft_concern.version)

    response = client.post(reverse("incidents:edit", args=[draft_concern.pk]), data)

    body = response.content.decode()
    assert response.status_code == 400
    assert "Link 1 is not a web address" in field_error(body, "links")
    assert textarea_value(body, "description").strip() == escape(TYPED_DESCRIPTION)
    assert textarea_value(body, "links").strip() == "javascript:alert(1)"
    draft_concern.refresh_from_db()
    assert draft_concern.description != TYPED_DESCRIPTION


# --- Garbage input gets a 4xx, never a 500 -------------------------------------------

GARBAGE = {
    "random unicode": {
        "description": "\u202eevil\u202c \u200b\u200d\U0001f4a9 \u0301\u0301 \ufeff \u4e2d\u6587 "
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \U0010fffd",
        "subject_name": "\u00d8\u0301\u0338 \U0001f600",
        "platform_name": "\u2028\u2029\u0085",
    },
    "NUL in description": {"description": "before\x00after"},
    "NUL in name": {"subject_name": "Jordan\x00Example"},
    "NUL in a link": {"links": "https://example.org/\x00post"},
    "NUL in platform name": {"platform_name": "\x00"},
    "huge description": {"description": "A" * 1_000_000},
    "huge name": {"subject_name": "N" * 100_000},
    "huge link": {"links": "https://example.org/" + "a" * 5000},
    "huge request body": {"description": "B" * 3_000_000},
    "platform category not a number": {"platform_category": "abc"},
    "platform category negative": {"platform_category": "-1"},
    "platform category enormous": {"platform_category": "9" * 30},
    "platform category decimal": {"platform_category": "1.5"},
    "section not a number": {"sections": ["abc"]},
    "section enormous": {"sections": ["9" * 30]},
    "section does not exist": {"sections": ["987654"]},
    "business unit not a number": {"subject_business_unit": "abc"},
    "business unit enormous": {"subject_business_unit": "9" * 30},
    "use context unknown": {"use_context": "secret"},
    "public interest answer unknown": {"possible_pid": "\U0001f937"},
    "context question answer unknown": {"q_official_account": "perhaps"},
    "impossible date": {"occurred_on": "2026-02-30"},
    "date with a huge year": {"occurred_on": "99999-01-01"},
    "ancient date": {"occurred_on": "0001-01-01"},
    "date as words": {"occurred_on": "last tuesday"},
}

# Garbage that is still a fair description is accepted; everything else is refused.
GARBAGE_ACCEPTED = {"random unicode"}


@pytest.mark.parametrize("case", list(GARBAGE))
def test_garbage_intake_never_gives_a_server_error(client, guidance, reporter, case):
    client.force_login(reporter)

    response = client.post(reverse("incidents:create"), form_data(**GARBAGE[case]))

    expected = 302 if case in GARBAGE_ACCEPTED else 400
    assert response.status_code == expected
    assert Concern.objects.count() == (1 if expected == 302 else 0)


def test_a_business_unit_of_another_organisation_is_refused(client, guidance, reporter, other_org):
    foreign = BusinessUnitFactory(organisation=other_org, name="Elsewhere")
    client.force_login(reporter)

    response = client.post(reverse("incidents:create"), form_data(subject_business_unit=foreign.pk))

    assert response.status_code == 400
    assert "Select a valid choice" in field_error(
        response.content.decode(), "subject_business_unit"
    )


@pytest.mark.parametrize("version", ["abc", "", "-1", "1.0", "9" * 30, "\x00"])
def test_a_nonsense_version_on_edit_is_a_conflict_not_a_server_error(
    client, draft_concern, reporter, version
):
    client.force_login(reporter)
    data = form_data(description="My corrected text", version=version)

    response = client.post(reverse("incidents:edit", args=[draft_concern.pk]), data)

    assert response.status_code == 409
    assert "My corrected text" in response.content.decode()
    draft_concern.refresh_from_db()
    assert draft_concern.description != "My corrected text"


@pytest.mark.parametrize("version", ["abc", "", "-1", "1.0", "9" * 30, "\x00"])
def test_a_nonsense_version_on_submit_is_refused_and_the_concern_stays_a_draft(
    client, draft_concern, reporter, version
):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:submit", args=[draft_concern.pk]), {"version": version}
    )

    assert response.status_code == 409
    assert "Someone else changed this concern" in response.content.decode()
    draft_concern.refresh_from_db()
    assert draft_concern.status == Status.DRAFT
    assert draft_concern.reference == ""


@pytest.mark.parametrize("name", ["incidents:detail", "incidents:edit", "incidents:review"])
def test_an_enormous_concern_id_in_the_address_is_not_found(client, reporter, name):
    client.force_login(reporter)
    assert client.get(_enormous(reverse(name, args=[1]))).status_code == 404


def _enormous(path: str) -> str:
    """The address with its id 1 replaced by one far past any database's integers (such
    an address cannot be reversed: it matches no route)."""
    return path.replace("/1/", f"/{10**30}/", 1)


@pytest.mark.parametrize("name", ["incidents:submit", "incidents:evidence_upload"])
def test_posting_to_an_enormous_concern_id_is_not_found(client, reporter, name, media):
    client.force_login(reporter)
    response = client.post(_enormous(reverse(name, args=[1])), {"version": "1"})
    assert response.status_code == 404


def test_an_enormous_evidence_id_is_not_found(client, draft_concern, reporter):
    client.force_login(reporter)
    url = reverse("incidents:evidence_download", args=[draft_concern.pk, 1])
    url = url[: url.rstrip("/").rindex("/") + 1] + str(10**30) + "/"
    assert client.get(url).status_code == 404


# --- Submitting ------------------------------------------------------------------------


def test_an_incomplete_draft_is_refused_with_what_is_missing(client, guidance, reporter):
    draft = make_concern(reporter, submit=False, occurred_on=None, description="")
    client.force_login(reporter)

    response = client.post(reverse("incidents:submit", args=[draft.pk]), {"version": draft.version})

    assert response.status_code == 409
    message = error_message(response.content.decode())
    assert "when it happened" in message and "what you saw" in message
    assert "the kind of platform" not in message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.reference == ""


def test_editing_a_draft_with_a_stale_version_is_a_conflict_that_keeps_the_typed_text(
    client, draft_concern, reporter
):
    opened_version = draft_concern.version
    intake.concern_update_draft(
        concern=draft_concern,
        actor=reporter,
        data=concern_data(description="Changed in another tab."),
        expected_version=opened_version,
    )
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:edit", args=[draft_concern.pk]),
        form_data(description="What I typed in this tab.", version=opened_version),
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "This draft was changed in another window or tab after you opened it." in body
    assert textarea_value(body, "description").strip() == "What I typed in this tab."
    draft_concern.refresh_from_db()
    assert draft_concern.description == "Changed in another tab."


def test_another_reporter_cannot_submit_someone_elses_draft(client, draft_concern, second_reporter):
    client.force_login(second_reporter)

    response = client.post(
        reverse("incidents:submit", args=[draft_concern.pk]), {"version": draft_concern.version}
    )

    assert response.status_code == 404
    draft_concern.refresh_from_db()
    assert draft_concern.status == Status.DRAFT


# --- Live helpers (htmx) --------------------------------------------------------------


def test_section_suggestions_name_remaining_apolitical_with_a_reason(client, guidance, reporter):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:suggest_sections"),
        {"description": "Handed out how-to-vote cards for the Greens during the election."},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "2.2 Remaining apolitical" in body
    assert "Mentions" in body and "election or campaign activity (2.2)" in body


def test_section_suggestions_read_the_answers_given_on_the_form(client, guidance, reporter):
    from guidance.models import PlatformCategory

    client.force_login(reporter)
    text = "He keeps posting long comments in a fan forum about his football team."
    forum = PlatformCategory.objects.get(code="forums")

    plain = client.post(reverse("incidents:suggest_sections"), {"description": text})
    answered = client.post(
        reverse("incidents:suggest_sections"),
        {
            "description": text,
            "platform_category": str(forum.pk),
            "use_context": "private",
            "q_work_resources": "yes",
            "q_identifiable": "not-an-answer",
        },
    )

    assert "5.3 Work resources" not in plain.content.decode()
    body = answered.content.decode()
    assert answered.status_code == 200
    assert "5.3 Work resources" in body
    assert "done in work time or on work equipment (5.3)" in body


def test_section_suggestions_ignore_a_platform_that_is_not_a_number(client, guidance, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:suggest_sections"),
        {"description": "Urged people to vote Labor at the election.", "platform_category": "x"},
    )
    assert response.status_code == 200
    assert "2.2 Remaining apolitical" in response.content.decode()


def test_section_suggestions_are_empty_for_empty_text(client, guidance, reporter):
    client.force_login(reporter)

    response = client.post(reverse("incidents:suggest_sections"), {"description": ""})

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_use_context_helper_suggests_private_use(client, guidance, reporter):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:use_context"),
        {"q_official_account": "no", "q_presented_personal": "yes"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Suggested: <strong>Private use</strong>" in body
    assert "It may be minor" not in body


def test_use_context_helper_gives_the_minor_advice_when_it_looks_minor(client, guidance, reporter):
    client.force_login(reporter)
    answers = {"q_official_account": "no", "q_presented_personal": "yes", "q_identifiable": "no"}

    minor = client.post(reverse("incidents:use_context"), answers).content.decode()
    serious = client.post(
        reverse("incidents:use_context"),
        {**answers, "description": "Handed out how-to-vote cards during the election."},
    ).content.decode()

    assert "It may be minor" in minor and escape(MINOR_ADVICE) in minor
    assert "It may be minor" not in serious


# --- Possible duplicates ----------------------------------------------------------------

DUPLICATE_WARNING = "This may already have been reported"


@pytest.mark.parametrize("restricted", [False, True])
def test_another_reporter_is_not_told_that_a_concern_exists_about_the_person(
    client, guidance, reporter, second_reporter, restricted
):
    """Any reporter could once learn whether a concern is held about a named person (a
    restricted one included) by drafting one with the same name and link."""
    earlier = make_concern(
        reporter,
        subject_name="Jordan Example",
        links=["https://www.facebook.com/some.post/123"],
        possible_pid="yes" if restricted else "no",
    )
    client.force_login(second_reporter)

    response = client.post(
        reverse("incidents:create"),
        form_data(
            subject_name="jordan   EXAMPLE",
            occurred_on=str(earlier.occurred_on),
            links="https://www.facebook.com/some.post/123",
        ),
        follow=True,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Review and submit" in body
    assert DUPLICATE_WARNING not in body
    assert "already with HR" not in body
    assert earlier.reference not in body


def test_a_reporter_logging_a_second_concern_is_shown_their_own_reference(
    client, submitted_concern, reporter
):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:create"),
        form_data(subject_name="Jordan Example", occurred_on="2025-06-01"),
        follow=True,
    )

    body = response.content.decode()
    assert DUPLICATE_WARNING in body
    assert (
        f"You have logged a similar concern about the same person: {submitted_concern.reference}."
        in body
    )


def test_no_duplicate_warning_for_a_different_employee(client, submitted_concern, second_reporter):
    client.force_login(second_reporter)

    response = client.post(
        reverse("incidents:create"), form_data(subject_name="Someone Else"), follow=True
    )

    assert response.status_code == 200
    assert DUPLICATE_WARNING not in response.content.decode()


# --- Query counts: constant in the number of rows --------------------------------------

# Session, the user with their organisation, roles, page count, the page of concerns.
MY_CONCERNS_QUERIES = 4
# Session, the user with their organisation, roles, the conflict filter's two lookups
# (employee records, stepped-aside concerns), the page's ids, the filter form's sections,
# platform categories and business units, the page of concerns.
HR_LIST_QUERIES = 9


def rows_listed(body: str, concerns) -> int:
    return sum(
        f'href="{reverse("incidents:detail", args=[concern.pk])}"' in body for concern in concerns
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_my_concerns_uses_the_same_number_of_queries_for_1_and_50_concerns(
    client, guidance, reporter, rows, django_assert_num_queries
):
    concerns = [make_concern(reporter) for _ in range(rows)]
    client.force_login(reporter)

    with django_assert_num_queries(MY_CONCERNS_QUERIES):
        response = client.get(reverse("incidents:mine"))

    assert response.status_code == 200
    assert rows_listed(response.content.decode(), concerns) == min(rows, 25)


@pytest.mark.parametrize("rows", [1, 50])
def test_hr_list_uses_the_same_number_of_queries_for_1_and_50_concerns(
    client, guidance, reporter, investigator, rows, django_assert_num_queries
):
    concerns = [make_concern(reporter) for _ in range(rows)]
    client.force_login(investigator)

    with django_assert_num_queries(HR_LIST_QUERIES):
        response = client.get(reverse("incidents:list"))

    assert response.status_code == 200
    assert rows_listed(response.content.decode(), concerns) == min(rows, 25)


def test_editing_a_draft_shows_everything_saved(client, draft_concern, reporter):
    client.force_login(reporter)

    response = client.get(reverse("incidents:edit", args=[draft_concern.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="occurred_on" value="2026-03-14"' in body
    assert textarea_value(body, "description").strip() == escape(draft_concern.description)
    assert input_value(body, "subject_name") == "Jordan Example"
    assert textarea_value(body, "links").strip() == "https://www.facebook.com/some.post/123"
    assert f'name="version" value="{draft_concern.version}"' in body


def test_a_double_clicked_save_creates_one_draft(client, guidance, reporter):
    import re

    client.force_login(reporter)
    page = client.get(reverse("incidents:create")).content.decode()
    token = re.search(r'name="intake_token" value="([0-9a-f-]+)"', page)[1]
    data = {
        "description": "Posted a client's address in a community group.",
        "use_context": "private",
        "possible_pid": "no",
        "intake_token": token,
    }
    first = client.post(reverse("incidents:create"), data)
    second = client.post(reverse("incidents:create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Concern.objects.filter(reporter=reporter).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_form_create_one_draft(guidance, reporter):
    import threading
    import uuid

    from django.db import connection

    from incidents.intake import services as intake
    from tests import services as service_markers
    from tests.factories import concern_data

    service_markers.require_postgres()
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    made = []

    def save():
        try:
            barrier.wait(timeout=10)
            made.append(
                intake.concern_create_draft(
                    reporter=reporter, data=concern_data(), intake_token=token
                ).pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(made) == 2 and made[0] == made[1]
    assert Concern.objects.filter(reporter=reporter).count() == 1
