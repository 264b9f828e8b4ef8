"""The organisation's named second approver: who may be named, what they may open and do."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.services import organisation_name_second_approver
from audit.models import Event, EventKind
from config.errors import Refused
from guidance.models import CodeSection
from incidents import permissions
from incidents.casework import services as casework
from incidents.models import Status
from tests.factories import RIGHTS, UserFactory, make_concern, send_for_decision

pytestmark = pytest.mark.django_db


def _act(client, concern, action, **data):
    """The action as the page sends it: with the confirmation ticked, for those that ask."""
    concern.refresh_from_db()
    return client.post(
        reverse("incidents:act", args=[concern.pk, action]),
        {"version": concern.version, "confirm": "on", **data},
    )


def _investigated_by(concern, hr_manager):
    """The only HR manager triages, investigates and sends the concern for decision."""
    concern = casework.concern_assign(
        concern=concern, actor=hr_manager, assignee=hr_manager, expected_version=None
    )
    concern = casework.concern_act(
        concern=concern, actor=hr_manager, action="start_triage", expected_version=None
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
    return send_for_decision(concern, hr_manager)


def _name(org, person, actor):
    return organisation_name_second_approver(organisation=org, approver=person, actor=actor)


@pytest.fixture
def approver(org):
    return UserFactory(username="approver", organisation=org, roles=[Role.INVESTIGATOR])


def test_the_only_hr_managers_concern_can_be_closed_once_a_second_approver_is_named(
    client, submitted_concern, org, hr_manager, approver, administrator
):
    concern = _investigated_by(submitted_concern, hr_manager)
    assert permissions.eligible_approvers(concern) == []
    client.force_login(approver)
    assert client.get(reverse("incidents:detail", args=[concern.pk])).status_code == 404

    _name(org, approver, administrator)
    concern.refresh_from_db()
    assert permissions.eligible_approvers(concern) == [approver]
    page = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert page.status_code == 200
    assert "close" in [action.rule.name for action in page.context["actions"]]
    assert "No other HR manager of the organisation could approve" not in page.text
    response = _act(client, concern, "close", reporter_message="Thank you; action was taken.")
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED
    closed = Event.objects.filter(concern=concern, kind=EventKind.STATUS_CHANGED).last()
    assert closed.actor == approver and closed.after["status"] == Status.CLOSED


def test_the_second_approver_may_return_a_concern_to_the_investigation(
    client, submitted_concern, org, hr_manager, approver, administrator
):
    concern = _investigated_by(submitted_concern, hr_manager)
    _name(org, approver, administrator)
    client.force_login(approver)
    response = _act(client, concern, "return_to_investigation", reason="Interview the witness.")
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.INVESTIGATION


def test_the_second_approver_cannot_approve_what_they_took_part_in(
    decision_concern, org, investigator, hr_manager, administrator
):
    # The investigator investigated it and is then named second approver.
    _name(org, investigator, administrator)
    decision_concern.refresh_from_db()
    with pytest.raises(Refused, match="another HR manager must approve"):
        casework.concern_act(
            concern=decision_concern,
            actor=investigator,
            action="close",
            expected_version=decision_concern.version,
            inputs={"reporter_message": "Done."},
        )
    with pytest.raises(Refused):
        casework.concern_act(
            concern=decision_concern,
            actor=investigator,
            action="return_to_investigation",
            expected_version=decision_concern.version,
            inputs={"reason": "More to do."},
        )
    assert investigator not in permissions.eligible_approvers(decision_concern)
    assert hr_manager in permissions.eligible_approvers(decision_concern)


def test_the_page_says_why_a_second_approver_who_took_part_may_not_approve(
    client, decision_concern, org, investigator, administrator
):
    _name(org, investigator, administrator)
    client.force_login(investigator)
    page = client.get(reverse("incidents:detail", args=[decision_concern.pk]))
    assert "close" not in [action.rule.name for action in page.context["actions"]]
    assert "You took part in this investigation" in page.text


def test_another_organisations_person_cannot_be_named(
    org, other_org, outsider, executive, administrator, reporter
):
    other_hr_manager = UserFactory(
        username="other-hr", organisation=other_org, roles=[Role.HR_MANAGER]
    )
    for person, problem in (
        (other_hr_manager, "a person of this organisation"),
        (outsider, "a person of this organisation"),
        (executive, "HR investigator or HR manager"),
        (reporter, "HR investigator or HR manager"),
    ):
        with pytest.raises(ValidationError, match=problem):
            _name(org, person, administrator)
        org.second_approver = person
        with pytest.raises(ValidationError, match=problem):
            org.full_clean()
        org.refresh_from_db()
        assert org.second_approver_id is None
    assert not Event.objects.filter(kind=EventKind.SECOND_APPROVER_CHANGED).exists()


def test_an_inactive_person_or_a_systems_account_cannot_be_named(org, administrator):
    from tests.factories import ServiceIdentityFactory

    gone = UserFactory(
        username="gone", organisation=org, roles=[Role.INVESTIGATOR], is_active=False
    )
    system = ServiceIdentityFactory(organisation=org, roles=[Role.HR_MANAGER])
    with pytest.raises(ValidationError, match="not active"):
        _name(org, gone, administrator)
    with pytest.raises(ValidationError, match="not a system"):
        _name(org, system, administrator)


def test_an_approver_who_moves_organisation_counts_no_more(
    submitted_concern, org, other_org, hr_manager, approver, administrator
):
    concern = _investigated_by(submitted_concern, hr_manager)
    _name(org, approver, administrator)
    approver.organisation = other_org
    approver.save()
    concern.refresh_from_db()
    assert permissions.eligible_approvers(concern) == []
    assert not permissions.can_view_case_record(approver, concern)


def test_the_admin_offers_only_the_organisations_hr_staff_and_records_the_naming(
    client, org, other_org, approver, hr_manager, executive, administrator
):
    UserFactory(username="other-hr", organisation=other_org, roles=[Role.HR_MANAGER])
    superuser = UserFactory(
        username="root", organisation=org, is_staff=True, is_superuser=True, roles=[]
    )
    client.force_login(superuser)
    url = reverse("admin:accounts_organisation_change", args=[org.pk])
    form = client.get(url).context["adminform"].form
    offered = set(form.fields["second_approver"].queryset)
    assert offered == {approver, hr_manager}

    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "second_approver": executive.pk,
            "business_units-TOTAL_FORMS": "0",
            "business_units-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200  # refused next to the field
    assert "Select a valid choice" in response.text
    org.refresh_from_db()
    assert org.second_approver_id is None

    response = client.post(url, {**data, "second_approver": approver.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.second_approver == approver
    event = Event.objects.get(kind=EventKind.SECOND_APPROVER_CHANGED)
    assert event.actor == superuser and event.organisation_id == org.pk
    assert event.before == {"second_approver": None}
    assert event.after == {"second_approver": approver.pk}


def test_the_approver_sees_nothing_before_the_decision_and_nothing_restricted(
    client, guidance, org, reporter, hr_manager, approver, administrator
):
    _name(org, approver, administrator)
    colleague = UserFactory(username="colleague", organisation=org, roles=[Role.INVESTIGATOR])
    concern = casework.concern_assign(
        concern=make_concern(reporter),
        actor=hr_manager,
        assignee=colleague,
        expected_version=None,
    )
    concern = casework.concern_act(
        concern=concern, actor=colleague, action="start_triage", expected_version=None
    )
    concern = casework.concern_record_triage(
        concern=concern,
        actor=colleague,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )
    concern = casework.concern_act(
        concern=concern,
        actor=colleague,
        action="start_investigation",
        expected_version=None,
        inputs=RIGHTS,
    )
    client.force_login(approver)
    detail = reverse("incidents:detail", args=[concern.pk])
    queue = reverse("incidents:list")
    assert client.get(detail).status_code == 404  # investigating, someone else's case
    assert concern.reference not in client.get(queue).text

    concern = send_for_decision(concern, colleague)
    assert client.get(detail).status_code == 200
    assert concern.reference in client.get(queue, {"status": "decision"}).text

    casework.concern_restrict(concern=concern, actor=hr_manager, reason="Possible disclosure.")
    assert client.get(detail).status_code == 404
    assert concern.reference not in client.get(queue).text
    concern.refresh_from_db()
    assert approver not in permissions.eligible_approvers(concern)

    org.pid_coordinator = approver  # unless they are its coordinator
    org.save()
    assert client.get(detail).status_code == 200


def test_a_token_made_by_the_approver_does_not_act_as_the_second_approver(
    submitted_concern, org, hr_manager, approver, administrator
):
    from tests.factories import ServiceIdentityFactory

    concern = _investigated_by(submitted_concern, hr_manager)
    _name(org, approver, administrator)
    system = ServiceIdentityFactory(organisation=org, roles=[Role.INVESTIGATOR])
    system.token_maker = approver
    rule = next(rule for rule in permissions_rules() if rule.name == "close")
    assert permissions.can_apply_transition(approver, concern, rule)
    assert not permissions.can_view_case_record(system, concern)
    assert not permissions.can_apply_transition(system, concern, rule)


def permissions_rules():
    from incidents.workflow import TRANSITIONS

    return TRANSITIONS


def test_the_navigation_links_the_decisions_only_for_the_named_approver(
    client, org, approver, investigator, administrator
):
    client.force_login(investigator)
    assert "Awaiting your decision" not in client.get(reverse("home")).text
    _name(org, approver, administrator)
    client.force_login(approver)
    home = client.get(reverse("home")).text
    assert "Awaiting your decision" in home
    assert reverse("incidents:list") + "?status=decision" in home
    client.force_login(investigator)
    assert "Awaiting your decision" not in client.get(reverse("home")).text
