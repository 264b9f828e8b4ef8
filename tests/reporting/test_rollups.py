"""Rollups give exactly the figures the direct queries give, on the same data, and keep up.

Runs on SQLite and on PostgreSQL (DATABASE_URL): the comparison is made on each backend.
"""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation
from guidance.models import CodeSection, PlatformCategory
from incidents.casework import services as casework
from incidents.models import Concern
from reporting import dashboard, queries, rollups
from reporting.models import ReportRollup, ReportRollupState
from tests.factories import make_concern

pytestmark = pytest.mark.django_db

METHODS = (
    "summary_counts",
    "by_month",
    "by_section",
    "by_platform",
    "by_business_unit",
    "by_organisation",
    "findings_by_section",
    "time_to_triage",
    "time_to_close",
)


@pytest.fixture(autouse=True)
def _no_rollups_left_behind():
    """Rollups are marked current in the cache; no other test may inherit that mark."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a refresh and its on-commit step (marking the rollups current), as in production."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def seeded(guidance):
    call_command("seed_concerns", count=400, organisations=2, seed=3, years=2, stdout=io.StringIO())
    return list(Organisation.objects.filter(short_name__startswith="bench-org-").order_by("pk"))


def _scope(orgs, **filters):
    ids = None if orgs is None else tuple(o.pk for o in orgs)
    return queries.ReportScope(organisation_ids=ids, filters=queries.ReportFilters(**filters))


def _assert_same(scope):
    direct = queries.DirectFigures(scope)
    rolled = rollups.RollupFigures(scope)
    for method in METHODS:
        assert getattr(rolled, method)() == getattr(direct, method)(), (method, scope)


def _scopes(orgs):
    first = orgs[0]
    unit = BusinessUnit.objects.filter(organisation=first).order_by("pk").first()
    platform = PlatformCategory.objects.get(code="social-networking")
    section = CodeSection.objects.current().order_by("sort_key").first()
    today = timezone.localdate()
    mid = today - dt.timedelta(days=200)
    return [
        _scope([first]),
        _scope(orgs),
        _scope(None),
        _scope([first], business_unit_id=unit.pk),
        _scope([first], platform_id=platform.pk),
        _scope([first], section_id=section.pk),
        _scope([first], section_id=section.pk, business_unit_id=unit.pk, platform_id=platform.pk),
        # Whole months, a start and an end inside months, one month, one day, open ends.
        _scope([first], date_from=mid.replace(day=1), date_to=today.replace(day=1)),
        _scope([first], date_from=mid.replace(day=13), date_to=today - dt.timedelta(days=20)),
        _scope([first], date_from=mid.replace(day=3), date_to=mid.replace(day=25)),
        _scope([first], date_from=mid, date_to=mid),
        _scope([first], date_from=mid.replace(day=17)),
        _scope([first], date_to=mid.replace(day=9)),
        _scope(
            [first],
            date_from=mid.replace(day=5),
            date_to=today,
            section_id=section.pk,
            business_unit_id=unit.pk,
        ),
    ]


def test_rollups_match_the_direct_queries_for_every_filter(seeded):
    call_command("rebuild_report_rollups", stdout=io.StringIO())
    assert ReportRollup.objects.exists()
    for scope in _scopes(seeded):
        _assert_same(scope)


def test_the_whole_dashboard_is_identical_from_rollups(seeded, committed):
    scope = _scope([seeded[0]])
    direct = dashboard.build_panels(scope, drill_through=True)
    committed(rollups.refresh_all, full=True)
    assert rollups.is_current(scope)
    assert isinstance(rollups.figures(scope), rollups.RollupFigures)
    assert dashboard.build_panels(scope, drill_through=True) == direct


def test_without_a_current_refresh_the_dashboard_counts_directly(seeded, committed):
    scope = _scope([seeded[0]])
    assert isinstance(rollups.figures(scope), queries.DirectFigures)
    committed(rollups.refresh, seeded[0].pk)
    assert isinstance(rollups.figures(scope), rollups.RollupFigures)
    assert isinstance(rollups.figures(_scope(seeded)), queries.DirectFigures)  # not both yet
    rollups.forget()
    assert isinstance(rollups.figures(scope), queries.DirectFigures)


def test_a_refresh_picks_up_only_the_months_that_changed(
    guidance, org, reporter, hr_manager, investigator
):
    old = make_concern(reporter, subject_name="Earlier Person")
    Concern.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=120))
    rollups.refresh(org.pk)
    scope = _scope([org])
    _assert_same(scope)
    before = set(ReportRollup.objects.filter(month__lt=timezone.localdate().replace(day=1)))

    concern = make_concern(reporter, subject_name="Later Person")
    concern = casework.concern_assign(
        concern=concern, actor=hr_manager, assignee=investigator, expected_version=None
    )
    casework.concern_act(
        concern=concern, actor=hr_manager, action="start_triage", expected_version=concern.version
    )
    assert rollups.refresh_changed(org.pk) > 0
    _assert_same(scope)
    # The earlier month was not rewritten: the same rows (same ids) are still there.
    assert set(ReportRollup.objects.filter(month__lt=timezone.localdate().replace(day=1))) == (
        before
    )
    state = ReportRollupState.objects.get(organisation=org)
    assert rollups.refresh_changed(org.pk) == 0  # nothing new
    assert ReportRollupState.objects.get(organisation=org).event_seq == state.event_seq


def test_a_concern_restricted_later_leaves_the_rollups_at_the_next_refresh(
    guidance, org, reporter, hr_manager
):
    concerns = [make_concern(reporter, subject_name=f"Person {i}") for i in range(3)]
    rollups.refresh(org.pk)
    casework.concern_restrict(concern=concerns[0], actor=None, reason="Possible disclosure.")
    rollups.refresh_changed(org.pk)
    _assert_same(_scope([org]))
    assert rollups.RollupFigures(_scope([org])).summary_counts()["total"] == 2


@pytest.mark.parametrize("extra", [0, 40])
def test_dashboard_from_rollups_runs_a_fixed_number_of_queries(
    client, guidance, org, reporter, executive, extra, django_assert_num_queries, committed
):
    for index in range(1 + extra):
        make_concern(reporter, subject_name=f"Bulk {index}", links=[])
    committed(rollups.refresh_all)
    client.force_login(executive)
    with django_assert_num_queries(ROLLUP_DASHBOARD_QUERIES):
        assert client.get(reverse("reports:dashboard")).status_code == 200


# 2 for the page itself (session, the user with their organisation and roles; an executive has
# no unit, section or platform filter lists), the rollups' "current" mark (one row per
# organisation), the rollup rows, the names of sections, platforms and business units, and
# the headcounts. The direct path runs 13 (tests/reporting/test_reports.py).
ROLLUP_DASHBOARD_QUERIES = 8


def test_rebuild_command_reports_what_it_wrote(seeded):
    out = io.StringIO()
    call_command("rebuild_report_rollups", stdout=out)
    assert "Rollups refreshed for" in out.getvalue()
    out = io.StringIO()
    call_command("rebuild_report_rollups", "--changed", stdout=out)
    assert " 0 rows" in out.getvalue()


REDIS_DOWN = {
    "default": {
        "BACKEND": "config.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: every call fails at once
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_a_cache_outage_costs_the_cached_panels_only_never_the_rollups(
    client, guidance, org, reporter, executive, committed, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(6):
        make_concern(reporter, subject_name=f"Bulk {index}", links=[])
    committed(rollups.refresh_all)
    settings.CACHES = REDIS_DOWN
    settings.REPORT_CACHE_SECONDS = 300  # the dashboard would use the cache if it could
    client.force_login(executive)
    assert isinstance(rollups.figures(_scope([org])), rollups.RollupFigures)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert len(captured) == ROLLUP_DASHBOARD_QUERIES  # the same page as with the cache up
    assert not [q["sql"] for q in captured if 'FROM "incidents_concern"' in q["sql"]]


def test_rollups_stop_being_current_when_no_refresh_ran_for_a_while(
    guidance, org, reporter, committed, settings
):
    make_concern(reporter, subject_name="Someone", links=[])
    committed(rollups.refresh_all)
    assert rollups.is_current(_scope([org]))
    assert rollups.is_current(queries.ReportScope(organisation_ids=None))
    ReportRollupState.objects.update(
        refreshed_at=timezone.now() - dt.timedelta(seconds=settings.REPORT_ROLLUP_MAX_AGE + 1)
    )
    assert not rollups.is_current(_scope([org]))
    assert not rollups.is_current(queries.ReportScope(organisation_ids=None))
