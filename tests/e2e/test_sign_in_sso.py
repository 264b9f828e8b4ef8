"""Signing in through the organisation's identity provider, in Chromium, against a real
OpenID provider on loopback (devtools/oidc/provider.mjs, started by the fixture below).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import IdentityProvider, Role, RoleMapping, User
from audit.models import Event, EventKind
from tests.accounts.oidc_provider import loopback_provider
from tests.factories import BusinessUnitFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHORT_NAME = "examples"
ALEX = {
    "email": "alex.rivera@examples.vic.gov.au",
    "email_verified": True,
    "given_name": "Alex",
    "family_name": "Rivera",
    "name": "Alex Rivera",
    "job_title": "Policy Officer",
    "department": "Community Programs",
    "groups": ["conduct-reporters"],
}


@pytest.fixture(scope="module")
def oidc(live_server, tmp_path_factory):
    callback = f"{live_server.url}/accounts/sso/{SHORT_NAME}/callback/"
    with loopback_provider([callback], tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture
def organisation(oidc):
    organisation = OrganisationFactory(name="Department of Examples", short_name=SHORT_NAME)
    BusinessUnitFactory(organisation=organisation, name="Community Programs")
    provider = IdentityProvider.objects.create(
        organisation=organisation,
        issuer=oidc.issuer,
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        scopes="openid email profile groups",
    )
    for group, role in (
        ("conduct-reporters", Role.REPORTER),
        ("conduct-investigators", Role.INVESTIGATOR),
        ("conduct-hr-managers", Role.HR_MANAGER),
    ):
        RoleMapping.objects.create(provider=provider, group=group, role=role)
    oidc.set_accounts({"alex": ALEX})
    oidc.set_mode("honest")
    return organisation


def _sign_in_through_provider(page, live_server, login="alex"):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("link", name="Sign in with Department of Examples").click()
    if page.locator("input[name=login]").count():
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", "anything")
        page.get_by_role("button", name="Sign-in").click()
    consent = page.get_by_role("button", name="Continue")
    if consent.count():
        consent.click()
    page.wait_for_url(f"{live_server.url}/**")


def _alex() -> User:
    return User.objects.get(sso_subject="alex")


def test_first_sign_in_creates_the_person_and_a_changed_group_changes_their_roles(
    browser, live_server, oidc, organisation, shots
):
    first = browser.new_context(viewport={"width": 1366, "height": 900})
    page = first.new_page()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    shots.take(page, "sign-in page offers the organisation")
    _sign_in_through_provider(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("body")).to_contain_text("Reporter")
    shots.take(page, "signed in as a reporter")
    alex = _alex()
    assert alex.organisation == organisation
    assert (alex.first_name, alex.last_name, alex.email) == ("Alex", "Rivera", ALEX["email"])
    assert alex.position == "Policy Officer"
    assert alex.business_unit.name == "Community Programs"
    assert alex.roles == {Role.REPORTER}
    assert not alex.has_usable_password()

    # The provider moves Alex from the reporters' group to the investigators'.
    oidc.set_accounts({"alex": {**ALEX, "groups": ["conduct-investigators"]}})
    second = browser.new_context(viewport={"width": 390, "height": 844})
    narrow = second.new_page()
    _sign_in_through_provider(narrow, live_server)
    expect(narrow.locator("body")).to_contain_text("HR investigator")
    shots.take(narrow, "signed in again as an investigator, narrow")
    alex = _alex()
    assert alex.roles == {Role.INVESTIGATOR}
    assert User.objects.filter(sso_subject="alex").count() == 1  # the same person
    event = Event.objects.filter(kind=EventKind.ROLES_CHANGED).latest("seq")
    assert event.before["roles"] == [Role.REPORTER]
    assert event.after == {
        "person": alex.pk,
        "roles": [Role.INVESTIGATOR],
        "by": "identity provider",
    }

    # The reporter's session of the first browser ended with the role.
    page.goto(f"{live_server.url}/concerns/mine/")
    expect(page).to_have_url(f"{live_server.url}/accounts/sign-in/?next=/concerns/mine/")
    first.close()
    second.close()


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("tampered", "was not signed by your organisation's sign-in service"),
        ("wrong_audience", "was issued for another application"),
        ("expired", "had expired"),
    ],
)
def test_a_bad_identity_token_is_refused_with_a_clear_page(
    page, live_server, oidc, organisation, shots, mode, reason
):
    oidc.set_mode(mode)
    _sign_in_through_provider(page, live_server)
    expect(page.get_by_role("heading", name="You were not signed in")).to_be_visible()
    expect(page.locator("#sso-refused-reason")).to_contain_text(reason)
    shots.take(page, f"refused: {mode}")
    assert not User.objects.filter(sso_subject="alex").exists()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/sign-in/?next=/")


def test_a_replayed_state_is_refused(page, live_server, oidc, organisation, shots):
    callbacks = []
    page.on("request", lambda r: callbacks.append(r.url) if "/callback/?" in r.url else None)
    _sign_in_through_provider(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/")
    assert len(callbacks) == 1
    page.goto(callbacks[0])  # the same code and state, a second time
    expect(page.locator("#sso-refused-reason")).to_contain_text("already used")
    shots.take(page, "refused: replayed state")


def test_local_passwords_switched_off_refuse_the_password_form(page, live_server, organisation):
    from tests.factories import UserFactory

    UserFactory(username="local-person", organisation=organisation, roles=[Role.REPORTER])
    organisation.local_passwords_allowed = False
    organisation.save()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", "local-person")
    page.fill("#id_password", "pass")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/accounts/sign-in/")
    expect(page.locator("form")).to_contain_text("correct username and password")
