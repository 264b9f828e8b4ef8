"""An HR manager attaches a case document in a real browser and reads it as images.

Run: pytest tests/e2e/test_case_documents.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import AccessRecord
from incidents.models import CaseDocument
from tests.factories import OrganisationFactory, UserFactory, make_concern
from tests.incidents.files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def _loaded(image) -> bool:
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_hr_attaches_a_document_and_reads_its_pages_as_images(
    signed_in, live_server, guidance, shots
):
    org = OrganisationFactory(name="Department of Examples", short_name="examples")
    reporter = UserFactory(username="reporter", organisation=org, roles=[Role.REPORTER])
    hr_manager = UserFactory(username="hrmanager", organisation=org, roles=[Role.HR_MANAGER])
    concern = make_concern(reporter)
    page = signed_in(hr_manager)

    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    section = page.locator("#case-documents")
    expect(section.get_by_role("heading", name="Case documents")).to_be_visible()
    section.get_by_role("button", name="Attach a document").click()
    section = page.locator("dialog[open]")
    section.locator("#id_file").set_input_files(
        files=[
            {
                "name": "allegation-notice.pdf",
                "mimeType": "application/pdf",
                "buffer": pdf_bytes(pages=3, text="Allegation notice, page"),
            }
        ]
    )
    section.get_by_label("What is it?").select_option(label="Allegation notice")
    section.get_by_label("Title (optional)").fill("Letter setting out the allegations")
    shots.take(page, "document-form-filled")
    section.get_by_role("button", name="Attach document").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Attached allegation-notice.pdf to the case documents"
    )
    section = page.locator("#case-documents")
    expect(section).to_contain_text("Allegation notice: Letter setting out the allegations")
    thumbnail = section.get_by_role("img", name="Preview of allegation-notice.pdf, page 1")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert _loaded(thumbnail)
    shots.take(page, "document-attached-with-preview")

    section.get_by_role("link", name=re.compile("Read every page")).click()
    expect(page.locator("#page-position")).to_have_text("Page 1 of 3")
    large = page.locator("#preview-image")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=large.element_handle()
    )
    assert large.evaluate("img => img.naturalHeight") == 1400
    shots.take(page, "document-preview-page-1")
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("#page-position")).to_have_text("Page 2 of 3")
    large = page.locator("#preview-image")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=large.element_handle()
    )
    shots.take(page, "document-preview-page-2")

    document = CaseDocument.objects.get(concern=concern)
    assert document.kind == "allegation_notice"
    assert AccessRecord.objects.filter(
        user=hr_manager, action="previewed", detail="allegation-notice.pdf, page 2"
    ).exists()
