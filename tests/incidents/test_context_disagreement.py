"""When the official-or-private helper and the section suggestions point different ways,
the reporter is told in one line, and left to decide."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.intake import context_helper

PRIVATE = {"official_account": "no", "presented_personal": "yes", "identifiable": "no"}


def test_private_use_with_a_section_written_for_official_use_is_pointed_out():
    result = context_helper.assess(PRIVATE, serious_sections={"2.2", "3.9"})

    assert result.use_context == "private"
    assert "2.2 Remaining apolitical" in result.disagreement
    assert "3.9" not in result.disagreement


@pytest.mark.parametrize(
    ("answers", "sections"),
    [
        (PRIVATE, {"3.9", "6.2"}),  # private, and nothing official suggested
        ({"official_account": "yes"}, {"2.2"}),  # official use and 2.2 agree
        ({}, {"2.2"}),  # nothing answered yet: nothing to disagree with
    ],
)
def test_nothing_is_said_when_they_agree(answers, sections):
    assert context_helper.assess(answers, serious_sections=sections).disagreement == ""


@pytest.mark.django_db
def test_the_live_helper_shows_the_one_line(client, guidance, reporter):
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:use_context"),
        {
            **{f"q_{key}": value for key, value in PRIVATE.items()},
            "description": "Handed out how-to-vote cards for the Liberal Party at the election "
            "and posted the photos, endorsing the candidate.",
        },
    )

    body = response.content.decode()
    assert body.count('id="helper-disagreement"') == 1
    assert "2.2 Remaining apolitical" in body
