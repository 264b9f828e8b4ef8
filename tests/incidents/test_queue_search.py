"""HR's work queue: searching descriptions and notes, tabs and pages that keep the filters.

Runs on SQLite (a search by letters) and on PostgreSQL (full-text search through GIN
indexes, ranked); the tests marked for PostgreSQL skip elsewhere, saying why.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from incidents.casework import services as casework
from incidents.models import Concern
from tests.factories import UserFactory, make_concern
from tests.incidents.test_case_views import QUEUE_QUERIES
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


def _found(client, user, term, **params) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("incidents:list"), {"q": term, **params})
    assert response.status_code == 200
    return [concern.reference for concern in response.context["page"].object_list]


def _restrict(concern, actor):
    return casework.concern_restrict(
        concern=concern, actor=actor, reason="May be a public interest disclosure."
    )


def test_a_search_finds_a_concern_by_the_words_of_its_description(
    client, guidance, reporter, hr_manager
):
    wanted = make_concern(reporter, description="Shared a tender evaluation spreadsheet online.")
    make_concern(reporter, description="Argued with a journalist about a program.")
    assert _found(client, hr_manager, "tender evaluation") == [wanted.reference]


def test_a_search_finds_a_concern_by_the_words_of_its_internal_notes(
    client, guidance, reporter, hr_manager
):
    wanted = make_concern(reporter)
    other = make_concern(reporter)
    casework.note_add(concern=wanted, actor=hr_manager, text="Union delegate asked to attend.")
    casework.note_add(concern=other, actor=hr_manager, text="Screenshots requested.")
    assert _found(client, hr_manager, "delegate") == [wanted.reference]


def test_reference_employee_and_platform_are_still_searched(client, guidance, reporter, hr_manager):
    wanted = make_concern(reporter, subject_name="Quinn Marlow", platform_name="Mastodon")
    make_concern(reporter, subject_name="Avery Stone", platform_name="Facebook")
    assert _found(client, hr_manager, "Marlow") == [wanted.reference]
    assert _found(client, hr_manager, "mastodon") == [wanted.reference]
    assert _found(client, hr_manager, wanted.reference) == [wanted.reference]


def test_a_restricted_concern_never_appears_through_its_words_or_its_notes(
    client, guidance, org, reporter, hr_manager, investigator
):
    coordinator = UserFactory(username="coordinator", organisation=org, roles=[Role.HR_MANAGER])
    org.pid_coordinator = coordinator
    org.save()
    concern = make_concern(reporter, description="Leaked the audit committee minutes.")
    casework.note_add(concern=concern, actor=hr_manager, text="Whistleblower protections.")
    _restrict(concern, hr_manager)
    for person in (hr_manager, investigator):
        assert _found(client, person, "audit committee") == []
        assert _found(client, person, "whistleblower") == []
    reference = Concern.objects.get(pk=concern.pk).reference
    assert _found(client, coordinator, "audit committee") == [reference]
    assert _found(client, coordinator, "whistleblower") == [reference]


def test_notes_never_find_a_concern_for_someone_who_may_not_open_it(
    client, guidance, org, reporter, hr_manager, investigator
):
    colleague = UserFactory(username="colleague", organisation=org, roles=[Role.INVESTIGATOR])
    concern = make_concern(reporter, description="Posted about a colleague.")
    concern = casework.concern_assign(
        concern=concern, actor=hr_manager, assignee=colleague, expected_version=None
    )
    casework.note_add(concern=concern, actor=colleague, text="Interview booked with Dana.")
    assert _found(client, investigator, "interview") == []
    assert _found(client, investigator, "colleague") == []
    assert _found(client, colleague, "interview") == [concern.reference]


def test_drafts_and_other_organisations_are_never_found(
    client, guidance, reporter, hr_manager, outsider
):
    make_concern(reporter, submit=False, description="Draft about a hovercraft purchase.")
    submitted = make_concern(reporter, description="Submitted about a hovercraft purchase.")
    assert _found(client, hr_manager, "hovercraft") == [submitted.reference]
    assert _found(client, outsider, "hovercraft") == []


def test_a_concern_the_hr_person_logged_is_not_found_by_them(client, guidance, org, unit):
    both = UserFactory(
        username="both",
        organisation=org,
        business_unit=unit,
        roles=[Role.REPORTER, Role.HR_MANAGER],
    )
    make_concern(both, description="Saw a post about a procurement.")
    assert _found(client, both, "procurement") == []


@pytest.mark.parametrize("count", [1, 30])
def test_a_search_costs_the_same_queries_as_the_plain_queue(
    client, guidance, reporter, hr_manager, count, django_assert_num_queries
):
    for index in range(count):
        concern = make_concern(reporter, subject_name=f"Person {index}", links=[])
        casework.note_add(concern=concern, actor=hr_manager, text="Posted again overnight.")
    client.force_login(hr_manager)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("incidents:list"), {"q": "posted"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


def test_the_search_words_never_cause_an_error(client, guidance, reporter, hr_manager):
    make_concern(reporter)
    client.force_login(hr_manager)
    for term in ('"unbalanced', "a & b | !c", "-", "'); drop table x; --", "the", "x" * 200):
        response = client.get(reverse("incidents:list"), {"q": term})
        assert response.status_code == 200, term


def test_postgres_search_matches_word_forms_and_puts_the_best_match_first(
    client, guidance, reporter, hr_manager
):
    require_postgres()
    once = make_concern(reporter, description="Posted a comment about rostering.")
    twice = make_concern(
        reporter, description="Posting about rostering and more rostering complaints."
    )
    make_concern(reporter, description="Shared a photo of the office.")
    found = _found(client, hr_manager, "rosters")
    assert found == [twice.reference, once.reference]  # best match first
    assert _found(client, hr_manager, "rosters", sort="oldest") == [
        once.reference,
        twice.reference,
    ]


def test_postgres_search_is_served_by_the_full_text_indexes(guidance, reporter, hr_manager):
    require_postgres()
    from incidents.casework.selectors import work_queue

    queryset = work_queue(hr_manager, {"q": "rostering"}).values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "concern_description_fts" in plan
    assert "note_text_fts" in plan


# --- Tabs and pages keep the filters ---------------------------------------------------


def test_the_queue_tabs_keep_the_search_and_filters_applied(
    client, guidance, reporter, hr_manager, unit
):
    make_concern(reporter)
    client.force_login(hr_manager)
    applied = {"q": "client", "unit": unit.pk, "risk": "high", "sort": "oldest", "page": "1"}
    response = client.get(reverse("incidents:list"), {**applied, "queue": "mine"})
    tabs = {tab["label"]: tab for tab in response.context["tabs"]}
    assert [label for label, tab in tabs.items() if tab["active"]] == ["Mine"]
    for label, queue in (("All", "all"), ("Unassigned", "unassigned"), ("Overdue", "overdue")):
        params = parse_qs(urlsplit(tabs[label]["url"]).query)
        assert params["queue"] == [queue]
        assert params["q"] == ["client"] and params["unit"] == [str(unit.pk)]
        assert params["risk"] == ["high"] and params["sort"] == ["oldest"]
        assert "page" not in params  # another queue starts at its first page
        assert f'href="{tabs[label]["url"].replace("&", "&amp;")}"' in response.text


def test_the_pages_keep_the_search(client, guidance, reporter, hr_manager):
    for index in range(27):
        make_concern(reporter, subject_name=f"Person {index}", links=[])
    client.force_login(hr_manager)
    response = client.get(reverse("incidents:list"), {"q": "client file", "queue": "all"})
    assert "q=client+file&amp;queue=all&amp;page=2" in response.text
    second = client.get(reverse("incidents:list"), {"q": "client file", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_select_all_is_offered_to_hr_managers_only_and_hidden_until_the_script_runs(
    client, submitted_concern, hr_manager, investigator
):
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:list")).text
    assert 'id="select-all"' in page and "hidden" in page.split('id="select-all"')[1][:200]
    assert "js/queue.js" in page
    client.force_login(investigator)
    page = client.get(reverse("incidents:list")).text
    assert 'id="select-all"' not in page and "js/queue.js" not in page
