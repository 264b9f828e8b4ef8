"""The description's limit is shown with a counter, and a longer text is refused with a
message and kept whole: nothing typed or pasted is cut without a word."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from guidance.models import PlatformCategory
from incidents.models import Concern

pytestmark = pytest.mark.django_db


def _textarea(body: str, name: str) -> str:
    return re.search(rf'<textarea name="{name}"[^>]*>', body).group(0)


def test_the_form_shows_the_limit_and_lets_the_browser_cut_nothing(client, guidance, reporter):
    client.force_login(reporter)

    body = client.get(reverse("incidents:create")).content.decode()

    box = _textarea(body, "description")
    assert "maxlength" not in box
    assert 'data-char-limit="10000"' in box
    assert "Up to 10,000 characters." in body
    assert "/static/js/char_counter.js" in body


def test_an_over_long_description_is_refused_with_a_message_and_kept_whole(
    client, guidance, reporter
):
    client.force_login(reporter)
    text = "word " * 2_001 + "words"  # 10,010 characters

    response = client.post(
        reverse("incidents:create"),
        {
            "description": text,
            "platform_category": PlatformCategory.objects.get(code="social-networking").pk,
            "use_context": "private",
            "possible_pid": "no",
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Please keep the description under 10000 characters (it is 10010)." in body
    kept = re.search(r'<textarea name="description"[^>]*>\n?(.*?)</textarea>', body, re.S)
    assert len(kept.group(1)) == len(text)
    assert not Concern.objects.exists()


def test_the_reporters_own_text_boxes_show_their_limit_too(client, submitted_concern, reporter):
    client.force_login(reporter)

    body = client.get(reverse("incidents:detail", args=[submitted_concern.pk])).content.decode()

    box = _textarea(body, "note")
    assert "maxlength" not in box and 'data-char-limit="5000"' in box
