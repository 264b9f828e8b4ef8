"""Who may import: HR managers of the organisation. Everyone else gets 403 on the pages and
404 on a batch (the same as a batch that does not exist); the outsider (every role, another
organisation) imports into their own organisation only. Kept here until the access matrix
has its rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from imports.models import ImportBatch
from incidents.models import Concern
from tests.factories import UserFactory

from .conftest import csv_bytes, row, upload

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "reporter",
    "investigator",
    "hr_manager",
    "executive",
    "administrator",
    "outsider",
)
# fmt: off
#                       anon  rep  inv  hrm  exec adm  out
EXPECTED = {
    "list":            (302, 403, 403, 200, 403, 403, 200),
    "upload":          (302, 403, 403, 200, 403, 403, 200),
    "template":        (302, 403, 403, 200, 403, 403, 200),
    "batch":           (302, 404, 404, 200, 404, 404, 404),
    "confirm":         (302, 404, 404, 302, 404, 404, 404),
}
# fmt: on


@pytest.fixture
def batch(client, guidance, media, org, unit, reporter, hr_manager):
    client.force_login(hr_manager)
    upload(client, csv_bytes([row()]))
    client.logout()
    return ImportBatch.objects.get()


def _request(client, name: str, batch: ImportBatch):
    if name == "template":
        return client.get(reverse("imports:template", args=["xlsx"]))
    if name == "batch":
        return client.get(reverse("imports:batch", args=[batch.pk]))
    if name == "confirm":
        return client.post(reverse("imports:confirm", args=[batch.pk]))
    return client.get(reverse(f"imports:{name}"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_persona_gets_the_expected_status(client, request, batch, name, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = _request(client, name, batch)

    assert response.status_code == EXPECTED[name][PERSONAS.index(persona)], persona
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_nobody_but_an_hr_manager_creates_anything(client, request, batch):
    for persona in ("reporter", "investigator", "executive", "administrator", "outsider"):
        client.force_login(request.getfixturevalue(persona))
        client.post(reverse("imports:confirm", args=[batch.pk]))
        upload(client, csv_bytes([row(description=f"From {persona}")]))
    assert Concern.objects.count() == 0
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CHECKED


def test_the_outsider_imports_into_their_own_organisation_only(client, batch, outsider):
    client.force_login(outsider)
    upload(client, csv_bytes([row(reporter="outsider", business_unit="")]))

    mine = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert mine.organisation == outsider.organisation
    listed = client.get(reverse("imports:list")).content.decode()
    assert f"Import {mine.pk}<" in listed
    assert f"Import {batch.pk}<" not in listed


def test_another_hr_manager_sees_the_batch_but_only_its_uploader_confirms(client, org, batch):
    colleague = UserFactory(username="hr2", organisation=org, roles=[Role.HR_MANAGER])
    client.force_login(colleague)

    page = client.get(reverse("imports:batch", args=[batch.pk]))
    response = client.post(reverse("imports:confirm", args=[batch.pk]))

    assert page.status_code == 200
    assert b"who uploaded it, can confirm this import" in page.content
    assert response.status_code == 403
    assert Concern.objects.count() == 0


def test_confirm_answers_only_post(client, batch, hr_manager):
    client.force_login(hr_manager)
    assert client.get(reverse("imports:confirm", args=[batch.pk])).status_code == 405


def test_an_unknown_template_format_is_404(client, hr_manager):
    client.force_login(hr_manager)
    assert client.get(reverse("imports:template", args=["ods"])).status_code == 404
