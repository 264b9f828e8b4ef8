"""Recording the employee's reporting line on the concern page.

Only the people already recorded are listed; others are added by work email address or
username, so the page does not grow with the number of staff in the organisation.
"""

import pytest
from django.urls import reverse

from audit.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(client, concern, data):
    return client.post(reverse("incidents:reporting_line", args=[concern.pk]), data)


def _line(concern):
    concern.refresh_from_db()
    return set(concern.subject.reporting_line.values_list("username", flat=True))


def test_hr_manager_adds_people_by_email_or_username_in_any_case(
    client, submitted_concern, hr_manager, org
):
    manager = UserFactory(username="kim.lee", email="Kim.Lee@example.org", organisation=org)
    director = UserFactory(username="ava.nguyen", organisation=org)
    client.force_login(hr_manager)

    response = _post(client, submitted_concern, {"add": "kim.lee@EXAMPLE.org,\n  AVA.NGUYEN"})

    assert response.status_code == 302
    assert _line(submitted_concern) == {manager.username, director.username}
    event = Event.objects.filter(concern=submitted_concern, kind="reporting_line_recorded").get()
    assert sorted(event.after["reporting_line"]) == sorted([manager.pk, director.pk])


def test_unticking_removes_and_the_rest_stay(client, submitted_concern, hr_manager, org):
    keep, drop = UserFactory(organisation=org), UserFactory(organisation=org)
    submitted_concern.subject.reporting_line.set([keep, drop])
    client.force_login(hr_manager)

    response = _post(client, submitted_concern, {"keep": [keep.pk], "add": ""})

    assert response.status_code == 302
    assert _line(submitted_concern) == {keep.username}


def test_an_unknown_address_is_named_and_nothing_changes(
    client, submitted_concern, hr_manager, org, outsider
):
    known = UserFactory(username="kim.lee", organisation=org)
    client.force_login(hr_manager)

    typed = f"kim.lee, nobody@example.org, {outsider.email}"
    response = _post(client, submitted_concern, {"add": typed})

    assert response.status_code == 400
    body = response.content.decode()
    assert "No active user of this organisation has the address or username" in body
    assert "nobody@example.org" in body
    assert outsider.email in body  # another organisation's user is not found either
    assert typed in body  # what was typed is kept in the box
    assert known.username not in _line(submitted_concern)


def test_inactive_users_cannot_be_added(client, submitted_concern, hr_manager, org):
    UserFactory(username="gone", organisation=org, is_active=False)
    client.force_login(hr_manager)

    assert _post(client, submitted_concern, {"add": "gone"}).status_code == 400
    assert _line(submitted_concern) == set()


def test_adding_too_many_at_once_is_refused_with_the_limit(client, submitted_concern, hr_manager):
    client.force_login(hr_manager)

    response = _post(client, submitted_concern, {"add": ",".join(f"u{i}" for i in range(21))})

    assert response.status_code == 400
    assert "at most 20 people" in response.content.decode()


def test_the_page_lists_only_the_people_recorded_not_every_user(
    client, submitted_concern, hr_manager, org
):
    recorded = UserFactory(first_name="Recorded", last_name="Manager", organisation=org)
    others = [UserFactory(first_name="Unrelated", organisation=org) for _ in range(5)]
    submitted_concern.subject.reporting_line.set([recorded])
    client.force_login(hr_manager)

    page = client.get(reverse("incidents:detail", args=[submitted_concern.pk])).content.decode()
    assert "Recorded Manager" in page and "Unrelated" not in page
    body = client.get(
        reverse("incidents:panel", args=[submitted_concern.pk, "reporting_line"])
    ).content.decode()

    assert 'name="keep"' in body and f'value="{recorded.pk}"' in body
    assert "Unrelated" not in body
    assert not any(f'name="keep" value="{user.pk}"' in body for user in others)
