"""Administrators keep their organisation's letter templates in the admin: their own only,
each save a new version with its event, and nothing outside the placeholder list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Event, EventKind
from devtools.demo_people import administrators_group
from incidents.letters import services
from incidents.models import LetterKind, LetterTemplate, LetterTemplateVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    administrator.groups.add(administrators_group())
    client.force_login(administrator)
    return client


def _template(organisation, kind=LetterKind.ALLEGATION_NOTICE) -> LetterTemplate:
    services.letter_template_current(organisation=organisation, kind=kind)
    return LetterTemplate.objects.get(organisation=organisation, kind=kind)


def _post_data(template: LetterTemplate, **changes) -> dict:
    return {
        "letterhead": template.letterhead,
        "subject": template.subject,
        "body": template.body,
        "signatory_name": template.signatory_name,
        "signatory_title": template.signatory_title,
        **changes,
    }


def test_an_administrator_sees_only_their_own_organisations_templates(admin_client, org, other_org):
    own, foreign = _template(org), _template(other_org)

    listing = admin_client.get(reverse("admin:incidents_lettertemplate_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [own]
    foreign_page = admin_client.get(
        reverse("admin:incidents_lettertemplate_change", args=[foreign.pk])
    )
    assert foreign_page.status_code == 302  # the admin's "not found"


def test_saving_a_template_makes_a_new_version_with_its_event(admin_client, administrator, org):
    template = _template(org)
    url = reverse("admin:incidents_lettertemplate_change", args=[template.pk])
    page = admin_client.get(url)
    assert "{{ response_date }}" in page.content.decode()  # the placeholders are listed

    response = admin_client.post(
        url, _post_data(template, signatory_name="Sam Lee", body="Dear {{ employee_name }}.")
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.version == 2
    versions = LetterTemplateVersion.objects.filter(template=template)
    assert [v.number for v in versions] == [2, 1]
    assert (
        versions[0].body == "Dear {{ employee_name }}." and versions[0].created_by == administrator
    )
    assert versions[1].body != versions[0].body  # version 1 is as it was
    event = Event.objects.filter(kind=EventKind.LETTER_TEMPLATE_SAVED).latest("seq")
    assert event.actor == administrator and event.concern_id is None
    assert event.after == {"template": template.pk, "kind": "allegation_notice", "version": 2}


def test_a_placeholder_outside_the_list_is_refused_beside_the_field(admin_client, org):
    template = _template(org, LetterKind.REPORTER_CLOSURE)
    url = reverse("admin:incidents_lettertemplate_change", args=[template.pk])

    response = admin_client.post(
        url, _post_data(template, body="Dear {{ reporter_name }}, {{ concern.reporter.email }}")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert "{{ concern.reporter.email }} is not a placeholder this app knows." in errors
    template.refresh_from_db()
    assert template.version == 1


def test_a_new_template_starts_from_the_default_wording(admin_client, org):
    response = admin_client.post(
        reverse("admin:incidents_lettertemplate_add"),
        {"organisation": org.pk, "kind": LetterKind.OUTCOME, "signatory_title": "Director, People"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    template = LetterTemplate.objects.get(organisation=org, kind=LetterKind.OUTCOME)
    assert template.version == 1
    assert "{{ findings }}" in template.body
    assert template.signatory_title == "Director, People"


def test_an_administrator_cannot_add_a_template_for_another_organisation(admin_client, other_org):
    response = admin_client.post(
        reverse("admin:incidents_lettertemplate_add"),
        {"organisation": other_org.pk, "kind": LetterKind.OUTCOME},
    )

    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not LetterTemplate.objects.filter(organisation=other_org).exists()
