"""imports.permissions.get_import_batch_for_user: a batch of another organisation, or one
the user may not see, answers 404 exactly like a batch that does not exist."""

from __future__ import annotations

import pytest
from django.http import Http404

from imports.models import ImportBatch
from imports.permissions import get_import_batch_for_user

from .conftest import csv_bytes, row, upload

pytestmark = pytest.mark.django_db

MISSING = 10**9


@pytest.fixture
def batch(importing):
    upload(importing, csv_bytes([row()]))
    return ImportBatch.objects.get()


def test_the_organisations_hr_manager_gets_the_import_batch(batch, hr_manager):
    assert get_import_batch_for_user(hr_manager, batch.pk) == batch


def test_an_outsider_gets_404_for_an_import_batch_like_for_a_missing_one(batch, outsider):
    for pk in (batch.pk, MISSING, "not-a-number"):
        with pytest.raises(Http404, match=r"No such import\."):
            get_import_batch_for_user(outsider, pk)


@pytest.mark.parametrize("persona", ["reporter", "investigator", "executive", "administrator"])
def test_a_role_that_does_not_import_gets_404_for_its_own_organisations_batch(
    request, batch, persona
):
    with pytest.raises(Http404, match=r"No such import\."):
        get_import_batch_for_user(request.getfixturevalue(persona), batch.pk)
