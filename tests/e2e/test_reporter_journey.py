"""The reporter's side in a real browser: log a concern, add evidence after submitting,
answer HR's question, see the outcome. Screenshots at 1366 and 390 pixels wide at each
step, and no sideways scrolling on the phone.

Run: pytest tests/e2e/test_reporter_journey.py --browser chromium
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from guidance.models import CodeSection
from incidents.casework import services as casework
from incidents.models import Concern
from tests.factories import RIGHTS, send_for_decision

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = re.compile(r"SMC-\d{4}-\d{5}")
SECTION = "6.2 Privacy and confidentiality"
DESCRIPTION = (
    "A staff member posted a photo of a client file on their public Facebook page, "
    "with the client's name readable."
)
NOTE = "The post has been deleted since; here is the archived copy I saved."
QUESTION = "Do you know whether the client saw the post?"
ANSWER = "Yes, the client's sister told me she had seen it."
MESSAGE = "Thank you for raising this. HR has dealt with it and the matter is closed."
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def png_bytes(text: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).text((10, 10), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def both_widths(page: Page, shots, step: str) -> None:
    """A screenshot at 1366 and at 390 px; on the phone, nothing wider than the screen."""
    shots.take(page, f"{step}-1366")
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    shots.take(page, f"{step}-390")
    page.set_viewport_size(DESKTOP)
    assert overflow <= 0, f"{step}: the page scrolls sideways on a phone by {overflow} px"


def _close(concern: Concern, people) -> None:
    """HR's side, through the real services: triage, investigation, decision, closure."""
    manager, investigator = people["hr_manager"], people["investigator"]
    concern = casework.concern_act(
        concern=concern, actor=manager, action="start_triage", expected_version=concern.version
    )
    concern = casework.concern_record_triage(
        concern=concern,
        actor=manager,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )
    concern = casework.concern_assign(
        concern=concern, actor=manager, assignee=investigator, expected_version=concern.version
    )
    concern = casework.concern_act(
        concern=concern,
        actor=investigator,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    concern = send_for_decision(concern, investigator)
    casework.concern_act(
        concern=concern,
        actor=manager,
        action="close",
        expected_version=concern.version,
        inputs={"reporter_message": MESSAGE},
    )


def test_a_reporter_logs_adds_evidence_answers_hr_and_sees_the_outcome(
    signed_in, live_server, people, shots
):
    today = timezone.localdate()

    # --- 1. The reporter logs a concern ------------------------------------------------------
    reporter = signed_in(people["reporter"], viewport=DESKTOP)
    reporter.get_by_role("link", name="Log a concern").first.click()
    reporter.fill("#id_occurred_on", (today - dt.timedelta(days=2)).isoformat())
    reporter.fill("#id_description", DESCRIPTION)
    expect(reporter.locator("#id_description_count")).to_contain_text(
        f"{len(DESCRIPTION)} of 10,000 characters"
    )
    reporter.select_option("#id_platform_category", label="Social networking sites")
    reporter.fill("#id_platform_name", "Facebook")
    reporter.fill("#id_subject_name", "Jordan Example")
    reporter.get_by_label(SECTION).check()
    both_widths(reporter, shots, "intake-filled")
    reporter.get_by_role("button", name="Save and review").click()
    reporter.get_by_role("button", name="Submit concern").click()
    message = reporter.get_by_role("status").first
    expect(message).to_contain_text("Your concern has been logged as SMC-")
    reference = REFERENCE.search(message.inner_text()).group(0)
    concern = Concern.objects.get(reference=reference)
    expect(reporter.locator("[data-plain-status]")).to_have_text("Received")
    expect(reporter.locator("#as-submitted")).to_contain_text(DESCRIPTION)
    both_widths(reporter, shots, "submitted")

    # --- 2. Later, they add the archived copy -----------------------------------------------
    reporter.get_by_text("Add further information or evidence").click()
    reporter.get_by_label("What would you like to add?").fill(NOTE)
    reporter.set_input_files(
        "#id_addition_file",
        files=[{"name": "archive.png", "mimeType": "image/png", "buffer": png_bytes("archive")}],
    )
    both_widths(reporter, shots, "adding-evidence")
    reporter.get_by_role("button", name="Add to my concern").click()
    expect(reporter.get_by_role("status").first).to_contain_text("Added to your concern")
    expect(reporter.locator("#additions")).to_contain_text("archive.png")
    expect(reporter.locator("#as-submitted")).not_to_contain_text("archive.png")
    both_widths(reporter, shots, "evidence-added")
    # Their read-only copy: the file they added downloads (a clean copy of an image).
    with reporter.expect_download() as download:
        reporter.locator("#additions").get_by_role("link", name="archive.png").click()
    assert download.value.suggested_filename.startswith("archive")

    # --- 3. HR sees the addition and asks a question ----------------------------------------
    hr = signed_in(people["hr_manager"], viewport=DESKTOP)
    hr.goto(f"{live_server.url}/concerns/{concern.pk}/")
    exchange = hr.locator("#reporter-exchange")
    expect(exchange).to_contain_text(NOTE)
    exchange.get_by_label("Your question for the person who logged it").fill(QUESTION)
    exchange.get_by_role("button", name="Send the question").click()
    expect(hr.get_by_role("status").first).to_contain_text("Question sent")
    expect(hr.locator("#reporter-exchange")).to_contain_text(QUESTION)
    both_widths(hr, shots, "hr-asked")

    # --- 4. The reporter answers ------------------------------------------------------------
    reporter.get_by_role("link", name="My concerns").first.click()
    row = reporter.locator(".my-concerns > li", has_text=reference)
    expect(row).to_contain_text("Received")
    expect(row).to_contain_text("Jordan Example")
    both_widths(reporter, shots, "my-concerns")
    row.get_by_role("link", name="Jordan Example").click()
    questions = reporter.locator("#questions")
    expect(questions).to_contain_text(QUESTION)
    questions.get_by_label("Your answer").fill(ANSWER)
    both_widths(reporter, shots, "answering")
    questions.get_by_role("button", name="Send my answer").click()
    expect(reporter.get_by_role("status").first).to_contain_text("Your answer has been sent")
    expect(reporter.locator("#questions")).to_contain_text(ANSWER)
    both_widths(reporter, shots, "answered")

    hr.reload()
    expect(hr.locator("#reporter-exchange")).to_contain_text(ANSWER)

    # --- 5. HR finishes; the reporter sees the outcome --------------------------------------
    _close(Concern.objects.get(pk=concern.pk), people)
    reporter.get_by_role("link", name="My concerns").first.click()
    row = reporter.locator(".my-concerns > li", has_text=reference)
    expect(row).to_contain_text("Finished")
    row.get_by_role("link", name="Jordan Example").click()
    expect(reporter.locator("[data-plain-status]")).to_have_text("Finished")
    expect(reporter.get_by_role("region", name="What HR would like you to know")).to_contain_text(
        MESSAGE
    )
    expect(reporter.locator("#closed-message")).to_contain_text("contact your organisation")
    expect(reporter.get_by_text("Withdraw this concern")).to_have_count(0)
    expect(reporter.get_by_text("Add further information or evidence")).to_have_count(0)
    both_widths(reporter, shots, "outcome")
