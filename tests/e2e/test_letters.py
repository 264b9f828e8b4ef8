"""An HR manager issues an allegation notice and, later, a notice of outcome from a concern
under investigation, in a real browser; the PDFs are drawn as images for a person to look at.

Run: pytest tests/e2e/test_letters.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from guidance.models import CodeSection
from incidents.casework import services as casework
from incidents.documents.pdf import PROTECTIVE_MARKING
from incidents.models import CaseDocument, Concern, DocumentKind, Letter
from tests.factories import RIGHTS, UserFactory, make_concern, rights_answers

pytestmark = pytest.mark.django_db(transaction=True)

FACTS = (
    "On 14 March 2026 a photo of a client file, with the client's name readable, was posted "
    "on your public Facebook page."
)


def _investigating(people):
    hr_manager, investigator = people["hr_manager"], people["investigator"]
    concern = make_concern(people["reporter"])
    concern = casework.concern_assign(
        concern=concern, actor=hr_manager, assignee=investigator, expected_version=None
    )
    concern = casework.concern_act(
        concern=concern, actor=hr_manager, action="start_triage", expected_version=concern.version
    )
    concern = casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code__in=["3.5", "6.2"]))
        ),
        expected_version=concern.version,
    )
    return casework.concern_act(
        concern=concern,
        actor=investigator,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )


def _decided_and_closed(concern, investigator, approver):
    """What happens between the two letters, away from the browser: the response arrives,
    the investigator records the findings and sends it for decision, another HR manager
    approves it (the one who issued the notice took part in the investigation)."""
    concern = Concern.objects.get(pk=concern.pk)
    concern = casework.concern_record_fairness(
        concern=concern,
        actor=investigator,
        data=casework.FairnessData(
            concern.allegation_notified_on, concern.response_due_on, timezone.localdate()
        ),
        expected_version=concern.version,
    )
    concern = casework.concern_record_findings(
        concern=concern,
        actor=investigator,
        data=casework.FindingsData(
            {
                row.section_id: "substantiated"
                if row.section.code == "6.2"
                else "not_substantiated"
                for row in concern.findings.select_related("section")
            },
            "formal_warning",
            "The post was removed; a formal warning was given.",
            rights=rights_answers(),
        ),
        expected_version=concern.version,
    )
    concern = casework.concern_act(
        concern=concern,
        actor=investigator,
        action="propose_decision",
        expected_version=concern.version,
    )
    return casework.concern_act(
        concern=concern, actor=approver, action="close", expected_version=concern.version
    )


def _pdf_of(document: CaseDocument, shots, name: str) -> list[str]:
    """The PDF's text, page by page; its first page drawn as a PNG beside the screenshots."""
    import pypdfium2

    with document.file.open("rb") as handle:
        data = handle.read()
    pdf = pypdfium2.PdfDocument(data)
    try:
        for index in range(min(len(pdf), 2)):
            image = pdf[index].render(scale=1.6).to_pil()
            image.save(shots.directory / f"pdf-{name}-page-{index + 1}.png")
    finally:
        pdf.close()
    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages
    ]


def test_an_hr_manager_issues_an_allegation_notice_and_then_the_outcome(
    signed_in, live_server, people, shots
):
    hr_manager = people["hr_manager"]
    approver = UserFactory(
        username="hrmanager2", organisation=hr_manager.organisation, roles=[Role.HR_MANAGER]
    )
    concern = _investigating(people)
    due = timezone.localdate() + dt.timedelta(days=14)
    page = signed_in(hr_manager, viewport={"width": 1366, "height": 900})

    # From the concern page to its letters.
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    page.get_by_role("link", name="Prepare or read letters").click()
    expect(page.get_by_role("heading", name=f"Letters for {concern.reference}")).to_be_visible()
    notice = page.locator("#kind-allegation_notice")
    # Nothing typed yet: what the template needs is named back, not left blank.
    notice.get_by_role("button", name="Draft the allegation notice").click()
    problems = page.locator("#problems-allegation_notice")
    expect(problems).to_contain_text("The response date is not set.")
    expect(problems).to_contain_text("The facts put to the employee are not written.")
    notice = page.locator("#kind-allegation_notice")
    notice.get_by_label("The employee's response is due by").fill(due.isoformat())
    notice.get_by_label("The facts put to the employee").fill(FACTS)
    shots.take(page, "letters-page-1366")
    notice.get_by_role("button", name="Draft the allegation notice").click()

    # Review and edit the draft, then issue it.
    expect(page.get_by_role("heading", name="Allegation notice (draft)")).to_be_visible()
    text = page.get_by_label("Text of the letter")
    expect(text).to_contain_text("Dear Jordan Example,")
    expect(text).to_contain_text(FACTS)
    text.fill(text.input_value() + "\n\nYou can reach Human Resources on 03 9000 0000.")
    shots.take(page, "allegation-draft-1366")
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.locator(".error-summary")).to_contain_text("Tick the box to confirm")
    expect(page.get_by_label("Text of the letter")).to_contain_text("03 9000 0000")  # kept
    page.get_by_label("I understand what this will do").check()
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_role("status").first).to_contain_text("Issued the allegation notice")
    expect(page.get_by_role("heading", name="Allegation notice, issued")).to_be_visible()
    shots.take(page, "allegation-issued-1366")

    letter = Letter.objects.get(kind="allegation_notice")
    document = letter.document
    assert document.kind == DocumentKind.ALLEGATION_NOTICE
    pages = _pdf_of(document, shots, "allegation-notice")
    for number, words in enumerate(pages, start=1):
        assert PROTECTIVE_MARKING in words and f"Page {number} of {len(pages)}" in words
        assert "Allegation notice template, version 1" in words
    whole = " ".join(pages)
    assert "Dear Jordan Example," in whole and FACTS in whole and "03 9000 0000" in whole
    assert f"{due.day} {due:%B %Y}" in whole
    fresh = Concern.objects.get(pk=concern.pk)
    assert fresh.allegation_notified_on == timezone.localdate()
    assert fresh.response_due_on == due

    # The concern page shows the issued notice among the case documents, and the dates.
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    documents = page.locator("#case-documents")
    expect(documents).to_contain_text("Allegation notice: issued")
    thumbnail = documents.get_by_role("img", name=f"Preview of {document.original_name}, page 1")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(  # the issued PDF is previewed like any other
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    expect(page.locator("#fairness")).to_contain_text(f"response due {due:%-d %b %Y}")
    shots.take(page, "concern-after-notice-1366")

    # Later: the decision is made and approved; the outcome is put in writing.
    _decided_and_closed(concern, people["investigator"], approver)
    page.goto(f"{live_server.url}/concerns/{concern.pk}/letters/")
    outcome = page.locator("#kind-outcome")
    outcome.get_by_role("button", name="Draft the notice of outcome").click()
    expect(page.get_by_label("Text of the letter")).to_contain_text(
        "Privacy and confidentiality: Substantiated"
    )
    page.get_by_label("I understand what this will do").check()
    shots.take(page, "outcome-draft-1366")
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_role("status").first).to_contain_text("Issued the notice of outcome")
    shots.take(page, "outcome-issued-1366")
    outcome_letter = Letter.objects.get(kind="outcome")
    assert outcome_letter.document.kind == DocumentKind.DECISION
    words = " ".join(_pdf_of(outcome_letter.document, shots, "notice-of-outcome"))
    assert "Notice of outcome template, version 1" in words
    assert "The action taken is: formal warning." in words

    page.goto(f"{live_server.url}/concerns/{concern.pk}/letters/")
    expect(page.locator("#issued-letters")).to_contain_text("Allegation notice")
    expect(page.locator("#issued-letters")).to_contain_text("Notice of outcome")
    shots.take(page, "letters-page-after-both-1366")

    # The same pages on a phone.
    phone = signed_in(hr_manager, viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/concerns/{concern.pk}/letters/")
    expect(phone.get_by_role("heading", name=f"Letters for {concern.reference}")).to_be_visible()
    shots.take(phone, "letters-page-390")
    phone.goto(f"{live_server.url}/concerns/{concern.pk}/letters/{letter.pk}/")
    expect(phone.locator("#letter-sheet")).to_contain_text(FACTS)
    shots.take(phone, "allegation-issued-390")
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]  # no sideways scrolling
