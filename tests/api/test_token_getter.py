"""api.permissions.get_token_for_user: a token the person may not see answers 404 exactly
like one that does not exist; its holder, and their organisation's HR managers, get it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from api import tokens
from api.permissions import get_token_for_user

pytestmark = pytest.mark.django_db

MISSING = 10**9


@pytest.fixture
def reporters_token(reporter):
    token, _ = tokens.token_create(
        actor=reporter,
        user=reporter,
        name="BI",
        scope="read",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return token


def test_the_holder_and_their_organisations_hr_manager_get_the_token(
    reporters_token, reporter, hr_manager
):
    assert get_token_for_user(reporter, reporters_token.pk) == reporters_token
    assert get_token_for_user(hr_manager, reporters_token.pk) == reporters_token


def test_an_outsider_gets_404_for_a_token_like_for_a_missing_one(reporters_token, outsider):
    for pk in (reporters_token.pk, MISSING, "not-a-number"):
        with pytest.raises(Http404, match=r"No such token\."):
            get_token_for_user(outsider, pk)


@pytest.mark.parametrize("persona", ["second_reporter", "investigator", "executive"])
def test_a_colleague_who_is_not_an_hr_manager_gets_404_for_the_token(
    request, reporters_token, persona
):
    with pytest.raises(Http404, match=r"No such token\."):
        get_token_for_user(request.getfixturevalue(persona), reporters_token.pk)
