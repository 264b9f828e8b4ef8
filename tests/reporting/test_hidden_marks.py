"""Hidden figures say which kind of hidden they are, charts never draw them as zero, and
empty panels say there is nothing to show yet."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guidance.models import PlatformCategory
from incidents.models import Concern
from reporting import dashboard, queries
from reporting.suppression import NOT_PUBLISHED, SECONDARY, SMALL, suppress_series
from tests.factories import make_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(guidance, org, reporter):
    """Fifteen concerns on social networking and three on forums, all in March 2026."""
    social = PlatformCategory.objects.get(code="social-networking")
    forums = PlatformCategory.objects.get(code="forums")
    when = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    for index in range(18):
        concern = make_concern(
            reporter,
            subject_name=f"Person {index}",
            platform_category=social if index < 15 else forums,
            links=[],
        )
        Concern.objects.filter(pk=concern.pk).update(submitted_at=when)


def _platforms(org):
    scope = queries.ReportScope(organisation_ids=(org.pk,))
    return next(p for p in dashboard.build_panels(scope) if p.key == "platforms")


def test_a_count_hidden_to_protect_another_is_never_labelled_fewer_than_five(march, org):
    panel = _platforms(org)
    cells = {row.label: row.cells[0] for row in panel.rows}
    assert cells["Forums, discussion boards and groups"].label == "<5"
    assert cells["Social networking sites"].reason == SECONDARY
    assert cells["Social networking sites"].label == NOT_PUBLISHED  # 15: hidden, not "<5"
    assert panel.total[0].label == "18"


def test_no_hidden_label_says_under_five_of_a_number_that_is_not():
    for counts in ({"a": 12, "b": 3, "c": 7}, {"a": 4, "b": 0, "c": 4}, {"a": 40, "b": 2}):
        series = suppress_series(counts)
        for cell in [*series.cells.values(), series.total]:
            if cell.label == "<5":
                assert cell.value < 5 and cell.reason == SMALL
            if cell.hidden and cell.value >= 5:
                assert cell.label == NOT_PUBLISHED


def test_an_np_cell_beside_a_small_one_is_not_pinned_by_what_its_mark_says():
    # b (1) is hidden; c (5) goes with it. "np" says c is at least 5 and "<5" says b is at
    # least 1, so b + c = 6 would pin both: a third cell is hidden as well.
    series = suppress_series({"a": 30, "b": 1, "c": 5})
    assert {key: cell.label for key, cell in series.cells.items()} == {
        "a": "np",
        "b": "<5",
        "c": "np",
    }
    assert series.total.label == "36"


def test_the_page_explains_both_marks_and_uses_them(client, march, executive):
    client.force_login(executive)
    body = client.get(reverse("reports:dashboard")).content.decode()
    legend = body.split('id="report-legend"')[1].split("</dl>")[0]
    assert "fewer than 5" in legend and "np" in legend and "5 or more" in legend
    assert 'class="mark-np"' in body and 'class="mark-small"' in body


def test_charts_carry_the_mark_of_every_hidden_value_and_no_number(march, org):
    chart = _platforms(org).chart_data()
    assert chart["datasets"][0]["data"] == [None, None]
    assert chart["datasets"][0]["hidden"] == ["np", "<5"]


def test_an_empty_panel_says_nothing_to_show_yet_and_draws_no_chart(client, march, executive):
    # Nobody has been through triage: no findings, no responses chosen.
    client.force_login(executive)
    body = client.get(reverse("reports:dashboard")).content.decode()
    for key in ("findings", "responses"):
        section = re.search(rf'data-panel="{key}".*?</section>', body, re.S).group(0)
        assert "Nothing to show yet" in section
        assert "<canvas" not in section and "<table" not in section
    assert 'id="chart-responses"' not in body and 'id="chart-platforms"' in body
