"""Trend figures from known data: exact counts, suppression, and who may see them."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Event
from guidance.models import CodeSection, PlatformCategory
from incidents.models import Concern, ConfirmedSection
from reporting import dashboard, monthly, queries
from reporting.models import MonthlySummary
from tests.factories import UserFactory, make_concern

pytestmark = pytest.mark.django_db


def _scope(org, **filters):
    return queries.ReportScope(organisation_ids=(org.pk,), filters=queries.ReportFilters(**filters))


def _backdate(concern, when):
    Concern.objects.filter(pk=concern.pk).update(submitted_at=when)


def _panel(panels, key):
    return next(panel for panel in panels if panel.key == key)


@pytest.fixture
def known_data(guidance, org, reporter, hr_manager):
    """Seven concerns in March 2026 and two in April; one restricted; one draft."""
    linkedin = PlatformCategory.objects.get(code="social-networking")
    forums = PlatformCategory.objects.get(code="forums")
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    april = timezone.make_aware(dt.datetime(2026, 4, 2, 10))
    made = []
    for index in range(6):
        made.append(
            make_concern(reporter, subject_name=f"Person {index}", platform_category=linkedin)
        )
    made.append(make_concern(reporter, subject_name="Person 0", platform_category=forums))
    for concern in made:
        _backdate(concern, march)
    _backdate(made[-1], march + dt.timedelta(days=1))  # a later concern about Person 0
    for index in range(2):
        concern = make_concern(reporter, subject_name=f"Later {index}", platform_category=forums)
        _backdate(concern, april)
    restricted = make_concern(reporter, possible_pid="yes", subject_name="Whistle Blower")
    _backdate(restricted, march)
    make_concern(reporter, submit=False)
    return made


def test_drafts_and_possible_disclosures_are_never_counted(known_data, org):
    assert queries.base(_scope(org)).count() == 9


def test_counts_by_month_fill_the_gaps(known_data, org):
    rows = queries.by_month(_scope(org))
    assert rows == [(dt.date(2026, 3, 1), 7), (dt.date(2026, 4, 1), 2)]


def test_counts_by_platform_with_suppression(known_data, org):
    assert queries.by_platform(_scope(org)) == [
        ("Social networking sites", 6),
        ("Forums, discussion boards and groups", 3),
    ]
    panel = _panel(dashboard.build_panels(_scope(org)), "platforms")
    labels = {row.label: row.cells[0].label for row in panel.rows}
    # 3 is under 5 ("<5"); with one cell hidden, the other (6) is hidden too so the total
    # cannot give it away, and says so with its own mark: it is not under 5
    assert labels == {"Social networking sites": "np", "Forums, discussion boards and groups": "<5"}
    # April alone holds 2 concerns and March alone shows its 7, so a total of 9 would give
    # April's count away: the total is hidden too (see test_differencing.py).
    assert panel.total[0].label == "np" and panel.total[0].value == 9
    chart = panel.chart_data()
    assert chart["datasets"][0]["data"] == [None, None]  # hidden values never reach the chart
    assert chart["datasets"][0]["hidden"] == ["np", "<5"]  # ... but are drawn as hidden


def test_filters_narrow_the_counts(known_data, org):
    april = _scope(org, date_from=dt.date(2026, 4, 1))
    assert queries.base(april).count() == 2
    forums = PlatformCategory.objects.get(code="forums")
    assert queries.base(_scope(org, platform_id=forums.pk)).count() == 3


def test_sections_use_confirmed_where_available(known_data, org, hr_manager):
    concern = known_data[0]
    ConfirmedSection.objects.create(concern=concern, section=CodeSection.objects.get(code="3.9"))
    rows = {
        code: (confirmed, reported)
        for code, _, confirmed, reported in queries.by_section(_scope(org))
    }
    assert rows["3.9"] == (1, 0)
    assert rows["6.2"] == (0, 8)  # the other eight still count as reported


def test_repeat_concerns_are_a_number_only(known_data, org):
    assert queries.repeat_concerns(_scope(org)) == {"with_subject": 9, "repeat": 1}
    panel = _panel(dashboard.build_panels(_scope(org)), "repeat")
    share = {row.label: row.cells[0] for row in panel.rows}
    assert share["Share of concerns with a named employee that follow an earlier one"] == (
        "not shown (too few to report safely)"
    )


def test_time_to_triage_median_and_90th_percentile(guidance, org, reporter, hr_manager):
    submitted = timezone.make_aware(dt.datetime(2026, 5, 1, 9))
    for days in range(1, 11):  # triaged after 1..10 days
        concern = make_concern(reporter, subject_name=f"P{days}")
        Concern.objects.filter(pk=concern.pk).update(
            submitted_at=submitted, triaged_at=submitted + dt.timedelta(days=days)
        )
    result = queries.time_to_triage(_scope(org))
    assert (result.count, result.median_days, result.p90_days) == (10, 5.5, 9.1)


def test_ageing_and_due_dates(guidance, org, reporter):
    today = timezone.localdate()
    for age in (1, 3, 20, 100, 200):
        concern = make_concern(reporter, subject_name=f"Aged {age}")
        Concern.objects.filter(pk=concern.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=age),
            due_on=today - dt.timedelta(days=1) if age > 50 else today + dt.timedelta(days=3),
        )
    assert queries.ageing(_scope(org)) == [
        ("Up to 7 days", 2),
        ("8 to 30 days", 1),
        ("31 to 90 days", 0),
        ("Over 90 days", 2),
    ]
    due = queries.due_compliance(_scope(org))
    assert (due["open"], due["open_overdue"]) == (5, 2)


def test_other_organisations_are_never_counted(known_data, org, outsider):
    make_concern(outsider)
    assert queries.base(_scope(org)).count() == 9
    sector = queries.ReportScope(organisation_ids=None)
    assert queries.base(sector).count() == 10


# --- Pages ---------------------------------------------------------------------------


def test_executive_sees_trends_without_any_link_to_a_concern(client, known_data, executive):
    client.force_login(executive)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Concerns by month" in body and "&lt;5" in body
    assert "/concerns/" not in body.split("<main")[1]  # no drill-through, no concern links
    for concern in known_data:
        assert concern.reference not in body
    assert "Person 0" not in body and "Whistle Blower" not in body


def test_hr_manager_can_drill_through_to_their_queue(client, known_data, hr_manager):
    client.force_login(hr_manager)
    body = client.get(reverse("reports:dashboard")).content.decode()
    forums = PlatformCategory.objects.get(code="forums")
    assert f'href="/concerns/?platform={forums.pk}"' in body


@pytest.mark.parametrize("persona", ["reporter", "investigator", "administrator"])
def test_people_without_a_reporting_role_are_refused(client, request, guidance, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_sector_analyst_sees_the_sector_and_each_organisation(client, known_data, org, outsider):
    make_concern(outsider)
    analyst = UserFactory(organisation=org, roles=[Role.SECTOR_ANALYST], username="analyst")
    client.force_login(analyst)
    whole = client.get(reverse("reports:dashboard")).context["panels"]
    # The scope is what is tested here (the count behind the cell); the label is "<5"
    # because the other organisation's one concern would otherwise be the difference.
    assert _panel(whole, "months").total[0].value == 10
    assert any(panel.key == "organisations" for panel in whole)
    one = client.get(reverse("reports:dashboard") + f"?organisation={org.pk}").context["panels"]
    assert _panel(one, "months").total[0].value == 9


def test_executive_cannot_widen_the_scope_by_asking(
    client, known_data, executive, other_org, outsider
):
    make_concern(outsider)
    client.force_login(executive)
    panels = client.get(reverse("reports:dashboard") + f"?organisation={other_org.pk}").context[
        "panels"
    ]
    assert _panel(panels, "months").total[0].value == 9


def test_bad_filters_give_a_message_not_a_server_error(client, known_data, executive):
    client.force_login(executive)
    for query in (
        "?date_from=2026-02-30",
        "?section=9999999999999999999999",
        "?unit=abc",
        "?date_from=2026-05-01&date_to=2026-01-01",
    ):
        response = client.get(reverse("reports:dashboard") + query)
        assert response.status_code in (200, 400), query


@pytest.mark.parametrize("extra", [0, 40])
def test_dashboard_query_count_does_not_grow(
    client, guidance, reporter, executive, extra, django_assert_num_queries
):
    for index in range(1 + extra):
        make_concern(reporter, subject_name=f"Bulk {index}", links=[])
    client.force_login(executive)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("reports:dashboard")).status_code == 200


# Session, the user with their organisation and roles; the rollups' "current" mark
# (reporting.rollups.is_current); the figures; the headcounts (concerns per 100 staff). An
# executive is offered no unit, section or platform filter, so their three option lists are
# not read.
DASHBOARD_QUERIES = 13


def test_exports_keep_the_suppression_and_are_recorded(client, known_data, executive, org):
    import csv
    import io

    client.force_login(executive)
    response = client.get(reverse("reports:export", args=["platforms", "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["OFFICIAL: Sensitive"]
    assert ["Social networking sites", "np"] in lines
    assert ["Forums, discussion boards and groups", "<5"] in lines
    assert Event.objects.filter(kind="report_exported", actor=executive).count() == 1
    xlsx = client.get(reverse("reports:export", args=["all", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("reports:export", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("reports:export", args=["platforms", "exe"])).status_code == 404


# --- Monthly summary -------------------------------------------------------------------


def test_monthly_summary_is_sent_once_on_the_first_working_day(known_data, org, executive):
    # 1 Nov 2026 is a Sunday: the first working day is Monday 2 November.
    assert monthly.first_working_day(2026, 11) == dt.date(2026, 11, 2)
    mail.outbox.clear()
    assert monthly.send_monthly_summaries(today=dt.date(2026, 11, 1)) == 0
    assert monthly.send_monthly_summaries(today=dt.date(2026, 11, 2)) == 1
    assert monthly.send_monthly_summaries(today=dt.date(2026, 11, 2)) == 0
    assert monthly.send_monthly_summaries(today=dt.date(2026, 11, 3)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [executive.email]
    assert "October 2026" in message.subject
    name, content, _ = message.attachments[0]
    assert name == "conduct-summary-2026-10.xlsx" and content[:2] == b"PK"
    assert MonthlySummary.objects.get(organisation=org).sent_at is not None


def test_the_january_summary_waits_for_the_first_day_back_after_new_year(
    known_data, org, executive
):
    # Friday 1 January 2027 is New Year's Day: the first working day is Monday 4 January.
    mail.outbox.clear()
    assert monthly.send_monthly_summaries(today=dt.date(2027, 1, 1)) == 0
    assert mail.outbox == []
    assert monthly.send_monthly_summaries(today=dt.date(2027, 1, 4)) == 1
    assert "December 2026" in mail.outbox[0].subject


def test_a_failed_monthly_summary_is_retried_next_run(known_data, org, executive, monkeypatch):
    calls = {"n": 0}
    original = monthly._send

    def flaky(summary):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("mail server down")
        return original(summary)

    monkeypatch.setattr(monthly, "_send", flaky)
    mail.outbox.clear()
    assert monthly.send_monthly_summaries(today=dt.date(2026, 11, 2)) == 0
    assert monthly.send_monthly_summaries(today=dt.date(2026, 11, 3)) == 1
    assert len(mail.outbox) == 1


def test_a_background_export_shows_progress_then_offers_the_file(
    client,
    known_data,
    executive,
    hr_manager,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(executive)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_job_create"), {"date_from": "2026-01-01"})
    assert response.status_code == 302
    status_url = response["Location"]
    page = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Ready (100%)" in page and "Download the workbook" in page
    job_id = int(status_url.rstrip("/").rsplit("/", 1)[1])
    download = client.get(reverse("reports:export_job_download", args=[job_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert Event.objects.filter(kind="report_exported", actor=executive).exists()
    client.force_login(hr_manager)  # someone else's export is not there for them
    assert client.get(status_url).status_code == 404
    assert client.get(reverse("reports:export_job_download", args=[job_id])).status_code == 404


def test_dashboard_figures_are_cached_for_a_few_minutes(
    client, known_data, executive, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    settings.REPORT_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(executive)
    first = client.get(reverse("reports:dashboard"))
    # session, user with roles and organisation, filter lists
    with django_assert_max_num_queries(7):
        second = client.get(reverse("reports:dashboard"))
    assert [p.rows for p in first.context["panels"]] == [p.rows for p in second.context["panels"]]
    cache.clear()
