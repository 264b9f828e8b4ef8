"""The work queue counts no further than a cap, so a large organisation's queue stays fast."""

import pytest
from django.urls import reverse

from incidents.casework import selectors
from tests.factories import make_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(guidance, reporter):
    return [make_concern(reporter, subject_name=f"Person {i}", links=[]) for i in range(30)]


def test_below_the_cap_the_queue_counts_exactly(client, thirty, hr_manager):
    client.force_login(hr_manager)
    response = client.get(reverse("incidents:list"))
    page = response.context["page"]
    assert page.paginator.count == 30 and not page.paginator.capped
    assert "30 concerns" in response.content.decode()
    assert "Page 1 of 2<" in response.content.decode()


def test_past_the_cap_the_queue_says_more_than(client, thirty, hr_manager, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 26)
    client.force_login(hr_manager)
    response = client.get(reverse("incidents:list") + "?page=2")
    body = response.content.decode()
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == 26
    assert page.number == 2 and len(page.object_list) == 1
    assert "More than 26 concerns" in body and "Page 2 of more than 2" in body


def test_the_section_filter_finds_each_concern_once(
    client, guidance, reporter, hr_manager, investigating_concern
):
    from guidance.models import CodeSection

    section = CodeSection.objects.current().get(code="6.2")  # reported and confirmed
    make_concern(reporter, subject_name="Someone Else", links=[])
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:list") + f"?section={section.pk}").context["page"]
    assert [c.pk for c in page.object_list].count(investigating_concern.pk) == 1


def test_pages_follow_the_sort_and_show_every_concern_once(client, thirty, hr_manager):
    client.force_login(hr_manager)
    seen = []
    for number in (1, 2):
        page = client.get(reverse("incidents:list") + f"?page={number}").context["page"]
        seen += [concern.pk for concern in page.object_list]
    newest_first = sorted(thirty, key=lambda c: (c.submitted_at, c.pk), reverse=True)
    assert seen == [concern.pk for concern in newest_first]


def test_the_section_filter_matches_reported_or_confirmed_sections_only(
    client, guidance, reporter, hr_manager
):
    from guidance.models import CodeSection
    from incidents.models import ConfirmedSection

    target = CodeSection.objects.current().get(code="3.5")
    other = CodeSection.objects.current().get(code="6.2")
    reported = make_concern(reporter, subject_name="Reported Only", sections=[target], links=[])
    confirmed = make_concern(reporter, subject_name="Confirmed Only", sections=[other], links=[])
    ConfirmedSection.objects.create(concern=confirmed, section=target)
    neither = make_concern(reporter, subject_name="Neither", sections=[other], links=[])
    client.force_login(hr_manager)

    page = client.get(reverse("incidents:list") + f"?section={target.pk}").context["page"]

    found = {concern.pk for concern in page.object_list}
    assert found == {reported.pk, confirmed.pk}
    assert neither.pk not in found
