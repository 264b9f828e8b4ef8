"""HR's work queue in a real browser: "select all on this page" for bulk assignment."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from incidents.models import Concern
from tests.factories import BusinessUnitFactory, OrganisationFactory, UserFactory, make_concern

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue(guidance):
    org = OrganisationFactory(name="Department of Examples", short_name="examples")
    unit = BusinessUnitFactory(organisation=org, name="Community Programs")
    reporter = UserFactory(
        username="reporter", organisation=org, business_unit=unit, roles=[Role.REPORTER]
    )
    hr_manager = UserFactory(
        username="hrmanager", first_name="Harper", organisation=org, roles=[Role.HR_MANAGER]
    )
    investigator = UserFactory(
        username="investigator",
        first_name="Ivy",
        last_name="Quill",
        organisation=org,
        roles=[Role.INVESTIGATOR],
    )
    concerns = [
        make_concern(reporter, subject_name=f"Person {index}", links=[]) for index in range(27)
    ]
    return {"hr_manager": hr_manager, "investigator": investigator, "concerns": concerns}


def test_select_all_on_this_page_ticks_the_page_and_assigns_it(
    signed_in, live_server, queue, shots
):
    page = signed_in(queue["hr_manager"])
    page.goto(f"{live_server.url}/concerns/?q=client&sort=newest")
    select_all = page.get_by_label("Select all concerns on this page")
    rows = page.locator('tbody input[name="concerns"]')
    expect(select_all).to_be_visible()
    expect(rows).to_have_count(25)

    select_all.check()
    for index in range(25):
        expect(rows.nth(index)).to_be_checked()
    rows.nth(3).uncheck()  # one row unticked: the box says "some"
    assert select_all.evaluate("box => box.indeterminate") is True
    rows.nth(3).check()
    expect(select_all).to_be_checked()
    shots.take(page, "every concern on the page selected")

    page.get_by_label("Assign the selected concerns to").select_option(label="Ivy Quill")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Assigned:")
    # Back on the same filtered queue, and only the page's 25 were assigned.
    assert "q=client" in page.url
    assert Concern.objects.filter(assignee=queue["investigator"]).count() == 25
    shots.take(page, "assigned")


def test_the_queue_tabs_keep_the_search_in_the_browser(signed_in, live_server, queue):
    page = signed_in(queue["hr_manager"])
    page.goto(f"{live_server.url}/concerns/")
    page.get_by_label("Search").fill("Person 1")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Unassigned").click()
    expect(page.get_by_label("Search")).to_have_value("Person 1")
    assert "queue=unassigned" in page.url
