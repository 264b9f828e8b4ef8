"""Related concerns on HR's concern page, and linking concerns as the same matter."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from config.errors import Refused
from incidents.casework import matters
from incidents.casework import services as casework
from incidents.casework.related import PANEL_LIMIT, related_concerns
from incidents.models import Concern, Matter
from incidents.selectors import concern_record
from tests.factories import UserFactory, make_concern

pytestmark = pytest.mark.django_db


def _other(reporter, **overrides):
    """A concern about someone else, with a link of its own."""
    values = {"subject_name": "Someone Else", "links": ["https://example.org/another/1"]}
    return make_concern(reporter, **{**values, **overrides})


def _panel(user, concern):
    return related_concerns(user, concern_record(concern))


def _references(panel):
    return {row.concern.reference for row in panel.rows}


def _link(concern, other, actor, reason="The same post, reported twice."):
    concern.refresh_from_db()
    return matters.matter_link(
        concern=concern, other=other, actor=actor, reason=reason, expected_version=concern.version
    )


def _coordinator(org, role=Role.INVESTIGATOR):
    coordinator = UserFactory(organisation=org, roles=[role], username="coord")
    org.pid_coordinator = coordinator
    org.save()
    return coordinator


# --- The panel: what is related, and who sees it -------------------------------------------


def test_the_panel_lists_concerns_about_the_same_employee_and_says_why(
    guidance, reporter, hr_manager
):
    first = make_concern(reporter, links=["https://example.org/a"])
    second = make_concern(reporter, subject_name="jordan  EXAMPLE", links=["https://example.org/b"])
    _other(reporter)
    panel = _panel(hr_manager, first)
    assert [row.concern.reference for row in panel.rows] == [second.reference]
    assert panel.rows[0].reasons == ("same employee",)


def test_the_panel_lists_concerns_sharing_a_link_with_another_employee(
    guidance, reporter, hr_manager
):
    first = make_concern(reporter, links=["https://www.facebook.com/some.post/123"])
    second = _other(reporter, links=["https://facebook.com/some.post/123/"])
    unrelated = _other(reporter, subject_name="Third Person")
    panel = _panel(hr_manager, first)
    assert second.links.get().normalised_url == first.links.get().normalised_url
    assert _references(panel) == {second.reference}
    assert unrelated.reference not in _references(panel)
    assert panel.rows[0].reasons == ("same link",)


def test_a_restricted_concern_never_shows_nor_counts_except_for_the_coordinator(
    guidance, org, reporter, hr_manager
):
    first = make_concern(reporter)
    restricted = make_concern(reporter, possible_pid="yes")
    assert Concern.objects.get(pk=restricted.pk).restricted
    coordinator = _coordinator(org)
    panel = _panel(hr_manager, first)
    assert panel.rows == [] and panel.more == 0
    # The coordinator (an investigator here) sees it, the unassigned first concern too.
    assert _references(_panel(coordinator, first)) == {restricted.reference}


def test_another_organisations_concerns_and_drafts_never_show(
    guidance, reporter, hr_manager, other_org
):
    first = make_concern(reporter)
    draft = make_concern(reporter, submit=False)
    elsewhere = make_concern(
        UserFactory(organisation=other_org, roles=[Role.REPORTER], username="elsewhere")
    )
    assert elsewhere.links.get().normalised_url == first.links.get().normalised_url
    references = _references(_panel(hr_manager, first))
    assert draft.pk not in {row.concern.pk for row in _panel(hr_manager, first).rows}
    assert elsewhere.reference not in references
    assert references == set()


def test_an_investigator_sees_only_related_concerns_they_may_open(
    guidance, org, reporter, hr_manager, investigator
):
    first = make_concern(reporter)
    unassigned = make_concern(reporter)
    elsewhere = make_concern(reporter)
    someone = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="someone")
    casework.concern_assign(
        concern=elsewhere, actor=hr_manager, assignee=someone, expected_version=None
    )
    assert _references(_panel(investigator, first)) == {unassigned.reference}
    assert _references(_panel(hr_manager, first)) == {unassigned.reference, elsewhere.reference}


def test_the_panel_is_bounded_and_says_how_many_more(guidance, reporter, hr_manager):
    concerns = [make_concern(reporter) for _ in range(PANEL_LIMIT + 3)]
    panel = _panel(hr_manager, concerns[0])
    assert len(panel.rows) == PANEL_LIMIT
    assert panel.more == 2  # 22 others, 20 shown


def test_the_panel_is_one_query_whatever_the_number_of_related_concerns(
    guidance, reporter, hr_manager, django_assert_num_queries
):
    first = concern_record(make_concern(reporter))
    hr_manager.organisation  # noqa: B018  (loaded once per request by the page already)
    hr_manager.has_role(Role.HR_MANAGER)
    with django_assert_num_queries(1):
        related_concerns(hr_manager, first)
    for _ in range(5):
        make_concern(reporter)
    with django_assert_num_queries(1):
        assert len(related_concerns(hr_manager, first).rows) == 5


def test_the_reporter_never_sees_the_panel(client, guidance, reporter, hr_manager):
    first = make_concern(reporter)
    make_concern(reporter)
    client.force_login(reporter)
    body = client.get(reverse("incidents:detail", args=[first.pk])).content.decode()
    assert "Related concerns" not in body
    assert "Link as the same matter" not in body


def test_the_concern_page_shows_the_panel_with_links_to_each_concern(
    client, guidance, reporter, hr_manager
):
    first = make_concern(reporter)
    second = make_concern(reporter)
    client.force_login(hr_manager)
    body = client.get(reverse("incidents:detail", args=[first.pk])).content.decode()
    assert "Related concerns" in body
    assert reverse("incidents:detail", args=[second.pk]) in body
    assert "Same employee; same link" in body


# --- Linking and unlinking -----------------------------------------------------------------


def test_linking_makes_one_matter_led_by_the_earliest_and_records_both(
    guidance, reporter, hr_manager
):
    first = make_concern(reporter)
    second = make_concern(reporter)
    _link(second, first, hr_manager)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.matter_id == second.matter_id is not None
    for concern, other in ((first, second), (second, first)):
        event = Event.objects.get(concern=concern, kind="matter_linked")
        assert event.actor == hr_manager
        assert event.after["other"] == other.reference
        assert event.after["lead"] == first.reference
        assert event.after["reason"] == "The same post, reported twice."
    assert _panel(hr_manager, second).lead_reference == first.reference
    assert _panel(hr_manager, first).is_lead


def test_a_third_concern_joins_the_matter_and_records_events(guidance, reporter, hr_manager):
    first, second, third = (make_concern(reporter) for _ in range(3))
    _link(first, second, hr_manager)
    _link(third, second, hr_manager)
    assert Concern.objects.filter(matter__isnull=False).count() == 3
    assert Matter.objects.count() == 1
    panel = _panel(hr_manager, third)
    assert {row.reasons[0] for row in panel.rows} == {"linked as the same matter"}


def test_linking_needs_a_reason(guidance, reporter, hr_manager):
    first, second = make_concern(reporter), make_concern(reporter)
    with pytest.raises(Refused, match="say why"):
        _link(first, second, hr_manager, reason="   ")
    assert not Event.objects.filter(kind="matter_linked").exists()


def test_linking_twice_or_to_itself_or_across_two_matters_is_refused(
    guidance, reporter, hr_manager
):
    a, b, c, d = (make_concern(reporter) for _ in range(4))
    with pytest.raises(Refused, match="itself"):
        _link(a, a, hr_manager)
    _link(a, b, hr_manager)
    with pytest.raises(Refused, match="already linked"):
        _link(b, a, hr_manager)
    _link(c, d, hr_manager)
    with pytest.raises(Refused, match="different matter"):
        _link(a, c, hr_manager)
    assert Matter.objects.count() == 2


def test_a_stale_form_is_refused(guidance, reporter, hr_manager):
    first, second = make_concern(reporter), make_concern(reporter)
    first.refresh_from_db()
    with pytest.raises(Refused, match="Someone else changed"):
        matters.matter_link(
            concern=first,
            other=second,
            actor=hr_manager,
            reason="Same post.",
            expected_version=first.version - 1,
        )


def test_a_restricted_concern_is_not_linked_with_an_ordinary_one_even_by_the_coordinator(
    guidance, org, reporter
):
    coordinator = _coordinator(org, Role.HR_MANAGER)
    ordinary = make_concern(reporter)
    restricted = Concern.objects.get(pk=make_concern(reporter, possible_pid="yes").pk)
    manager = UserFactory(organisation=org, roles=[Role.HR_MANAGER], username="manager2")
    with pytest.raises(Refused):
        _link(ordinary, restricted, manager)  # the manager cannot open it at all
    with pytest.raises(Refused, match="only with another restricted"):
        _link(restricted, ordinary, coordinator)
    other_restricted = Concern.objects.get(pk=make_concern(reporter, possible_pid="yes").pk)
    _link(restricted, other_restricted, coordinator)
    assert Event.objects.filter(kind="matter_linked").count() == 2


def test_an_investigator_links_their_own_case_but_not_two_they_do_not_investigate(
    guidance, org, reporter, hr_manager, investigator
):
    mine = casework.concern_assign(
        concern=make_concern(reporter),
        actor=hr_manager,
        assignee=investigator,
        expected_version=None,
    )
    unassigned = make_concern(reporter)
    unassigned_too = make_concern(reporter)
    with pytest.raises(Refused, match="investigator of either"):
        _link(unassigned, unassigned_too, investigator)
    _link(unassigned, mine, investigator)
    assert Concern.objects.get(pk=unassigned.pk).matter_id is not None


def test_unlinking_needs_a_reason_records_both_and_dissolves_a_matter_of_one(
    guidance, reporter, hr_manager
):
    first, second = make_concern(reporter), make_concern(reporter)
    _link(first, second, hr_manager)
    second.refresh_from_db()
    with pytest.raises(Refused, match="say why"):
        matters.matter_unlink(
            concern=second, actor=hr_manager, reason="", expected_version=second.version
        )
    matters.matter_unlink(
        concern=second, actor=hr_manager, reason="Different posts.", expected_version=second.version
    )
    assert not Concern.objects.filter(matter__isnull=False).exists()
    assert not Matter.objects.exists()
    for concern, other in ((second, first), (first, second)):
        event = Event.objects.get(concern=concern, kind="matter_unlinked")
        assert event.after["other"] == other.reference
        assert event.after["reason"] == "Different posts."
    second.refresh_from_db()
    with pytest.raises(Refused, match="not linked"):
        matters.matter_unlink(
            concern=second, actor=hr_manager, reason="Again.", expected_version=second.version
        )


def test_unlinking_the_lead_hands_the_matter_to_the_next_earliest(guidance, reporter, hr_manager):
    first, second, third = (make_concern(reporter) for _ in range(3))
    _link(second, first, hr_manager)
    _link(third, first, hr_manager)
    first.refresh_from_db()
    matters.matter_unlink(
        concern=first, actor=hr_manager, reason="A separate post.", expected_version=first.version
    )
    event = Event.objects.get(concern=second, kind="matter_unlinked")
    assert event.after == {
        "other": first.reference,
        "lead": second.reference,
        "matter": Concern.objects.get(pk=second.pk).matter_id,
        "reason": "A separate post.",
    }
    assert _panel(hr_manager, third).lead_reference == second.reference


# --- Through the pages ---------------------------------------------------------------------


def _post_link(client, concern, data):
    concern.refresh_from_db()
    return client.post(
        reverse("incidents:link_matter", args=[concern.pk]), {"version": concern.version, **data}
    )


def test_an_hr_manager_links_two_concerns_on_the_page_and_both_pages_say_so(
    client, guidance, reporter, hr_manager
):
    first, second = make_concern(reporter), make_concern(reporter)
    client.force_login(hr_manager)
    response = _post_link(
        client, second, {"other_reference": first.reference.lower(), "reason": "Same post."}
    )
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert f"Linked with {first.reference} as the same matter." in body
    assert f"Counted in trends as part of the matter led by {first.reference}." in body
    body = client.get(reverse("incidents:detail", args=[first.pk])).content.decode()
    assert "This concern stands for the matter" in body
    assert "Unlink from the matter" in body
    # Each timeline names the other concern of the link.
    assert f": with {second.reference}, counted under {first.reference}" in body


def test_a_missing_reason_or_reference_is_shown_next_to_the_field_and_kept(
    client, guidance, reporter, hr_manager
):
    first = make_concern(reporter)
    client.force_login(hr_manager)
    response = _post_link(
        client, first, {"other_reference": "SMC-1999-00001", "reason": "Same post."}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "No concern with that reference that you can open" in body
    assert "Same post." in body  # what was typed is kept
    response = _post_link(client, first, {"other_reference": first.reference, "reason": ""})
    assert response.status_code == 400
    assert "Please say why these concerns are the same matter." in response.content.decode()


def test_another_organisations_reference_is_not_found(
    client, guidance, reporter, hr_manager, other_org
):
    first = make_concern(reporter)
    someone = UserFactory(organisation=other_org, roles=[Role.REPORTER], username="elsewhere")
    make_concern(someone, subject_name="Hidden Person")
    elsewhere = make_concern(someone, subject_name="Hidden Person")  # no such reference in A
    client.force_login(hr_manager)
    response = _post_link(
        client, first, {"other_reference": elsewhere.reference, "reason": "Same."}
    )
    assert response.status_code == 400
    assert "No concern with that reference that you can open" in response.content.decode()
    assert "Hidden Person" not in response.content.decode()
    assert not Matter.objects.exists()


def test_a_refusal_is_a_409_with_the_message_on_the_page(client, guidance, reporter, hr_manager):
    first = make_concern(reporter)
    client.force_login(hr_manager)
    response = _post_link(client, first, {"other_reference": first.reference, "reason": "Same."})
    assert response.status_code == 409
    assert "A concern cannot be linked with itself." in response.content.decode()


def test_a_stale_page_is_refused_and_keeps_the_form(client, guidance, reporter, hr_manager):
    first, second = make_concern(reporter), make_concern(reporter)
    client.force_login(hr_manager)
    first.refresh_from_db()
    response = client.post(
        reverse("incidents:link_matter", args=[first.pk]),
        {
            "version": first.version - 1,
            "other_reference": second.reference,
            "reason": "Kept words.",
        },
    )
    assert response.status_code == 409
    assert "Kept words." in response.content.decode()
    assert not Matter.objects.exists()


def test_an_investigator_not_on_the_case_gets_403(client, guidance, reporter, investigator):
    first, second = make_concern(reporter), make_concern(reporter)
    client.force_login(investigator)
    response = _post_link(client, first, {"other_reference": second.reference, "reason": "Same."})
    assert response.status_code == 403


def test_unlinking_through_the_page(client, guidance, reporter, hr_manager):
    first, second = make_concern(reporter), make_concern(reporter)
    _link(first, second, hr_manager)
    client.force_login(hr_manager)
    second.refresh_from_db()
    url = reverse("incidents:unlink_matter", args=[second.pk])
    response = client.post(url, {"version": second.version, "reason": ""})
    assert response.status_code == 400
    assert "Please say why this concern is not part of the matter." in response.content.decode()
    response = client.post(url, {"version": second.version, "reason": "Different posts."})
    assert response.status_code == 302
    assert not Matter.objects.exists()
