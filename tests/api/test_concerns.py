"""Concerns through the API: the same lists, the same visibility, the same forms."""

from __future__ import annotations

import pytest

from audit.models import AccessRecord
from guidance.models import PlatformCategory
from incidents.models import Concern, Status
from tests.factories import make_concern

pytestmark = pytest.mark.django_db


def test_the_list_uses_the_work_queue_filters(api, guidance, reporter, hr_manager):
    facebook = make_concern(reporter)
    forum = make_concern(
        reporter,
        platform_category=PlatformCategory.objects.get(code="forums"),
        platform_name="Whirlpool",
    )
    client = api(hr_manager, "read")

    everything = client.get("/api/v1/concerns/").json()
    assert {row["id"] for row in everything["results"]} == {facebook.pk, forum.pk}
    assert everything["count"] == 2 and everything["count_capped"] is False

    by_platform = client.get("/api/v1/concerns/", {"platform": forum.platform_category_id})
    assert [row["id"] for row in by_platform.json()["results"]] == [forum.pk]
    searched = client.get("/api/v1/concerns/", {"q": "Whirlpool"})
    assert [row["id"] for row in searched.json()["results"]] == [forum.pk]
    oldest = client.get("/api/v1/concerns/", {"sort": "oldest"}).json()["results"]
    assert [row["id"] for row in oldest] == [facebook.pk, forum.pk]


def test_a_filter_naming_another_organisations_unit_is_refused(api, hr_manager, other_org):
    from tests.factories import BusinessUnitFactory

    foreign = BusinessUnitFactory(organisation=other_org)
    response = api(hr_manager, "read").get("/api/v1/concerns/", {"unit": foreign.pk})
    assert response.status_code == 400
    assert "unit" in response.json()["error"]["fields"]


def test_the_reporter_sees_status_only_once_submitted(api, submitted_concern, reporter):
    body = api(reporter, "read").get(f"/api/v1/concerns/{submitted_concern.pk}/").json()
    assert body["status"] == "received"  # in words meant for them (test_reporter_status)
    assert body["content"] is None and body["case"] is None
    assert "withdraw" in body["actions"]


def test_hr_see_the_case_and_opening_it_is_recorded(api, submitted_concern, hr_manager):
    body = api(hr_manager, "read").get(f"/api/v1/concerns/{submitted_concern.pk}/").json()
    assert body["content"]["subject_name"] == "Jordan Example"
    assert body["case"]["reporter"]["name"]
    assert [e["original_name"] for e in body["case"]["evidence"]] == []
    assert AccessRecord.objects.filter(
        concern=submitted_concern, user=hr_manager, action=AccessRecord.Action.VIEWED
    ).exists()


@pytest.mark.parametrize("persona", ["second_reporter", "executive", "administrator", "outsider"])
def test_people_who_may_not_see_it_get_404_everywhere(request, api, investigating_concern, persona):
    client = api(request.getfixturevalue(persona))
    pk = investigating_concern.pk
    for method, url in [
        ("get", f"/api/v1/concerns/{pk}/"),
        ("get", f"/api/v1/concerns/{pk}/actions/"),
        ("get", f"/api/v1/concerns/{pk}/notes/"),
        ("get", f"/api/v1/concerns/{pk}/evidence/"),
        ("post", f"/api/v1/concerns/{pk}/notes/"),
        ("post", f"/api/v1/concerns/{pk}/actions/refer/"),
        ("post", f"/api/v1/concerns/{pk}/triage/"),
        ("post", f"/api/v1/concerns/{pk}/assign/"),
        ("post", f"/api/v1/concerns/{pk}/fairness/"),
    ]:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 404, (persona, method, url)
    investigating_concern.refresh_from_db()
    assert investigating_concern.status == Status.INVESTIGATION


def test_the_mine_list_shows_the_reporters_own(api, submitted_concern, reporter, second_reporter):
    mine = api(reporter, "read").get("/api/v1/concerns/mine/").json()["results"]
    assert [row["id"] for row in mine] == [submitted_concern.pk]
    assert set(mine[0]) == {
        *("id", "reference", "status", "status_label", "created_at", "submitted_at")
    }
    assert api(second_reporter, "read").get("/api/v1/concerns/mine/").json()["results"] == []


def test_a_possible_disclosure_is_restricted_on_submission(api, guidance, reporter, hr_manager):
    created = (
        api(reporter)
        .post(
            "/api/v1/concerns/",
            {
                "occurred_on": "2026-03-01",
                "description": "It may show corrupt conduct.",
                "platform_category": PlatformCategory.objects.get(code="forums").pk,
                "subject_not_known": True,
                "possible_pid": "yes",
            },
            format="json",
        )
        .json()
    )
    submitted = api(reporter).post(
        f"/api/v1/concerns/{created['id']}/actions/submit/",
        {"version": created["version"]},
        format="json",
    )
    assert submitted.status_code == 200
    assert Concern.objects.get(pk=created["id"]).restricted


def test_submitting_an_incomplete_draft_says_what_is_missing(api, guidance, reporter):
    created = api(reporter).post("/api/v1/concerns/", {}, format="json").json()
    response = api(reporter).post(
        f"/api/v1/concerns/{created['id']}/actions/submit/",
        {"version": created["version"]},
        format="json",
    )
    assert response.status_code == 409
    assert "when it happened" in response.json()["error"]["message"]


def test_an_unknown_action_is_404(api, submitted_concern, hr_manager):
    response = api(hr_manager).post(
        f"/api/v1/concerns/{submitted_concern.pk}/actions/fly/", {"version": 1}, format="json"
    )
    assert response.status_code == 404


def test_an_action_for_another_stage_is_refused_not_run_as_another(
    api, submitted_concern, hr_manager
):
    response = api(hr_manager).post(
        f"/api/v1/concerns/{submitted_concern.pk}/actions/reopen/",
        {"version": submitted_concern.version, "reason": "Another door"},
        format="json",
    )
    assert response.status_code == 409
    assert "not possible for a concern at the submitted stage" in str(response.json())
    submitted_concern.refresh_from_db()
    assert submitted_concern.status == Status.SUBMITTED


def test_the_list_takes_a_fixed_number_of_queries(
    api, guidance, reporter, hr_manager, django_assert_max_num_queries
):
    client = api(hr_manager, "read")
    make_concern(reporter)
    client.get("/api/v1/concerns/")
    for _ in range(10):
        make_concern(reporter)
    with django_assert_max_num_queries(20):
        response = client.get("/api/v1/concerns/")
    assert response.json()["count"] == 11


def test_the_count_stops_at_the_work_queues_cap(monkeypatch, api, guidance, reporter, hr_manager):
    from incidents.casework import selectors

    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 2)
    for _ in range(3):
        make_concern(reporter)
    body = api(hr_manager, "read").get("/api/v1/concerns/").json()
    assert body["count"] == 2 and body["count_capped"] is True
