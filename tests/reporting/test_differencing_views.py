"""Every attack an executive or a sector analyst can make by subtracting one view they may
open from another: sector minus one organisation, overlapping date ranges, one business
unit (or section, or platform) against all, a filter against no filter. No pair of views
may differ, in any figure both show, by a count between 1 and 4.

Count-only roles narrow a view by whole months (and, for the sector, organisation) only:
the unit, section and platform filters are not offered and are ignored if sent, because
a narrower view minus a wider one would otherwise give a hidden count away."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from accounts.models import Role
from guidance.models import CodeSection, PlatformCategory
from tests.factories import BusinessUnitFactory, UserFactory, make_concern
from tests.reporting.test_differencing import _figures, _on, assert_difference_reveals_nothing

pytestmark = pytest.mark.django_db

PERIODS = [
    {},
    {"date_from": "2026-03-01", "date_to": "2026-03-31"},
    {"date_from": "2026-04-01", "date_to": "2026-04-30"},
    {"date_from": "2026-03-01", "date_to": "2026-04-30"},
    {"date_from": "2026-03-15", "date_to": "2026-05-10"},
    {"date_from": "2026-04-01"},
]


@pytest.fixture
def small_groups(guidance, org, unit, reporter, outsider):
    """Groups of 1 to 4 everywhere an attacker might look: a second unit with three
    concerns on a forum, one concern alone in April, two in the other organisation."""
    forums = PlatformCategory.objects.get(code="forums")
    social = PlatformCategory.objects.get(code="social-networking")
    other_unit = BusinessUnitFactory(organisation=org, name="Policy")
    for index in range(7):
        _on(
            make_concern(reporter, subject_name=f"M{index}", platform_category=social),
            dt.date(2026, 3, 10),
        )
    for index in range(3):
        concern = make_concern(
            reporter, subject_name=f"U{index}", platform_category=forums, use_context="private"
        )
        concern.business_unit = other_unit
        concern.save(update_fields=["business_unit"])
        _on(concern, dt.date(2026, 3, 12))
    _on(make_concern(reporter, subject_name="Alone", platform_category=forums), dt.date(2026, 4, 2))
    for index in range(2):
        _on(make_concern(outsider, subject_name=f"O{index}"), dt.date(2026, 3, 20))
    return {"units": [unit.pk, other_unit.pk], "platforms": [forums.pk, social.pk]}


def _views(client, queries: list[dict]) -> list[tuple[dict, dict]]:
    views = []
    for query in queries:
        response = client.get(reverse("reports:dashboard"), query)
        assert response.status_code == 200, query
        views.append((query, _figures(response.context["panels"])))
    return views


def _attack_every_pair(views) -> int:
    pairs = 0
    for (q1, a), (q2, b) in itertools.combinations(views, 2):
        try:
            assert_difference_reveals_nothing(a, b)
        except AssertionError as error:
            raise AssertionError(f"{q1} against {q2}: {error}") from None
        pairs += 1
    return pairs


def _narrowing(groups: dict) -> list[dict]:
    section = CodeSection.objects.order_by("sort_key").first()
    return [
        {},
        *({"unit": pk} for pk in groups["units"]),
        *({"platform": pk} for pk in groups["platforms"]),
        {"section": section.pk},
    ]


def test_an_executive_can_subtract_no_view_from_another(client, small_groups, executive):
    client.force_login(executive)
    queries = [{**period, **narrow} for period in PERIODS for narrow in _narrowing(small_groups)]
    assert _attack_every_pair(_views(client, queries)) > 500


def test_a_sector_analyst_can_subtract_no_view_from_another(client, small_groups, org, other_org):
    analyst = UserFactory(username="analyst", organisation=org, roles=[Role.SECTOR_ANALYST])
    client.force_login(analyst)
    scopes = [{}, {"organisation": org.pk}, {"organisation": other_org.pk}]
    narrowing = [{}, {"unit": small_groups["units"][1]}, {"platform": small_groups["platforms"][0]}]
    queries = [
        {**period, **scope, **narrow}
        for period in PERIODS
        for scope in scopes
        for narrow in narrowing
    ]
    assert _attack_every_pair(_views(client, queries)) > 1000


def test_count_only_roles_are_not_offered_the_narrowing_filters(client, small_groups, executive):
    client.force_login(executive)
    response = client.get(reverse("reports:dashboard"), {"unit": small_groups["units"][1]})
    assert set(response.context["form"].fields) == {"date_from", "date_to"}
    body = response.content.decode()
    assert 'id="filter-note"' in body and "cannot be subtracted" in body
    # the unit asked for is ignored: the figures are those of the whole organisation
    whole = _figures(client.get(reverse("reports:dashboard")).context["panels"])
    assert _figures(response.context["panels"]) == whole


def test_hr_managers_keep_every_filter(client, small_groups, hr_manager):
    """They may open the concerns behind a figure anyway, so narrowing gives them nothing
    they could not read."""
    client.force_login(hr_manager)
    response = client.get(reverse("reports:dashboard"), {"unit": small_groups["units"][1]})
    assert {"unit", "section", "platform"} <= set(response.context["form"].fields)
    assert 'id="filter-note"' not in response.content.decode()
    months = next(p for p in response.context["panels"] if p.key == "months")
    assert months.total[0].value == 3
