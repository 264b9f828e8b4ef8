"""HR's pages: the work queue and the concern page, driven through the views."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AccessRecord, Event
from guidance.models import CodeSection
from incidents.models import Concern, Status
from tests.factories import RIGHTS, UserFactory, make_concern, send_for_decision

pytestmark = pytest.mark.django_db


def _post(client, name, concern, data):
    concern.refresh_from_db()
    return client.post(
        reverse(f"incidents:{name}", args=[concern.pk]), {"version": concern.version, **data}
    )


def _act(client, concern, action, **data):
    concern.refresh_from_db()
    return client.post(
        reverse("incidents:act", args=[concern.pk, action]), {"version": concern.version, **data}
    )


def test_hr_manager_takes_a_concern_to_closure_through_the_pages(
    client, submitted_concern, hr_manager, investigator, reporter
):
    concern = submitted_concern
    section = CodeSection.objects.get(code="6.2")
    client.force_login(hr_manager)
    assert _act(client, concern, "start_triage").status_code == 302
    response = _post(
        client,
        "triage",
        concern,
        {"graduated_response": "misconduct", "risk_rating": "medium", "sections": [section.pk]},
    )
    assert response.status_code == 302
    assert _post(client, "assign", concern, {"assignee": investigator.pk}).status_code == 302

    client.force_login(investigator)
    assert _act(client, concern, "start_investigation", **RIGHTS).status_code == 302
    today = timezone.localdate()
    _post(
        client,
        "fairness",
        concern,
        {
            "allegation_notified_on": (today - dt.timedelta(days=8)).isoformat(),
            "response_due_on": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    concern.refresh_from_db()
    finding_field = f"finding_{section.pk}"
    response = _post(
        client,
        "findings",
        concern,
        {
            finding_field: "partly",
            "action_taken": "training",
            "outcome_summary": "Training done.",
            **RIGHTS,  # an adverse finding: Charter s 38
        },
    )
    assert response.status_code == 302
    assert _act(client, concern, "propose_decision").status_code == 302

    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    assert "Approve and close" in page
    response = _act(
        client, concern, "close", reporter_message="Thank you; action was taken.", confirm="on"
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED

    client.force_login(reporter)
    page = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    assert "Finished" in page and "Thank you; action was taken." in page
    # HR's record stays HR's; the reporter sees what they sent (the employee they named).
    assert "Training done." not in page and "Partly substantiated" not in page


def test_the_page_shows_only_the_actions_the_table_allows(client, submitted_concern, investigator):
    client.force_login(investigator)
    page = client.get(reverse("incidents:detail", args=[submitted_concern.pk])).content.decode()
    assert "Start triage" in page
    assert "Approve and close" not in page and "Reopen" not in page


def test_a_forbidden_action_posted_directly_is_refused(client, submitted_concern, investigator):
    client.force_login(investigator)
    response = _act(client, submitted_concern, "close")
    assert response.status_code == 403
    response = _act(client, submitted_concern, "no-such-action")
    assert response.status_code == 404
    submitted_concern.refresh_from_db()
    assert submitted_concern.status == Status.SUBMITTED


def test_an_action_missing_its_reason_comes_back_with_the_form(
    client, submitted_concern, hr_manager
):
    client.force_login(hr_manager)
    _act(client, submitted_concern, "start_triage")
    response = _act(client, submitted_concern, "dismiss", reporter_message="Kept text")
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert "Kept text" in response.content.decode()


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client, submitted_concern, hr_manager):
    client.force_login(hr_manager)
    _act(client, submitted_concern, "start_triage")
    submitted_concern.refresh_from_db()
    stale = submitted_concern.version
    # someone else acts
    _act(client, submitted_concern, "dismiss", reason="First person wins", confirm="on")
    response = client.post(
        reverse("incidents:add_note", args=[submitted_concern.pk]), {"text": "x"}
    )
    response = client.post(
        reverse("incidents:act", args=[submitted_concern.pk, "reopen"]),
        {"version": stale, "reason": "My carefully typed reason"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this concern" in body
    assert "My carefully typed reason" in body


def test_an_action_posted_for_another_stage_is_refused_with_the_reason(
    client, submitted_concern, hr_manager
):
    """Posting 'reopen' on a submitted concern once started its triage instead."""
    client.force_login(hr_manager)
    response = _act(client, submitted_concern, "reopen", reason="Typed with care")
    assert response.status_code == 409
    body = response.content.decode()
    assert "“Reopen” is not possible for a concern at the submitted stage." in body
    submitted_concern.refresh_from_db()
    assert submitted_concern.status == Status.SUBMITTED
    assert not Event.objects.filter(concern=submitted_concern, kind="status_changed").exclude(
        after__action="submit"
    )


def test_notes_are_never_shown_to_the_reporter(client, submitted_concern, hr_manager, reporter):
    client.force_login(hr_manager)
    client.post(
        reverse("incidents:add_note", args=[submitted_concern.pk]), {"text": "Private HR note"}
    )
    assert (
        "Private HR note"
        in client.get(reverse("incidents:detail", args=[submitted_concern.pk])).content.decode()
    )
    client.force_login(reporter)
    page = client.get(reverse("incidents:detail", args=[submitted_concern.pk])).content.decode()
    assert "Private HR note" not in page


def test_queue_tabs_filter_and_search(client, guidance, reporter, hr_manager, investigator, org):
    a = make_concern(reporter, subject_name="Alice Archer")
    b = make_concern(reporter, subject_name="Bob Baker", links=["https://x.com/b/1"])
    Concern.objects.filter(pk=b.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    client.force_login(hr_manager)
    assert _post(client, "assign", a, {"assignee": investigator.pk}).status_code == 302

    def refs(query):
        response = client.get(reverse("incidents:list") + query)
        assert response.status_code == 200
        return {c.reference for c in response.context["page"].object_list}

    a.refresh_from_db()
    b.refresh_from_db()
    assert refs("") == {a.reference, b.reference}
    assert refs("?queue=unassigned") == {b.reference}
    assert refs("?queue=overdue") == {b.reference}
    assert refs("?q=archer") == {a.reference}
    assert refs(f"?q={b.reference}") == {b.reference}
    client.force_login(investigator)
    assert refs("?queue=mine") == {a.reference}


def test_bad_filter_values_give_a_message_not_a_server_error(client, hr_manager, guidance):
    client.force_login(hr_manager)
    for query in (
        "?submitted_from=2026-13-45",
        "?section=99999999999999999999999",
        "?status=nonsense",
        "?submitted_from=2026-05-01&submitted_to=2026-01-01",
        "?page=abc",
        "?sort=../../etc",
    ):
        response = client.get(reverse("incidents:list") + query)
        assert response.status_code in (200, 400), query


def test_bulk_assign_reports_conflicts_per_concern(
    client, org, guidance, reporter, hr_manager, investigator
):
    fine = make_concern(reporter, subject_name="Casey One")
    conflicted = make_concern(reporter, subject_name="Casey Two")
    conflicted.subject.reporting_line.add(investigator)
    client.force_login(hr_manager)
    response = client.post(
        reverse("incidents:bulk_assign"),
        {"concerns": [fine.pk, conflicted.pk], "assignee": investigator.pk},
        follow=True,
    )
    body = response.content.decode()
    fine.refresh_from_db()
    conflicted.refresh_from_db()
    assert fine.assignee == investigator and conflicted.assignee is None
    assert f"{conflicted.reference} was not assigned" in body
    assert "reporting line" in body


def test_investigators_cannot_bulk_assign(client, submitted_concern, investigator):
    client.force_login(investigator)
    response = client.post(
        reverse("incidents:bulk_assign"),
        {"concerns": [submitted_concern.pk], "assignee": investigator.pk},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("count", [1, 50])
def test_queue_query_count_does_not_grow(
    client, guidance, reporter, hr_manager, investigator, count, django_assert_num_queries
):
    for index in range(count):
        concern = make_concern(reporter, subject_name=f"Person {index}", links=[])
        Concern.objects.filter(pk=concern.pk).update(assignee=investigator, risk_rating="low")
    client.force_login(hr_manager)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("incidents:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("events", [1, 60])
def test_concern_page_query_count_does_not_grow(
    client, submitted_concern, hr_manager, events, django_assert_num_queries
):
    from incidents.casework import services as casework

    for index in range(events):
        casework.note_add(concern=submitted_concern, actor=hr_manager, text=f"Note {index}")
    client.force_login(hr_manager)
    with django_assert_num_queries(CONCERN_PAGE_QUERIES):
        response = client.get(reverse("incidents:detail", args=[submitted_concern.pk]))
    assert response.status_code == 200
    assert Event.objects.filter(concern=submitted_concern).count() >= events


def _grow_the_case(concern, actor, size: int) -> None:
    """`size` more notes (each an event too) and evidence files on the concern."""
    from incidents.casework import services as casework
    from incidents.models import Evidence

    for index in range(size):
        casework.note_add(concern=concern, actor=actor, text=f"Note {index}")
    Evidence.objects.bulk_create(
        Evidence(
            concern=concern,
            file=f"evidence/{index}",
            original_name=f"post-{index}.png",
            content_type="image/png",
            size=100,
            sha256="0" * 64,
            uploaded_by=actor,
        )
        for index in range(size)
    )


@pytest.mark.parametrize("size", [1, 60])
def test_an_investigation_page_costs_the_same_however_much_it_holds(
    client, triage_concern, hr_manager, investigator, size, django_assert_num_queries
):
    """Notes, evidence, confirmed sections with findings, and a timeline longer than the
    page shows: the same number of queries for one of each as for sixty."""
    from incidents.casework import services as casework

    sections = list(CodeSection.objects.order_by("pk")[: min(size, 8)])
    concern = casework.concern_record_triage(
        concern=triage_concern,
        actor=hr_manager,
        data=casework.TriageData("misconduct", "medium", sections),
        expected_version=triage_concern.version,
    )
    concern = casework.concern_act(
        concern=concern,
        actor=investigator,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    _grow_the_case(concern, investigator, size)
    client.force_login(investigator)
    with django_assert_num_queries(INVESTIGATION_PAGE_QUERIES):
        response = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert response.status_code == 200
    assert len(response.context["evidence"]) == size
    assert len(response.context["notes"]) == size
    assert len(response.context["findings"]) == len(sections)
    assert response.context["timeline_has_earlier"] is (size > 50)


QUEUE_QUERIES = 10  # includes the two small lookups of the conflict-of-interest filter
# Includes the session, the person (with their organisation), their roles and second
# factor; the getter loading the whole record in its query (the conflict rule as
# subqueries, so a forbidden id costs what a missing one does; whether it has case
# documents, questions, additions or legal holds as probes inside it, so none of those
# is read when there is none) and its prefetches; writing the access record; the
# related-concerns panel (one query); the latest 50 events; the notes. No action's form
# is on the page (each is fetched when opened: incidents:panel), and who could approve
# the outcome is asked only from the investigation on. Was 26, then 21: the record
# loaded twice, the organisation and the roles read apart from the person, the forms'
# choices read to render them, empty parts of the record read anyway.
CONCERN_PAGE_QUERIES = 13
# The investigator at the investigation stage: no triage or assignment forms, but who
# could approve the outcome (the staff, who took part), and the concern's Charter records
# (issue 19; none are read before triage).
INVESTIGATION_PAGE_QUERIES = 14


def test_an_outsider_cannot_assign_another_organisations_concern(
    client, submitted_concern, outsider, investigator
):
    client.force_login(outsider)
    response = client.post(
        reverse("incidents:bulk_assign"),
        {"concerns": [submitted_concern.pk], "assignee": investigator.pk},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    submitted_concern.refresh_from_db()
    assert submitted_concern.assignee is None


def test_the_access_log_shows_who_opened_the_concern_and_records_its_reading(
    client, submitted_concern, hr_manager, investigator, reporter
):
    from audit.models import AccessRecord

    client.force_login(investigator)
    client.get(reverse("incidents:detail", args=[submitted_concern.pk]))
    client.force_login(reporter)
    client.get(reverse("incidents:detail", args=[submitted_concern.pk]))
    client.force_login(hr_manager)
    body = client.get(reverse("incidents:access_log", args=[submitted_concern.pk])).content.decode()
    assert investigator.display_name in body and reporter.display_name in body
    assert AccessRecord.objects.filter(
        concern=submitted_concern, user=hr_manager, action="log_read"
    ).exists()
    client.force_login(investigator)
    response = client.get(reverse("incidents:access_log", args=[submitted_concern.pk]))
    assert response.status_code == 403


def test_an_hr_manager_exports_everything_held_about_an_employee(
    client, guidance, org, reporter, hr_manager, investigator
):
    import json

    first = make_concern(reporter, subject_name="Jordan Example")
    second = make_concern(reporter, subject_name="jordan example", description="Second post.")
    make_concern(reporter, subject_name="Someone Else")
    restricted = make_concern(reporter, subject_name="Jordan Example", possible_pid="yes")
    coordinator = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="coord")
    org.pid_coordinator = coordinator
    org.save()
    client.force_login(hr_manager)
    url = reverse("incidents:person_export", args=[first.subject_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert document["marking"] == "OFFICIAL: Sensitive"
    assert document["person"]["name"] == "Jordan Example"
    references = [concern["reference"] for concern in document["concerns"]]
    assert sorted(references) == sorted([first.reference, second.reference])
    assert restricted.reference not in references  # restricted to the coordinator
    event = Event.objects.get(kind="person_exported")
    assert event.actor == hr_manager and sorted(event.after["concerns"]) == sorted(references)
    client.force_login(investigator)
    assert client.get(url).status_code == 403


def test_the_access_request_export_reaches_a_person_only_through_a_visible_concern(
    client, guidance, org, unit, reporter
):
    """Walking the export's ids once named people from reporters' unsubmitted drafts,
    restricted concerns and concerns the HR manager is conflicted from."""
    manager = UserFactory(
        organisation=org,
        business_unit=unit,
        roles=[Role.HR_MANAGER, Role.REPORTER],
        username="manager_who_reports",
    )
    draft = make_concern(reporter, submit=False, subject_name="Dana Draftonly")
    restricted = make_concern(reporter, subject_name="Riley Restricted", possible_pid="yes")
    coordinator = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="coord")
    org.pid_coordinator = coordinator
    org.save()
    own = make_concern(manager, subject_name="Casey Ownreport")  # he logged it: conflicted
    visible = make_concern(reporter, subject_name="Vic Visible")

    client.force_login(manager)
    for concern in (draft, restricted, own):
        assert concern.subject_id is not None
        response = client.get(reverse("incidents:person_export", args=[concern.subject_id]))
        assert response.status_code == 404
        for name in (b"Draftonly", b"Restricted", b"Ownreport"):
            assert name not in response.content
    response = client.get(reverse("incidents:person_export", args=[visible.subject_id]))
    assert response.status_code == 200
    assert b"Vic Visible" in response.content
    assert Event.objects.filter(kind="person_exported").count() == 1


def test_a_person_out_of_reach_costs_what_a_missing_id_does(client, guidance, reporter, hr_manager):
    """Counting the export's queries once told which person ids existed (a draft's)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draft = make_concern(reporter, submit=False, subject_name="Dana Draftonly")
    client.force_login(hr_manager)
    client.get("/")

    def shapes(pk):
        with CaptureQueriesContext(connection) as seen:
            response = client.get(reverse("incidents:person_export", args=[pk]))
        assert response.status_code == 404
        return [
            re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "S", q["sql"]))
            for q in seen.captured_queries
        ]

    assert shapes(draft.subject_id) == shapes(draft.subject_id + 1000)


def test_the_decision_stage_offers_no_findings_form_and_says_why(
    client, decision_concern, hr_manager, investigator
):
    """Sent for decision, the page shows the record as sent, and the server refuses an
    edit posted anyway (an old tab, say) with the same words."""
    client.force_login(investigator)
    page = client.get(reverse("incidents:detail", args=[decision_concern.pk]))
    assert page.status_code == 200
    assert "findings" not in page.context["panels"] and "fairness" not in page.context["panels"]
    assert "sent for decision, so its fairness steps and findings are locked" in page.text

    response = _post(
        client,
        "fairness",
        decision_concern,
        {"allegation_notified_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 409
    assert "sent for decision" in response.text


def test_the_message_after_an_action_is_in_plain_words(client, submitted_concern, hr_manager):
    client.force_login(hr_manager)
    response = _act(client, submitted_concern, "start_triage")
    assert response.status_code == 302
    page = client.get(response.url)
    shown = [str(message) for message in page.context["messages"]]
    assert shown == [f"{submitted_concern.reference} moved to triage."]


def test_assigning_the_only_hr_manager_warns_that_nobody_could_approve(
    client, triage_concern, hr_manager, investigator
):
    client.force_login(hr_manager)
    response = _post(client, "assign", triage_concern, {"assignee": hr_manager.pk})
    page = client.get(response.url)
    shown = [str(message) for message in page.context["messages"]]
    assert any("No other HR manager of the organisation could approve" in m for m in shown)
    assert "No other HR manager of the organisation could approve" in page.text


def test_assigning_an_investigator_leaves_the_hr_manager_to_approve_without_a_warning(
    client, triage_concern, hr_manager, investigator
):
    client.force_login(hr_manager)
    response = _post(client, "assign", triage_concern, {"assignee": investigator.pk})
    page = client.get(response.url)
    assert [str(message) for message in page.context["messages"]] == ["Assigned."]
    assert "could approve" not in page.text


def test_through_the_investigation_the_page_keeps_saying_that_nobody_could_approve(
    client, triage_concern, hr_manager
):
    from incidents.casework import services as casework

    concern = casework.concern_assign(
        concern=triage_concern, actor=hr_manager, assignee=hr_manager, expected_version=None
    )
    concern = casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )
    client.force_login(hr_manager)
    # In triage the warning came with the assignment; the page itself does not ask.
    page = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert "No other HR manager of the organisation could approve" not in page.text

    casework.concern_act(
        concern=concern,
        actor=hr_manager,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    page = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert "No other HR manager of the organisation could approve" in page.text


def test_at_the_decision_the_investigating_hr_manager_sees_why_not_and_another_may_approve(
    client, triage_concern, hr_manager, org
):
    from incidents.casework import services as casework

    concern = casework.concern_assign(
        concern=triage_concern, actor=hr_manager, assignee=hr_manager, expected_version=None
    )
    concern = casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )
    concern = casework.concern_act(
        concern=concern,
        actor=hr_manager,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    concern = send_for_decision(concern, hr_manager)
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert "close" not in [action.rule.name for action in page.context["actions"]]
    assert (
        "Approve and close</strong> is not offered to you: You took part in this investigation"
        in page.text
    )
    assert "No other HR manager of the organisation could approve" in page.text

    other = UserFactory(username="hrmanager2", organisation=org, roles=[Role.HR_MANAGER])
    client.force_login(other)
    page = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert "close" in [action.rule.name for action in page.context["actions"]]
    assert "is not offered to you" not in page.text


# --- The case view: confirmations, error summaries, the timeline -------------------------


def test_dismissing_without_the_confirmation_is_refused_beside_the_box_and_keeps_the_reason(
    client, triage_concern, hr_manager
):
    client.force_login(hr_manager)
    response = _act(client, triage_concern, "dismiss", reason="Typed with care")
    assert response.status_code == 400
    body = response.text
    assert "Tick the box to confirm that you understand what this will do." in body
    assert 'href="#id_dismiss_confirm"' in body  # the summary links to the box
    assert "Typed with care" in body
    assert 'id="panel-actiondismiss" data-dialog open' in body  # the failed form is open
    assert "Only an HR manager can reopen it." in body  # it says what will happen
    triage_concern.refresh_from_db()
    assert triage_concern.status == Status.TRIAGE

    response = _act(client, triage_concern, "dismiss", reason="Typed with care", confirm="on")
    assert response.status_code == 302
    triage_concern.refresh_from_db()
    assert triage_concern.status == Status.DISMISSED


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("step_aside", {"reason": "I know the employee."}),
        ("restrict", {"reason": "Alleges corrupt conduct."}),
    ],
)
def test_step_aside_and_restriction_need_the_confirmation_too(
    client, assigned_concern, hr_manager, investigator, name, data
):
    client.force_login(investigator if name == "step_aside" else hr_manager)
    response = _post(client, name, assigned_concern, data)
    assert response.status_code == 400
    assert data["reason"] in response.text
    assert "Tick the box to confirm" in response.text
    assigned_concern.refresh_from_db()
    assert assigned_concern.assignee == investigator and not assigned_concern.restricted


def test_a_legal_hold_needs_the_confirmation(client, triage_concern, hr_manager):
    from records.models import LegalHold

    client.force_login(hr_manager)
    url = reverse("records:hold_place", args=[triage_concern.pk])
    response = client.post(url, {"reason": "Court summons."})
    assert response.status_code == 400
    assert "Court summons." in response.text and 'href="#id_hold_confirm"' in response.text
    assert not LegalHold.objects.exists()


def test_a_failed_save_puts_a_linked_error_summary_at_the_top_of_its_form(
    client, investigating_concern, investigator
):
    client.force_login(investigator)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = _post(client, "fairness", investigating_concern, {"allegation_notified_on": future})
    assert response.status_code == 400
    body = response.text
    summary = body.index("data-error-summary")
    assert summary < body.index('name="allegation_notified_on"')
    assert (
        'href="#id_fairness_allegation_notified_on">Employee told of the allegations on: '
        "This date can&#x27;t be in the future." in body
    )
    assert f'value="{future}"' in body
    assert 'id="panel-fairness" data-dialog open' in body


def test_each_form_on_the_page_has_its_own_field_ids(client, triage_concern, hr_manager):
    import re
    from collections import Counter

    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[triage_concern.pk])).text
    forms = [
        client.get(reverse("incidents:panel", args=[triage_concern.pk, slug])).text
        for slug in ("actiondismiss", "actionrefer", "triage", "assign")
    ]
    ids = Counter(id_ for body in (page, *forms) for id_ in re.findall(r'\sid="([^"]+)"', body))
    # The base layout repeats in each; the forms' own ids must not collide with each other.
    own = Counter(
        id_ for body in forms for id_ in re.findall(r'\sid="(id_[^"]+|panel-[^"]+)"', body)
    )
    assert [name for name, count in own.items() if count > 1] == []
    assert "id_dismiss_reason" in ids and "id_refer_reason" in ids


def test_the_page_offers_each_action_as_a_button_and_its_form_alone_on_request(
    client, triage_concern, hr_manager
):
    """The forms are not on the concern page: each action links to its form alone, a page
    of its own without JavaScript and the dialog's content with it."""
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[triage_concern.pk])).text
    url = reverse("incidents:panel", args=[triage_concern.pk, "actiondismiss"])
    assert f'href="{url}" data-case-panel>Dismiss' in page
    assert 'name="reason"' not in page

    alone = client.get(url)
    assert alone.status_code == 200
    assert "<nav" in alone.text and 'name="reason"' in alone.text
    assert "Only an HR manager can reopen it." in alone.text  # what will happen
    assert "Back to the concern" in alone.text

    fragment = client.get(url, headers={"X-Case-Panel": "fragment"})
    assert fragment.status_code == 200 and "X-Case-Panel" in fragment["Vary"]
    assert "<nav" not in fragment.text and 'name="reason"' in fragment.text
    assert AccessRecord.objects.filter(concern=triage_concern, detail="form").count() == 2


def test_a_form_not_offered_is_refused_and_an_unknown_one_is_missing(
    client, triage_concern, hr_manager
):
    client.force_login(hr_manager)
    # Closing is an action of the Decision stage, not offered in triage.
    closing = reverse("incidents:panel", args=[triage_concern.pk, "actionclose"])
    assert client.get(closing).status_code == 403
    unknown = reverse("incidents:panel", args=[triage_concern.pk, "no-such-form"])
    assert client.get(unknown).status_code == 404


def test_the_step_indicator_shows_where_the_concern_is(client, triage_concern, hr_manager):
    from incidents.casework.views.case import case_steps

    steps = case_steps(triage_concern)
    assert [(s["label"], s["state"]) for s in steps] == [
        ("Submitted", "done"),
        ("Triage", "current"),
        ("Investigation", "todo"),
        ("Decision", "todo"),
        ("Closed", "todo"),
    ]
    triage_concern.status = Status.DISMISSED
    assert [(s["label"], s["state"]) for s in case_steps(triage_concern)] == [
        ("Submitted", "done"),
        ("Triage", "done"),
        ("Dismissed", "current"),
    ]
    client.force_login(hr_manager)
    body = client.get(reverse("incidents:detail", args=[triage_concern.pk])).text
    assert 'aria-current="step"><span class="visually-hidden">Current stage: </span>Triage' in body


def test_a_referral_from_the_investigation_shows_after_the_investigation_step(
    client, investigating_concern, hr_manager
):
    from incidents.casework import services as casework

    casework.concern_act(
        concern=investigating_concern,
        actor=hr_manager,
        action="refer",
        expected_version=investigating_concern.version,
        inputs={"referred_to": "Victoria Police", "reason": "Possible offence."},
    )
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[investigating_concern.pk]))
    assert [(s["label"], s["state"]) for s in page.context["steps"]] == [
        ("Submitted", "done"),
        ("Triage", "done"),
        ("Investigation", "done"),
        ("Referred", "current"),
    ]
    # The timeline names the stages as people read them.
    assert "Status changed</strong> → Referred" in page.text


def test_a_long_timeline_shows_the_latest_events_and_pages_the_rest(
    client, submitted_concern, hr_manager
):
    from audit.models import AccessRecord
    from incidents.casework import services as casework

    for index in range(120):
        casework.note_add(concern=submitted_concern, actor=hr_manager, text=f"Note {index}")
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[submitted_concern.pk]))
    assert len(page.context["timeline"]) == 50 and page.context["timeline_has_earlier"]
    timeline_url = reverse("incidents:timeline", args=[submitted_concern.pk])
    assert timeline_url in page.text
    total = Event.objects.filter(concern=submitted_concern).count()

    first = client.get(timeline_url)
    second = client.get(timeline_url, {"page": 2})
    assert first.status_code == second.status_code == 200
    shown = list(first.context["page"].object_list) + list(second.context["page"].object_list)
    assert len(shown) == total and shown[0].at >= shown[-1].at  # newest first, every one
    assert "Page 1 of 2" in first.text
    assert (
        AccessRecord.objects.filter(
            concern=submitted_concern, user=hr_manager, detail="timeline"
        ).count()
        == 2
    )
