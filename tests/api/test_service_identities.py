"""A token never carries more than its maker may do.

The probe: an HR manager made tokens that acted as the coordinator (and read a restricted
concern) and as another HR manager (and read a concern he was conflicted from). Now a
personal token is always its maker's, and a system uses a service identity's token,
which sees only what both the identity and the HR manager who made it may see.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, RoleGrant, ServiceIdentity
from api import permissions as token_permissions
from api import tokens
from api.models import ApiToken
from audit.models import Event
from config.errors import Refused
from incidents import permissions
from incidents.models import ConflictDeclaration
from tests.factories import RIGHTS, ServiceIdentityFactory, UserFactory, make_concern

pytestmark = pytest.mark.django_db


def _expiry(days=30):
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def second_manager(org):
    return UserFactory(username="hrmanager2", organisation=org, roles=[Role.HR_MANAGER])


# --- Who may make which token ---------------------------------------------------------


def test_an_hr_manager_cannot_make_a_token_for_another_person_through_the_api(hr_manager, reporter):
    client = APIClient()
    client.force_login(hr_manager)
    body = {"name": "x", "scope": "read_write", "expires_at": _expiry().isoformat()}
    response = client.post("/api/v1/tokens/", {**body, "user": reporter.pk}, format="json")
    assert response.status_code == 400
    assert "no longer made for other people" in response.json()["error"]["message"]
    refused = client.post(
        "/api/v1/tokens/", {**body, "service_identity": reporter.pk}, format="json"
    )
    assert refused.status_code == 400
    assert not ApiToken.objects.exists()


def test_an_hr_manager_makes_a_service_token_through_the_api(hr_manager, hr_system):
    client = APIClient()
    client.force_login(hr_manager)
    response = client.post(
        "/api/v1/tokens/",
        {
            "name": "HR system",
            "scope": "read",
            "expires_at": _expiry().isoformat(),
            "service_identity": hr_system.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"]["id"] == hr_system.pk and body["service_identity"] is True
    assert body["created_by"]["id"] == hr_manager.pk
    event = Event.objects.get(kind="api_token_created")
    assert event.actor == hr_manager and event.after["service_identity"] is True


def test_the_maker_must_hold_every_role_of_the_service_identity(hr_manager, org):
    wider = ServiceIdentityFactory(
        username="bi-tool", organisation=org, roles=[Role.HR_MANAGER, Role.EXECUTIVE]
    )
    assert wider not in token_permissions.service_identities_for(hr_manager)
    with pytest.raises(Refused):
        tokens.token_create(
            actor=hr_manager, user=wider, name="BI", scope="read", expires_at=_expiry()
        )
    RoleGrant.objects.create(user=hr_manager, role=Role.EXECUTIVE)
    hr_manager.__dict__.pop("roles", None)
    token, _ = tokens.token_create(
        actor=hr_manager, user=wider, name="BI", scope="read", expires_at=_expiry()
    )
    assert token.user == wider


def test_only_hr_managers_make_service_tokens_and_never_administrators(
    org, hr_system, investigator, administrator
):
    both = UserFactory(
        username="admin-and-hr", organisation=org, roles=[Role.HR_MANAGER, Role.ADMINISTRATOR]
    )
    for actor in (investigator, administrator, both):
        assert not token_permissions.service_identities_for(actor).exists()
        with pytest.raises(Refused):
            tokens.token_create(
                actor=actor, user=hr_system, name="x", scope="read", expires_at=_expiry()
            )


# --- What a service token sees ----------------------------------------------------------


def test_a_service_token_reads_what_its_maker_may_read(
    api, make_token, hr_manager, hr_system, submitted_concern
):
    client = api(token=make_token(hr_system, "read", actor=hr_manager))
    assert client.get(f"/api/v1/concerns/{submitted_concern.pk}/").status_code == 200
    listed = client.get("/api/v1/concerns/").json()["results"]
    assert [row["id"] for row in listed] == [submitted_concern.pk]


def test_a_service_token_cannot_read_a_concern_its_maker_is_conflicted_from(
    api, make_token, hr_manager, second_manager, hr_system, submitted_concern
):
    ConflictDeclaration.objects.create(
        concern=submitted_concern, user=hr_manager, reason="I know the employee."
    )
    conflicted = api(token=make_token(hr_system, "read_write", actor=hr_manager))
    url = f"/api/v1/concerns/{submitted_concern.pk}/"
    assert conflicted.get(url).status_code == 404
    assert conflicted.get(f"{url}notes/").status_code == 404
    assert conflicted.get("/api/v1/concerns/").json()["results"] == []
    posted = conflicted.post(f"{url}notes/", {"text": "Recorded as someone else."}, format="json")
    assert posted.status_code == 404

    clear = api(token=make_token(hr_system, "read", actor=second_manager))
    assert clear.get(url).status_code == 200


def test_a_service_token_cannot_read_a_restricted_concern_its_maker_may_not_see(
    api, make_token, guidance, org, reporter, hr_manager
):
    restricted = make_concern(reporter, possible_pid="yes")
    assert restricted.restricted
    # Even a service identity designated as the coordinator (which would let it see
    # restricted concerns) sees none through a token made by someone who may not.
    coordinator_system = ServiceIdentityFactory(
        username="pid-system", organisation=org, roles=[Role.HR_MANAGER]
    )
    org.pid_coordinator = coordinator_system
    org.save()
    client = api(token=make_token(coordinator_system, "read", actor=hr_manager))
    assert client.get(f"/api/v1/concerns/{restricted.pk}/").status_code == 404
    assert client.get("/api/v1/concerns/").json()["results"] == []


def test_a_service_identity_sees_nothing_without_a_maker(hr_system, submitted_concern):
    hr_system.__dict__.pop("roles", None)
    assert not permissions.can_view_case_record(hr_system, submitted_concern)
    assert not permissions.hr_concerns(hr_system).exists()


def test_a_service_tokens_writes_are_recorded_as_the_service_identity(
    api, make_token, hr_manager, hr_system, submitted_concern
):
    client = api(token=make_token(hr_system, actor=hr_manager))
    response = client.post(
        f"/api/v1/concerns/{submitted_concern.pk}/notes/",
        {"text": "Imported from the HR system."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Event.objects.filter(kind="note_added", actor=hr_system).exists()


def test_a_service_identity_is_never_offered_as_an_assignee(
    hr_system, hr_manager, submitted_concern
):
    assert hr_system not in permissions.assignable_staff(submitted_concern)
    assert hr_system not in permissions.managers_to_notify(submitted_concern)
    assert permissions.assignment_conflict(hr_system, submitted_concern)


def test_another_organisations_service_token_sees_none_of_this_one(
    api, make_token, other_org, submitted_concern
):
    other_manager = UserFactory(
        username="other-manager", organisation=other_org, roles=[Role.HR_MANAGER]
    )
    other_system = ServiceIdentityFactory(
        username="other-system", organisation=other_org, roles=[Role.HR_MANAGER]
    )
    client = api(token=make_token(other_system, "read", actor=other_manager))
    assert client.get(f"/api/v1/concerns/{submitted_concern.pk}/").status_code == 404
    assert client.get("/api/v1/concerns/").json()["results"] == []


# --- A service token works only while its maker could make it --------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda maker: maker.role_grants.all().delete(), id="loses-the-role"),
        pytest.param(
            lambda maker: type(maker).objects.filter(pk=maker.pk).update(is_active=False),
            id="deactivated",
        ),
        pytest.param(
            lambda maker: RoleGrant.objects.create(user=maker, role=Role.ADMINISTRATOR),
            id="becomes-an-administrator",
        ),
    ],
)
def test_a_service_token_stops_working_when_its_maker_may_no_longer_make_it(
    api, make_token, hr_manager, hr_system, change
):
    client = api(token=make_token(hr_system, "read", actor=hr_manager))
    assert client.get("/api/v1/sections/").status_code == 200
    change(hr_manager)
    response = client.get("/api/v1/sections/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_service_token_stops_when_its_maker_leaves_the_organisation(
    api, make_token, hr_manager, hr_system, other_org
):
    client = api(token=make_token(hr_system, "read", actor=hr_manager))
    hr_manager.organisation = other_org
    hr_manager.save()
    assert client.get("/api/v1/sections/").status_code == 401


def test_a_service_token_stops_when_the_identity_gains_a_role_its_maker_lacks(
    api, make_token, hr_manager, hr_system
):
    client = api(token=make_token(hr_system, "read", actor=hr_manager))
    RoleGrant.objects.create(user=hr_system, role=Role.EXECUTIVE)
    assert client.get("/api/v1/sections/").status_code == 401


def test_a_token_once_made_for_another_person_no_longer_works(api, hr_manager, reporter):
    from api.models import hash_secret, new_token_parts

    prefix, secret = new_token_parts()
    ApiToken.objects.create(
        user=reporter,
        created_by=hr_manager,
        name="Made before",
        prefix=prefix,
        secret_hash=hash_secret(secret),
        expires_at=_expiry(),
    )
    response = api(token=f"smct_{prefix}_{secret}").get("/api/v1/sections/")
    assert response.status_code == 401


# --- The service identity itself ---------------------------------------------------------


def test_a_service_identity_cannot_sign_in(client, hr_system):
    assert not hr_system.has_usable_password()
    hr_system.set_password("guessable")  # even if an administrator gave it one
    hr_system.save()
    response = client.post(
        reverse("accounts:login"), {"username": hr_system.username, "password": "guessable"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session

    client.force_login(hr_system)  # a session made some other way is not honoured
    assert client.get(reverse("api:tokens")).status_code == 302
    session_api = APIClient()
    session_api.force_login(hr_system)
    assert session_api.get("/api/v1/sections/").status_code == 401


def test_an_administrator_creates_a_service_identity_and_it_is_recorded(client, administrator, org):
    from django.contrib.auth.models import Permission

    administrator.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_serviceidentity", "view_serviceidentity", "add_rolegrant"]
        )
    )
    client.force_login(administrator)
    base = f"/{settings.ADMIN_URL}accounts/serviceidentity/"
    response = client.post(
        f"{base}add/",
        {
            "username": "bi-tool",
            "first_name": "BI tool",
            "organisation": org.pk,
            "is_active": "on",
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-role": Role.EXECUTIVE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    identity = ServiceIdentity.objects.get(username="bi-tool")
    assert identity.is_service_identity and not identity.has_usable_password()
    assert identity.roles == {Role.EXECUTIVE}
    event = Event.objects.get(kind="service_identity_created")
    assert event.actor == administrator and event.organisation_id == org.pk
    assert event.after["roles"] == [Role.EXECUTIVE]
    assert not ApiToken.objects.exists(), "administrators never make its tokens"


def test_the_service_identity_admin_offers_no_administrator_role():
    from accounts.admin import ServiceRoleGrantForm

    assert Role.ADMINISTRATOR not in dict(ServiceRoleGrantForm().fields["role"].choices)


def test_people_and_service_identities_are_kept_apart_in_the_admin(
    client, administrator, hr_system
):
    from django.contrib.auth.models import Permission

    administrator.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(administrator)
    listing = client.get(f"/{settings.ADMIN_URL}accounts/user/")
    assert listing.status_code == 200
    assert hr_system.username not in listing.content.decode()


def test_an_administrator_changing_its_roles_is_recorded_with_before_and_after(
    client, administrator, hr_system
):
    from django.contrib.auth.models import Permission

    administrator.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_serviceidentity", "view_serviceidentity", "add_rolegrant"]
        )
    )
    client.force_login(administrator)
    grant = hr_system.role_grants.get()
    url = f"/{settings.ADMIN_URL}accounts/serviceidentity/{hr_system.pk}/change/"
    response = client.post(
        url,
        {
            "username": hr_system.username,
            "first_name": hr_system.first_name,
            "organisation": hr_system.organisation_id,
            "is_active": "on",
            "role_grants-TOTAL_FORMS": "2",
            "role_grants-INITIAL_FORMS": "1",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-id": grant.pk,
            "role_grants-0-user": hr_system.pk,
            "role_grants-0-role": Role.HR_MANAGER,
            "role_grants-1-user": hr_system.pk,
            "role_grants-1-role": Role.EXECUTIVE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(kind="service_identity_changed")
    assert event.before["roles"] == [Role.HR_MANAGER]
    assert event.after["roles"] == [Role.EXECUTIVE, Role.HR_MANAGER]


def test_a_service_token_cannot_approve_what_its_maker_investigated(
    submitted_concern, hr_manager, hr_system
):
    """Nobody approves what they investigated, not through a system's token either."""
    from incidents import workflow
    from tests.incidents.test_review_workflow import _act, _assign, _fairness, _findings, _triage

    today = timezone.localdate()
    _act(submitted_concern, hr_manager, "start_triage")
    _triage(submitted_concern, hr_manager)
    _assign(submitted_concern, hr_manager, hr_manager)
    concern = _act(submitted_concern, hr_manager, "start_investigation", **RIGHTS)
    _fairness(concern, hr_manager, told=today - dt.timedelta(9), due=today - dt.timedelta(2))
    _findings(concern, hr_manager)
    _act(concern, hr_manager, "propose_decision")
    concern.refresh_from_db()

    hr_system.token_maker = hr_manager
    close = workflow.BY_NAME["close"]
    assert permissions.is_case_manager(hr_system, concern)
    assert not permissions.can_apply_transition(hr_system, concern, close)


def test_a_manager_cannot_approve_what_a_system_token_they_made_investigated(
    submitted_concern, hr_manager, second_manager, hr_system, make_token
):
    """The other way round: the case system (with the HR manager's token) investigated, so
    that HR manager may not approve it personally; another HR manager may."""
    from incidents import workflow
    from tests.incidents.test_review_workflow import _act, _assign, _fairness, _findings, _triage

    make_token(hr_system, actor=hr_manager)
    today = timezone.localdate()
    _act(submitted_concern, hr_manager, "start_triage")
    _triage(submitted_concern, hr_manager)
    _assign(submitted_concern, hr_manager, investigator := _investigator(submitted_concern))
    concern = _act(submitted_concern, investigator, "start_investigation", **RIGHTS)
    hr_system.token_maker = hr_manager
    _fairness(concern, hr_system, told=today - dt.timedelta(9), due=today - dt.timedelta(2))
    _findings(concern, hr_system)
    _act(concern, investigator, "propose_decision")
    concern.refresh_from_db()

    close = workflow.BY_NAME["close"]
    assert not permissions.can_apply_transition(hr_manager, concern, close)
    with pytest.raises(Refused, match="through a system's token"):
        _act(concern, hr_manager, "close")
    assert _act(concern, second_manager, "close").status == "closed"


def _investigator(concern):
    from tests.factories import UserFactory

    return UserFactory(
        username="case-investigator", organisation=concern.organisation, roles=[Role.INVESTIGATOR]
    )
