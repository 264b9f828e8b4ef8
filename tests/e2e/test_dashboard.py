"""The trends dashboard in a browser at 1366 and 390 px: every panel readable, hidden
cells marked (never drawn as zero), no empty chart frames, nothing cut off on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Headcount
from guidance.models import PlatformCategory
from incidents.models import Concern
from tests.factories import make_concern

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trends(people):
    reporter = people["reporter"]
    social = PlatformCategory.objects.get(code="social-networking")
    forums = PlatformCategory.objects.get(code="forums")
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    for index in range(18):
        concern = make_concern(
            reporter,
            subject_name=f"Person {index % 12}",
            platform_category=social if index < 15 else forums,
            links=[],
        )
        Concern.objects.filter(pk=concern.pk).update(submitted_at=march)
    unit = reporter.business_unit
    Headcount.objects.create(
        organisation=unit.organisation,
        business_unit=unit,
        month=march.date().replace(day=1),
        staff=240,
    )
    return people


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dashboard_reads_at_desktop_and_phone_widths(
    signed_in, live_server, trends, width, shots
):
    page = signed_in(trends["executive"], viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/reports/")
    page.wait_for_selector("canvas[data-chart]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => c.width > 0 && c.getContext('2d'))"
    )
    shots.take(page, f"dashboard at {width}")
    # Nothing wider than the screen: wide tables scroll inside their own box.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for section in page.locator("section.report-panel").all():
        box = section.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    # The legend explains both marks; hidden cells use them.
    legend = page.locator("#report-legend")
    assert "fewer than 5" in legend.inner_text() and "np" in legend.inner_text()
    platforms = page.locator('section[data-panel="platforms"] table')
    assert "np" in platforms.inner_text() and "<5" in platforms.inner_text()
    # Panels with nothing to show say so and draw no frame.
    for key in ("findings", "responses"):
        panel = page.locator(f'section[data-panel="{key}"]')
        assert "Nothing to show yet" in panel.inner_text()
        assert panel.locator("canvas").count() == 0
    rates = page.locator('section[data-panel="rates"]')
    assert "Per 100" in rates.inner_text() and "7.5" in rates.inner_text()
