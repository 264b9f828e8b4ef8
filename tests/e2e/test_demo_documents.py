"""From the demo data, as a newcomer would meet it after `make run`: an HR manager issues an
allegation notice on a concern under investigation, a notice of outcome on a closed one, and
produces that concern's case file with the reporter's identity left out, all in a real
browser. The PDFs are read back and their first pages drawn as images for a person to look
at.

Run: pytest tests/e2e/test_demo_documents.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from guidance.loader import load_guidance
from incidents.documents.pdf import PROTECTIVE_MARKING
from incidents.models import Concern, Letter, Status
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _words(content: bytes, shots, name: str) -> list[str]:
    pdf = pypdfium2.PdfDocument(content)
    try:
        for index in range(min(len(pdf), 2)):
            pdf[index].render(scale=1.5).to_pil().save(shots.directory / f"{name}-{index + 1}.png")
    finally:
        pdf.close()
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(content)).pages]


def _issue(page, shots, name: str) -> None:
    page.get_by_label("I understand what this will do").check()
    shots.take(page, f"{name}-draft-1366")
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_role("status").first).to_contain_text("Issued the")


def test_from_the_demo_an_hr_manager_issues_both_letters_and_a_case_file(
    settings, signed_in, live_server, shots
):
    settings.DEBUG = True  # load_demo refuses otherwise: its accounts share a password
    load_guidance()
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    hr_manager = User.objects.get(username="hrmanager")
    hr_manager.set_password(PASSWORD)  # the browser signs in with the tests' password
    hr_manager.save(update_fields=["password"])
    demo = hr_manager.organisation_id
    issued = Letter.objects.filter(issued_at__isnull=False)
    investigating = (
        Concern.objects.filter(organisation_id=demo, status=Status.INVESTIGATION, restricted=False)
        .exclude(letters__kind="allegation_notice")
        .order_by("pk")
        .first()
    )
    closed = (
        Concern.objects.filter(organisation_id=demo, status=Status.CLOSED, restricted=False)
        .exclude(letters__kind="outcome", letters__in=issued)
        .exclude(reporter=None)
        .order_by("pk")
        .first()
    )
    assert investigating is not None and closed is not None
    page = signed_in(hr_manager, viewport={"width": 1366, "height": 900})

    # The allegation notice, from the concern page.
    due = timezone.localdate() + dt.timedelta(days=14)
    page.goto(f"{live_server.url}/concerns/{investigating.pk}/")
    page.get_by_role("link", name="Prepare or read letters").click()
    notice = page.locator("#kind-allegation_notice")
    notice.get_by_label("The employee's response is due by").fill(due.isoformat())
    notice.get_by_label("The facts put to the employee").fill(
        "A post on your public account named a client of the department."
    )
    notice.get_by_role("button", name="Draft the allegation notice").click()
    _issue(page, shots, "allegation")
    letter = Letter.objects.get(concern=investigating, kind="allegation_notice")
    with letter.document.file.open("rb") as handle:
        pages = _words(handle.read(), shots, "pdf-allegation-notice")
    for number, words in enumerate(pages, start=1):
        assert PROTECTIVE_MARKING in words and f"Page {number} of {len(pages)}" in words
    assert "named a client of the department" in " ".join(pages)

    # The notice of outcome, on a closed concern.
    page.goto(f"{live_server.url}/concerns/{closed.pk}/letters/")
    page.locator("#kind-outcome").get_by_role("button", name="Draft the notice of outcome").click()
    expect(page.get_by_label("Text of the letter")).to_contain_text(
        "How your rights were considered"
    )
    _issue(page, shots, "outcome")
    outcome = Letter.objects.get(concern=closed, kind="outcome", issued_at__isnull=False)
    with outcome.document.file.open("rb") as handle:
        words = " ".join(_words(handle.read(), shots, "pdf-notice-of-outcome"))
    assert "Findings on each part of the Code of Conduct" in words

    # The case file of the closed concern, the reporter's identity left out.
    reporter = closed.reporter
    page.goto(f"{live_server.url}/concerns/{closed.pk}/")
    page.get_by_role("link", name="Produce a case file (PDF)").click()
    page.get_by_label("Referral to an integrity body", exact=False).check()
    expect(page.get_by_label("The reporter's identity", exact=False)).to_be_checked()
    shots.take(page, "case-file-form-1366")
    page.get_by_role("button", name="Produce the case file").click()
    link = page.get_by_role("link", name="Download the case file (PDF")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    content = Path(download.value.path()).read_bytes()
    text = " ".join(_words(content, shots, "pdf-case-file"))
    assert reporter.get_full_name() not in text and reporter.email not in text
    assert reporter.last_name.encode() not in content
    assert "[left out: the reporter's identity]" in text
    # The letter just issued is among its documents (a hash may wrap across lines).
    assert outcome.document.sha256 in text.replace(" ", "")
