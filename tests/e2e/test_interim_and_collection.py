"""Issue 19 in a real browser: the evidence form asks a reporter why material from a
private account is relevant, and an investigator records an interim measure on a case.

Run: pytest tests/e2e/test_interim_and_collection.py --browser chromium
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Evidence, InterimMeasure
from tests.factories import make_concern, png_upload

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [1366, 390]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_evidence_form_asks_why_private_material_is_relevant(
    signed_in, live_server, guidance, reporter, shots, width
):
    draft = make_concern(reporter, submit=False, use_context="private")
    page = signed_in(reporter, viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/concerns/{draft.pk}/review/")
    expect(page.locator("#private-collection-reminder")).to_contain_text(
        "don't search through someone's private accounts"
    )
    upload = png_upload("profile.png")
    page.locator("#id_file").set_input_files(
        files=[{"name": "profile.png", "mimeType": "image/png", "buffer": upload.read()}]
    )
    page.get_by_label("Where was it captured?").fill("https://example.com/profile/post/7")
    page.get_by_role("button", name="Attach").click()
    relevance = page.locator("#id_relevance")
    expect(page.locator("#error_1_id_relevance")).to_contain_text(
        "Say why this material from a private account is relevant"
    )
    expect(page.get_by_label("Where was it captured?")).to_have_value(
        "https://example.com/profile/post/7"
    )
    shots.take(page, f"relevance-asked-{width}")
    relevance.fill("It names our agency and one of our clients.")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("status").first).to_contain_text("Attached profile.png")
    expect(page.locator(".evidence-private")).to_contain_text("It names our agency")
    shots.take(page, f"private-file-attached-{width}")
    assert Evidence.objects.get().relevance == "It names our agency and one of our clients."


@pytest.mark.parametrize("width", WIDTHS)
def test_an_investigator_records_an_interim_measure_on_a_case(
    signed_in, live_server, investigating_concern, investigator, shots, width
):
    page = signed_in(investigator, viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/concerns/{investigating_concern.pk}/")
    section = page.locator("#interim")
    expect(section.get_by_role("heading", name="Interim measures")).to_be_visible()
    section.get_by_role("button", name="Record an interim measure").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Removed from managing an official account").check()
    dialog.get_by_label("Why (or why none is needed)").fill(
        "Posts from the agency's account while the matter is looked into."
    )
    review = timezone.localdate() + dt.timedelta(days=14)
    dialog.get_by_label("Review by (needed unless none is needed)").fill(review.isoformat())
    shots.take(page, f"interim-form-{width}")
    dialog.get_by_role("button", name="Record the measure").click()
    expect(page.get_by_role("status").first).to_contain_text("Interim measure recorded")
    section = page.locator("#interim")
    expect(section).to_contain_text("Removed from managing an official account")
    expect(section).to_contain_text("In place")
    expect(section).to_contain_text(f"review by {review:%-d %b %Y}")
    section.scroll_into_view_if_needed()
    shots.take(page, f"interim-recorded-{width}")
    assert InterimMeasure.objects.get().recorded_by == investigator
