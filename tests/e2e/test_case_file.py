"""An HR manager produces a case file in a real browser with the reporter's identity left
out, downloads it, and reads it back: text and its first pages as images.

Run: pytest tests/e2e/test_case_file.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from playwright.sync_api import expect

from accounts.models import Role
from incidents.intake import services as intake
from tests.factories import OrganisationFactory, UserFactory, make_concern, png_upload
from tests.incidents.files import pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)

REPORTER_NAME = "Quinlan Marsupio"


def test_hr_manager_produces_a_case_file_with_the_reporter_left_out(
    signed_in, live_server, guidance, shots
):
    org = OrganisationFactory(name="Department of Examples", short_name="examples")
    reporter = UserFactory(
        username="reporter",
        first_name="Quinlan",
        last_name="Marsupio",
        email="quinlan.marsupio@example.org",
        organisation=org,
        roles=[Role.REPORTER],
    )
    hr_manager = UserFactory(
        username="hrmanager",
        first_name="Harriet",
        last_name="Manning",
        organisation=org,
        roles=[Role.HR_MANAGER],
    )
    concern = make_concern(
        reporter, description=f"{REPORTER_NAME} saw a photo of a client file on the post."
    )
    intake.evidence_add(concern=concern, actor=reporter, upload=png_upload("post.png"))
    intake.evidence_add(concern=concern, actor=reporter, upload=pdf_upload("thread.pdf"))

    page = signed_in(hr_manager, viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    page.get_by_role("link", name="Produce a case file (PDF)").click()
    expect(
        page.get_by_role("heading", name=f"Produce a case file of {concern.reference}")
    ).to_be_visible()
    page.get_by_label("Freedom of information request").check()
    reporter_box = page.get_by_label("The reporter's identity", exact=False)
    expect(reporter_box).to_be_checked()  # ticked to begin with
    shots.take(page, "case-file-form-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shots.take(page, "case-file-form-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Produce the case file").click()

    link = page.get_by_role("link", name="Download the case file (PDF")
    expect(link).to_be_visible()
    shots.take(page, "case-file-ready-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shots.take(page, "case-file-ready-390")
    with page.expect_download() as download:
        link.click()
    content = Path(download.value.path()).read_bytes()

    reader = pypdf.PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert REPORTER_NAME not in text and b"Marsupio" not in content
    assert "quinlan.marsupio" not in text
    assert "[left out: the reporter's identity]" in text
    assert "Freedom of information request" in text
    assert "Harriet Manning" in text  # who produced it
    pdf = pypdfium2.PdfDocument(content)
    for index in range(2):
        image = pdf[index].render(scale=1.5).to_pil()
        image.save(shots.directory / f"pdf-page-{index + 1}.png")
