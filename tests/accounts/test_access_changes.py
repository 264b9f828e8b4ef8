"""HR managers read who was given or lost a role in their organisation, and nothing of another."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import organisation_name_second_approver, user_set_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("accounts:access_changes")


def test_an_hr_manager_sees_role_grants_and_namings_of_their_organisation(
    client, hr_manager, investigator, administrator, org, other_org
):
    user_set_roles(
        person=investigator, roles=[Role.INVESTIGATOR, Role.HR_MANAGER], actor=administrator
    )
    organisation_name_second_approver(organisation=org, approver=investigator, actor=administrator)
    foreign = UserFactory(username="foreign", last_name="Birchwood", organisation=other_org)
    user_set_roles(person=foreign, roles=[Role.HR_MANAGER], actor=None)
    client.force_login(hr_manager)
    page = client.get(URL)
    assert page.status_code == 200
    rows = page.context["changes"]
    assert [row.kind for row in rows] == [
        "Second approver named or changed",
        "Roles granted or removed",
    ]
    assert rows[1].person == investigator.display_name
    assert rows[1].before == "HR investigator"
    assert rows[1].after == "HR manager, HR investigator"
    assert rows[1].actor == administrator.display_name
    assert rows[0].after == investigator.display_name
    assert "Birchwood" not in page.text


@pytest.mark.parametrize("persona", ["reporter", "investigator", "executive", "administrator"])
def test_nobody_else_reads_them(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("changes", [1, 12])
def test_the_page_costs_the_same_queries_for_one_change_or_many(
    client, django_assert_num_queries, hr_manager, org, administrator, changes
):
    for index in range(changes):
        person = UserFactory(username=f"person{index}", organisation=org)
        user_set_roles(person=person, roles=[Role.REPORTER], actor=administrator)
    client.force_login(hr_manager)
    # session, user with organisation, roles, events with actors, named people
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
