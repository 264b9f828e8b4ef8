"""The coordinator walks a possible public interest disclosure through its assessment, the
notification to IBAC and the advice to the discloser, in a real browser, at 1366 and 390 px.

Run: pytest tests/e2e/test_disclosure_journey.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import Event
from incidents.models import DisclosureAssessment
from tests.factories import BusinessUnitFactory, OrganisationFactory, UserFactory, make_concern

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_coordinator_records_assessment_notification_and_advice(
    signed_in, live_server, guidance, shots
):
    org = OrganisationFactory(name="Department of Examples", short_name="examples")
    unit = BusinessUnitFactory(organisation=org, name="Community Programs")
    reporter = UserFactory(
        username="reporter", organisation=org, business_unit=unit, roles=[Role.REPORTER]
    )
    coordinator = UserFactory(
        username="coordinator",
        first_name="Cora",
        last_name="Ordway",
        organisation=org,
        roles=[Role.HR_MANAGER],
    )
    org.pid_coordinator = coordinator
    org.save()
    concern = make_concern(reporter, possible_pid="yes")

    page = signed_in(coordinator, **WIDE)
    page.goto(f"{live_server.url}/concerns/")
    expect(page.locator("#queue-rows")).to_contain_text("Notify IBAC: by")
    shots.take(page, "queue-with-clock-1366")

    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    summary = page.locator("#disclosure-summary")
    expect(summary).to_contain_text("Notify IBAC")
    expect(summary).to_contain_text("days left")
    shots.take(page, "concern-page-clocks-1366")
    summary.get_by_role("link", name="Record the assessment and its steps").click()

    step = page.locator("#step-assessment")
    step.get_by_label("May be a public interest disclosure").check()
    shots.take(page, "assessment-form-1366")
    step.get_by_role("button", name="Save").click()
    expect(page.locator("#step-assessment-done")).to_contain_text("may be a public interest")

    page.locator("#step-ibac").get_by_role("button", name="Save").click()
    expect(page.locator("#step-ibac-done")).to_be_visible()
    page.locator("#step-advice").get_by_role("button", name="Save").click()
    expect(page.locator("#step-advice-done")).to_contain_text("told that IBAC was notified")
    # The discloser's opt-out is recorded only when their letter comes: not offered open.
    expect(page.locator("#step-opt-out details")).not_to_have_attribute("open", "")
    expect(page.locator("#clock-notify")).to_contain_text("Done")
    expect(page.locator("#clock-advice")).to_contain_text("Done")
    expect(page.locator("#clock-opt_out")).to_contain_text("due by")
    shots.take(page, "steps-recorded-1366")

    row = DisclosureAssessment.objects.get(concern=concern)
    assert row.assessment == "may_be" and row.ibac_notified_on and row.discloser_advised_on
    kinds = set(Event.objects.filter(concern=concern).values_list("kind", flat=True))
    assert {
        "disclosure_assessed",
        "disclosure_ibac_notified",
        "disclosure_discloser_advised",
    } <= kinds

    phone = signed_in(coordinator, **PHONE)
    phone.goto(f"{live_server.url}/concerns/{concern.pk}/disclosure/")
    expect(phone.locator("#clock-notify")).to_contain_text("Done")
    assert _no_sideways_scroll(phone)
    shots.take(phone, "steps-recorded-390")
    phone.goto(f"{live_server.url}/concerns/{concern.pk}/")
    expect(phone.locator("#disclosure-summary")).to_contain_text("Done")
    assert _no_sideways_scroll(phone)
    shots.take(phone, "concern-page-clocks-390")
