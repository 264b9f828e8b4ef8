"""Administration stays inside its organisation; installation-wide administration is a role."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.forms import MultiWidget
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import organisation_name_pid_coordinator, user_set_roles
from audit.models import Event, EventKind
from devtools.demo_people import administrators_group
from tests.factories import BusinessUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_of(client):
    def sign_in(user):
        user.groups.add(administrators_group())
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def other_person(other_org):
    return UserFactory(username="other-person", organisation=other_org, roles=[Role.REPORTER])


@pytest.fixture
def installation_admin(org):
    return UserFactory(
        username="installation",
        organisation=org,
        roles=[Role.INSTALLATION_ADMINISTRATOR],
        is_staff=True,
    )


def _form_data(form) -> dict:
    """What the browser would post back for an unchanged admin form."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = part
        elif value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple | set | frozenset):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = getattr(value, "pk", value)
    return data


def _change_user(client, person, **changes):
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {**_form_data(page.context["adminform"].form), **changes}
    return client.post(url, data)


# --- Seeing only one's own organisation ------------------------------------------------


def test_an_organisations_administrator_lists_only_its_own_people(
    admin_client_of, administrator, reporter, other_person
):
    client = admin_client_of(administrator)
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    listed = set(page.context["cl"].result_list)
    assert reporter in listed
    assert other_person not in listed


def test_another_organisations_person_cannot_be_opened_or_changed(
    admin_client_of, administrator, other_person
):
    client = admin_client_of(administrator)
    url = reverse("admin:accounts_user_change", args=[other_person.pk])
    assert client.get(url).status_code == 302  # the admin's "no such person"
    client.post(url, {"username": "taken-over", "first_name": "X"})
    other_person.refresh_from_db()
    assert other_person.username == "other-person"
    password = reverse("admin:auth_user_password_change", args=[other_person.pk])
    assert client.post(password, {"password1": "n3w-Secret!", "password2": "n3w-Secret!"})
    other_person.refresh_from_db()
    assert other_person.check_password("pass")


def test_an_administrator_sees_only_its_own_organisation_and_cannot_add_one(
    admin_client_of, administrator, org, other_org
):
    client = admin_client_of(administrator)
    page = client.get(reverse("admin:accounts_organisation_changelist"))
    assert list(page.context["cl"].result_list) == [org]
    other = reverse("admin:accounts_organisation_change", args=[other_org.pk])
    assert client.get(other).status_code == 302
    assert client.get(reverse("admin:accounts_organisation_add")).status_code == 403


def test_an_installation_administrator_sees_every_organisation(
    admin_client_of, installation_admin, org, other_org, other_person
):
    client = admin_client_of(installation_admin)
    page = client.get(reverse("admin:accounts_organisation_changelist"))
    assert set(page.context["cl"].result_list) == {org, other_org}
    assert client.get(reverse("admin:accounts_organisation_add")).status_code == 200
    people = client.get(reverse("admin:accounts_user_changelist"))
    assert other_person in set(people.context["cl"].result_list)


def test_an_administrator_does_not_keep_an_installation_administrator_of_its_organisation(
    admin_client_of, administrator, installation_admin
):
    client = admin_client_of(administrator)
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert installation_admin not in set(page.context["cl"].result_list)
    url = reverse("admin:auth_user_password_change", args=[installation_admin.pk])
    client.post(url, {"password1": "n3w-Secret!", "password2": "n3w-Secret!"})
    installation_admin.refresh_from_db()
    assert installation_admin.check_password("pass")


def test_choices_of_unit_and_organisation_offer_only_its_own(
    admin_client_of, administrator, reporter, org, unit, other_org
):
    BusinessUnitFactory(organisation=other_org, name="Regional Services")
    client = admin_client_of(administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[reporter.pk]))
    form = page.context["adminform"].form
    assert list(form.fields["organisation"].queryset) == [org]
    assert list(form.fields["business_unit"].queryset) == [unit]


def test_a_person_cannot_be_moved_to_another_organisation(
    admin_client_of, administrator, reporter, other_org
):
    client = admin_client_of(administrator)
    response = _change_user(client, reporter, organisation=other_org.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    reporter.refresh_from_db()
    assert reporter.organisation_id == administrator.organisation_id


def test_a_person_an_administrator_adds_belongs_to_its_organisation(
    admin_client_of, administrator, org
):
    client = admin_client_of(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newcomer", "usable_password": "false"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="newcomer").organisation == org


# --- The coordinator and the second approver -------------------------------------------


def test_the_coordinator_is_chosen_among_the_organisations_hr_staff_only(
    admin_client_of, administrator, org, other_org, hr_manager, investigator, reporter
):
    foreign_hr = UserFactory(username="other-hr", organisation=other_org, roles=[Role.HR_MANAGER])
    client = admin_client_of(administrator)
    url = reverse("admin:accounts_organisation_change", args=[org.pk])
    form = client.get(url).context["adminform"].form
    assert set(form.fields["pid_coordinator"].queryset) == {hr_manager, investigator}
    data = {
        **_form_data(form),
        "business_units-TOTAL_FORMS": "0",
        "business_units-INITIAL_FORMS": "0",
    }
    response = client.post(url, {**data, "pid_coordinator": foreign_hr.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    org.refresh_from_db()
    assert org.pid_coordinator_id is None

    response = client.post(url, {**data, "pid_coordinator": hr_manager.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.pid_coordinator == hr_manager
    event = Event.objects.get(kind=EventKind.PID_COORDINATOR_CHANGED)
    assert event.actor == administrator and event.organisation_id == org.pk
    assert event.after == {"pid_coordinator": hr_manager.pk}


@pytest.mark.parametrize("who", ["foreign_hr", "reporter", "system"])
def test_the_server_refuses_a_coordinator_who_does_not_qualify(org, other_org, reporter, who):
    from tests.factories import ServiceIdentityFactory

    person = {
        "foreign_hr": lambda: UserFactory(organisation=other_org, roles=[Role.HR_MANAGER]),
        "reporter": lambda: reporter,
        "system": lambda: ServiceIdentityFactory(organisation=org, roles=[Role.HR_MANAGER]),
    }[who]()
    with pytest.raises(ValidationError):
        organisation_name_pid_coordinator(organisation=org, coordinator=person, actor=None)
    org.refresh_from_db()
    assert org.pid_coordinator_id is None
    assert not Event.objects.filter(kind=EventKind.PID_COORDINATOR_CHANGED).exists()


# --- Roles --------------------------------------------------------------------------------


def test_an_administrator_cannot_give_themselves_an_hr_role(admin_client_of, administrator):
    client = admin_client_of(administrator)
    response = _change_user(
        client, administrator, roles=[Role.ADMINISTRATOR, Role.HR_MANAGER], first_name="Renamed"
    )
    assert response.status_code == 200
    assert "You cannot give yourself an HR role" in response.text
    administrator.refresh_from_db()
    assert administrator.first_name != "Renamed"  # nothing of the form was saved
    assert set(administrator.role_grants.values_list("role", flat=True)) == {Role.ADMINISTRATOR}


def test_an_administrator_cannot_make_anyone_a_superuser(admin_client_of, administrator, reporter):
    client = admin_client_of(administrator)
    for person in (administrator, reporter):
        response = _change_user(client, person, is_superuser="on")
        assert response.status_code == 302
        person.refresh_from_db()
        assert not person.is_superuser


def test_only_an_installation_administrator_grants_sector_and_installation_roles(
    admin_client_of, administrator, installation_admin, reporter
):
    client = admin_client_of(administrator)
    for role in (Role.SECTOR_ANALYST, Role.INSTALLATION_ADMINISTRATOR):
        response = _change_user(client, reporter, roles=[Role.REPORTER, role])
        assert "Only an installation administrator grants" in response.text
    assert reporter.role_grants.count() == 1
    user_set_roles(
        person=reporter, roles=[Role.REPORTER, Role.SECTOR_ANALYST], actor=installation_admin
    )
    assert set(reporter.role_grants.values_list("role", flat=True)) == {
        Role.REPORTER,
        Role.SECTOR_ANALYST,
    }


def test_a_role_grant_is_an_event_and_a_removed_role_ends_the_persons_sessions(
    admin_client_of, administrator, reporter, org
):
    from django.test import Client

    theirs = Client()
    theirs.force_login(reporter)
    assert theirs.get(reverse("incidents:mine")).status_code == 200

    client = admin_client_of(administrator)
    response = _change_user(client, reporter, roles=[Role.INVESTIGATOR])
    assert response.status_code == 302
    event = Event.objects.get(kind=EventKind.ROLES_CHANGED)
    assert event.organisation_id == org.pk and event.actor == administrator
    assert event.before == {"person": reporter.pk, "roles": [Role.REPORTER]}
    assert event.after == {"person": reporter.pk, "roles": [Role.INVESTIGATOR], "by": "admin"}
    assert theirs.get(reverse("incidents:mine")).status_code == 302  # signed out


def test_an_unchanged_form_records_no_role_event(admin_client_of, administrator, reporter):
    client = admin_client_of(administrator)
    assert _change_user(client, reporter).status_code == 302
    assert not Event.objects.filter(kind=EventKind.ROLES_CHANGED).exists()


# --- Installation-wide pages --------------------------------------------------------------


def test_shared_reference_content_is_read_only_for_an_organisations_administrator(
    admin_client_of, administrator, installation_admin, guidance
):
    from guidance.models import CodeSection

    section = CodeSection.objects.get(code="3.5")
    url = reverse("admin:guidance_codesection_change", args=[section.pk])
    client = admin_client_of(administrator)
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    client.post(url, {"title": "Changed by one organisation"})
    section.refresh_from_db()
    assert section.title != "Changed by one organisation"
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == (
        403
    )
    installation = admin_client_of(installation_admin)
    assert installation.get(url).context["has_change_permission"]


def test_staff_without_an_administrator_role_cannot_use_the_admin(client, org):
    staff = UserFactory(username="staff-only", organisation=org, roles=[], is_staff=True)
    staff.groups.add(administrators_group())
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302
