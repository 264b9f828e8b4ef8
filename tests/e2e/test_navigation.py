"""The navigation bar fits on one line at 1024 and 1366 px for every persona, and its
menus work from the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.services import organisation_name_second_approver
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ONE_LINE = 64  # px: Bootstrap's navbar with one row of links is 56 px high


@pytest.fixture
def personas(guidance):
    org = OrganisationFactory(
        name="Department of Examples, Long Names and Regional Affairs", short_name="long-names"
    )
    other = OrganisationFactory(name="Other Agency", short_name="other")
    administrator = UserFactory(
        username="admin",
        first_name="Alexandra",
        last_name="Montgomery-Whitfield",
        organisation=org,
        roles=[Role.ADMINISTRATOR],
        is_staff=True,
    )
    # Every role, staff too, and the organisation's second approver: the most items.
    everything = UserFactory(
        username="hrmanager",
        first_name="Maximilian",
        last_name="Fitzgerald-Henderson",
        organisation=org,
        roles=list(Role.values),
        is_staff=True,
    )
    organisation_name_second_approver(organisation=org, approver=everything, actor=administrator)
    outsider = UserFactory(
        username="outsider",
        first_name="Olivia",
        last_name="Outlander",
        organisation=other,
        roles=list(Role.values),
    )
    return {"hr_manager": everything, "administrator": administrator, "outsider": outsider}


@pytest.mark.parametrize("width", [1024, 1366])
@pytest.mark.parametrize("persona", ["hr_manager", "administrator", "outsider"])
def test_the_navigation_is_one_line(signed_in, live_server, personas, persona, width, shots):
    page = signed_in(personas[persona], viewport={"width": width, "height": 800})
    page.goto(f"{live_server.url}/concerns/" if persona != "administrator" else live_server.url)
    navbar = page.get_by_role("navigation", name="Main")
    box = navbar.bounding_box()
    items = navbar.locator(".navbar-nav > .nav-item")
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    shots.take(page, f"{persona} at {width}")
    assert box["height"] <= ONE_LINE, f"{persona} at {width}px: navbar {box['height']}px high"
    assert max(tops) - min(tops) <= 4, f"{persona} at {width}px: items on several lines"
    last = items.nth(items.count() - 1).bounding_box()
    assert last["x"] + last["width"] <= width, f"{persona} at {width}px: items off the screen"
    assert navbar.evaluate("bar => bar.scrollWidth <= bar.clientWidth")


def test_the_menus_open_and_work_from_the_keyboard(signed_in, live_server, personas, shots):
    page = signed_in(personas["hr_manager"], viewport={"width": 1024, "height": 800})
    navbar = page.get_by_role("navigation", name="Main")
    expect(navbar.get_by_role("link", name="Decisions")).to_have_attribute(
        "href", "/concerns/?status=decision"
    )
    manage = navbar.get_by_role("button", name="Manage")
    expect(manage).to_have_attribute("aria-expanded", "false")
    manage.focus()
    page.keyboard.press("Enter")
    expect(manage).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(navbar.get_by_role("link", name="Records")).to_be_focused()
    shots.take(page, "manage menu open")
    page.keyboard.press("Escape")
    expect(manage).to_have_attribute("aria-expanded", "false")

    account = navbar.get_by_role("button", name="Signed in as Maximilian Fitzgerald-Henderson")
    account.click()
    expect(
        navbar.get_by_text("Department of Examples, Long Names and Regional Affairs")
    ).to_be_visible()
    navbar.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/sign-in/**")


def test_the_navigation_and_the_queue_pass_axe_with_a_menu_open(signed_in, live_server, personas):
    from tests.e2e.test_journey import AXE_JS, AXE_PATH, run_axe

    page = signed_in(personas["hr_manager"], viewport={"width": 1024, "height": 800})
    axe_source = AXE_JS.read_text()
    page.context.route(
        live_server.url + AXE_PATH,
        lambda route: route.fulfill(
            status=200, content_type="application/javascript", body=axe_source
        ),
    )
    page.goto(f"{live_server.url}/concerns/?q=client")
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Manage").click()
    serious = [
        (violation["id"], violation["help"])
        for violation in run_axe(page, live_server.url)
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
