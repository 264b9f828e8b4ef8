"""Linking two concerns as the same matter from the concern page, in a real browser.

Run: pytest tests/e2e/test_related_concerns.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from incidents.models import Concern
from tests.factories import BusinessUnitFactory, OrganisationFactory, UserFactory, make_concern

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_hr_manager_links_two_reports_of_one_post(guidance, live_server, signed_in, shots):
    org = OrganisationFactory(name="Department of Examples", short_name="examples")
    unit = BusinessUnitFactory(organisation=org, name="Community Programs")
    reporter = UserFactory(
        username="reporter", organisation=org, business_unit=unit, roles=[Role.REPORTER]
    )
    manager = UserFactory(username="hrmanager", organisation=org, roles=[Role.HR_MANAGER])
    first = make_concern(reporter, description="The post, as the first manager saw it.")
    second = make_concern(
        reporter,
        subject_name="Not Named The Same",
        description="The same post, logged again by another manager.",
    )

    page = signed_in(manager)
    page.goto(f"{live_server.url}/concerns/{second.pk}/")
    panel = page.locator("#related")
    expect(panel).to_contain_text(first.reference)
    expect(panel).to_contain_text("Same link")
    shots.take(page, "related concerns panel")

    panel.get_by_role("button", name="Link as the same matter").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Reference of the other concern").fill(first.reference)
    dialog.get_by_label("Why they are the same matter").fill("One post, reported twice.")
    shots.take(page, "link dialog")
    dialog.get_by_role("button", name="Link them").click()

    expect(page.get_by_text(f"Linked with {first.reference} as the same matter.")).to_be_visible()
    expect(page.locator("#matter-standing")).to_have_text(
        f"Counted in trends as part of the matter led by {first.reference}."
    )
    expect(panel).to_contain_text("Linked as the same matter; same link")
    shots.take(page, "linked as the same matter")

    page.goto(f"{live_server.url}/concerns/{first.pk}/")
    expect(page.locator("#matter-standing")).to_contain_text("This concern stands for the matter")
    assert Concern.objects.get(pk=first.pk).matter_id == Concern.objects.get(pk=second.pk).matter_id
